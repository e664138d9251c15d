from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "successdesk.triage"
    label = "triage"
