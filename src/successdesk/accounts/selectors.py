"""Reads for accounts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import ApiToken, Customer, User, token_digest


def user_for_token(raw: str) -> User | None:
    """The active user owning this un-revoked token, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__customer")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute, to keep reads cheap.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def is_designated_contact(user: User) -> bool:
    """Whether ``user`` is an active designated contact (of their own customer)."""
    if not getattr(user, "is_authenticated", False) or user.customer_id is None:
        return False
    from .models import DesignatedContact

    return DesignatedContact.objects.filter(
        user=user, customer_id=user.customer_id, removed_at__isnull=True
    ).exists()


def designated_contacts_of(customer: Customer) -> list[User]:
    """The customer's active designated contacts, in the order they were named."""
    return list(
        User.objects.filter(
            designations__customer=customer, designations__removed_at__isnull=True
        ).order_by("designations__since", "designations__pk")
    )
