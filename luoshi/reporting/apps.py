from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "luoshi.reporting"
    label = "reporting"
