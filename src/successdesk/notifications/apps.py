from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "successdesk.notifications"
    label = "notifications"
    verbose_name = "Notifications"
