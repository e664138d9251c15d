from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "successdesk.intake"
    label = "intake"
    verbose_name = "Intake"
