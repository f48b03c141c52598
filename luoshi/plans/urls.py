from django.urls import path

from luoshi.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_import, name="import"),
    path("<int:pk>/review/", views.plan_review, name="review"),
    path("<int:pk>/publish/", views.plan_publish, name="publish"),
    path("<int:pk>/discard/", views.plan_discard, name="discard"),
    path("<int:pk>/units/", views.unit_suggest, name="unit_suggest"),
    path("tasks/<int:pk>/", views.task_row, name="task_row"),
    path("tasks/<int:pk>/drop/", views.task_drop, name="task_drop"),
    path("tasks/<int:pk>/merge/", views.task_merge, name="task_merge"),
    path("tasks/<int:pk>/split/", views.task_split, name="task_split"),
]
