from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from luoshi import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("plans/", include("luoshi.plans.urls")),
    path("ledger/", include("luoshi.ledger.urls")),
    path("reporting/", include("luoshi.reporting.urls")),
    path("supervision/", include("luoshi.supervision.urls")),
    path("dashboard/", include("luoshi.dashboard.urls")),
    path("api/", include("luoshi.api.urls")),
]
