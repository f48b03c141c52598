"""The JSON API, mounted at /api/. Version 1 lives under /api/v1/; schema.py describes every path."""

from django.urls import path, re_path

from luoshi.api import views

app_name = "api"
urlpatterns = [
    path("", views.index, name="index"),
    path("schema.json", views.schema, name="schema"),
    path("v1/items/", views.items, name="items"),
    path("v1/items/<int:pk>/", views.item, name="item"),
    path("v1/items/<int:pk>/reports/", views.item_reports, name="item_reports"),
    path("v1/reports/<int:pk>/", views.report, name="report"),
    path("v1/reports/<int:pk>/review/", views.review, name="review"),
    path("v1/units/", views.units, name="units"),
    # an unknown /api/v1/… path answers in JSON like the rest; only paths ending in "/" so that
    # /api/v1/items (no slash) still resolves nowhere and CommonMiddleware adds the slash
    re_path(r"^v1/(?P<rest>.*/)$", views.not_found, name="not_found"),
]
