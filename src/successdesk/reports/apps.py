from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "successdesk.reports"
    label = "reports"
