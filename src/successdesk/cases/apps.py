from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "successdesk.cases"
    label = "cases"
    verbose_name = "Cases"
