"""One way to write the audit log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import AuditEntry, Customer, User
from .network import client_ip


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    customer: Customer | None = None,
    target: str = "",
    request: HttpRequest | None = None,
    **details: Any,
) -> AuditEntry:
    if actor is not None and not actor.is_authenticated:
        actor = None
    if customer is None and actor is not None:
        customer = actor.customer
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        customer=customer,
        target=target[:200],
        ip_address=client_ip(request) if request is not None else None,
        details=details,
    )
