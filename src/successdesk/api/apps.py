from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "successdesk.api"
    label = "api"
    verbose_name = "API v1"
