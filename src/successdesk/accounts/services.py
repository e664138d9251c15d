"""Writes for accounts: one use case per function."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from successdesk.domain.errors import InvalidInput, NotFound

from .audit import audit_record
from .models import (
    ApiToken,
    Customer,
    SupportTeam,
    TeamMembership,
    User,
    normalise_email,
    token_digest,
)
from .roles import STAFF_ROLES


def customer_ensure(*, name: str, time_zone: str = "America/Toronto") -> Customer:
    customer, _ = Customer.objects.get_or_create(
        slug=slugify(name)[:80], defaults={"name": name, "time_zone": time_zone}
    )
    return customer


def user_ensure(
    *,
    email: str,
    password: str,
    full_name: str = "",
    customer: Customer | None = None,
    roles: Iterable[str] = (),
) -> User:
    """Create the user if absent (idempotent); sets roles for vendor staff."""
    roles = set(roles)
    unknown = roles - STAFF_ROLES
    if unknown:
        raise InvalidInput(f"Unknown staff role(s): {', '.join(sorted(unknown))}.", field="roles")
    if customer is not None and roles:
        raise InvalidInput("A customer user cannot hold a staff role.", field="roles")
    with transaction.atomic():
        user = User.objects.filter(email=normalise_email(email)).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name,
                customer=customer,
                is_staff="admin" in roles,
                is_superuser="admin" in roles,
            )
        for role in sorted(roles):
            group, _ = Group.objects.get_or_create(name=role)
            user.groups.add(group)
    return user


def team_ensure(
    *, name: str, members: Iterable[User] = (), lead: User | None = None
) -> SupportTeam:
    team, _ = SupportTeam.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    for member in members:
        TeamMembership.objects.get_or_create(team=team, user=member)
    if lead is not None:
        TeamMembership.objects.update_or_create(team=team, user=lead, defaults={"is_lead": True})
    return team


def token_create(*, email: str, name: str = "") -> str:
    """Create an API token for the user with that e-mail; returns the raw token once."""
    user = User.objects.filter(email=normalise_email(email)).first()
    if user is None or not user.is_active:
        raise NotFound(f"No active user has the e-mail address {email!r}.", field="email")
    raw = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=token_digest(raw))
    audit_record(action="api_token.create", actor=user, target=user.email, name=name)
    return raw
