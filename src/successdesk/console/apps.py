from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "successdesk.console"
    label = "console"
    verbose_name = "Staff console"
