from django.apps import AppConfig


class PackagesConfig(AppConfig):
    name = "successdesk.packages"
    label = "packages"
    verbose_name = "Packages and subscriptions"
