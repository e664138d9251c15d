from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "successdesk.portal"
    label = "portal"
    verbose_name = "Customer portal"
