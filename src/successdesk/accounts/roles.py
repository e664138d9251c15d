"""Vendor staff roles. A role is a Django group of the same name, so admins manage it."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    TRIAGE_AGENT = "triage_agent", "Triage agent"
    SUPPORT_AGENT = "support_agent", "Support agent"
    SPECIALIST = "specialist", "Campaign/event specialist"
    ADMIN = "admin", "Admin"


STAFF_ROLES: frozenset[str] = frozenset(Role.values)
