from __future__ import annotations

from successdesk.accounts.models import User

from .models import NotificationPreference


def designated_contacts_following(customer_id: int) -> list[str]:
    """The e-mail addresses of the customer's designated contacts who chose to hear about
    all its cases."""
    return list(
        User.objects.filter(
            customer_id=customer_id,
            is_active=True,
            designations__customer_id=customer_id,
            designations__removed_at__isnull=True,
            notification_preference__all_customer_cases=True,
        )
        .values_list("email", flat=True)
        .distinct()
    )


def follows_all_customer_cases(user: User) -> bool:
    """Whether ``user`` chose to be e-mailed about every case of their customer."""
    return NotificationPreference.objects.filter(user=user, all_customer_cases=True).exists()
