"""What designated contacts add to identity's events (connected in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver

from successdesk.accounts.email_change import email_changed
from successdesk.accounts.models import EmailChange, User
from successdesk.notifications.services import notification_queue

from .selectors import is_designated_contact


@receiver(email_changed, dispatch_uid="contacts.designated_contact_email_changed")
def designated_contact_email_changed(
    sender: Any, *, change: EmailChange, user: User, **kwargs: Any
) -> None:
    """Tell the vendor when a designated contact's sign-in e-mail changed (in the
    confirming transaction)."""
    if user.customer_id is None or not is_designated_contact(user):
        return
    customer = user.customer.name if user.customer else ""
    old, new = change.old_email, change.new_email
    notification_queue(
        to=[settings.VENDOR_NOTIFY_EMAIL],
        subject=f"{customer}: a designated contact's sign-in e-mail changed",
        body=(
            f"{customer}'s designated contact {user.get_full_name()} now signs in "
            f"with {new} instead of {old} (requested by "
            f"{change.requested_by.email if change.requested_by else 'an admin'}, "
            "confirmed from the new address).\n"
        ),
        kind="user.email_changed.vendor",
    )
