"""Background tasks of accounts (Django's tasks API)."""

from __future__ import annotations

from django.tasks import task

from .password_reset import password_reset_request


@task(queue_name="notifications")
def password_reset_mail(email: str) -> bool:
    """Look up the account for “Forgot Password?” and write its reset e-mail to the outbox."""
    return password_reset_request(email=email)
