from django.urls import path

from luoshi.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
]
