from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "successdesk.contacts"
    label = "contacts"
    verbose_name = "Designated contacts and training"

    def ready(self) -> None:
        # Function-local by Django convention: receivers connect once the registry is ready.
        from . import receivers  # noqa: F401  (a designated contact's e-mail change)
