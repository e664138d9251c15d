from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "successdesk.mail"
    label = "mail"
    verbose_name = "Inbound e-mail"
