from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "successdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Function-local by Django convention: receivers connect once the registry is ready.
        from . import signals  # noqa: F401  (connects the sign-in audit receivers)
