from django.urls import path

from luoshi.reporting import views

app_name = "reporting"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/tasks.xlsx", views.download, name="download"),
    path("mine/upload/", views.upload, name="upload"),
    path("mine/confirm/", views.confirm, name="confirm"),
    path("task/<int:pk>/report/", views.report, name="report"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("pending/", views.pending, name="pending"),
    path("review/<int:pk>/", views.review, name="review"),
]
