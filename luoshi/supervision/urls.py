from django.urls import path

from luoshi.supervision import views

app_name = "supervision"
urlpatterns = [
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.new_notice, name="new_notice"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("task/<int:pk>/instruct/", views.instruct, name="instruct"),
]
