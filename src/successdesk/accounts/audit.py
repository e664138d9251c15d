"""One way to write the audit log."""

from __future__ import annotations

from typing import Any

from successdesk.domain.labels import code_label

from .models import AuditEntry, Customer, User


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    customer: Customer | None = None,
    target: str = "",
    ip: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Write one audit entry. Callers pass the client address as ``ip`` (the web layer
    reads it with ``accounts.network.client_ip``); no service takes the request."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    if customer is None and actor is not None:
        customer = actor.customer
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        customer=customer,
        target=target[:200],
        ip_address=ip,
        details=details,
    )


AUDIT_ACTION_LABELS = {
    "access.denied": "Access denied",
    "api_token.create": "API token created",
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.sign_out": "Signed out",
    "designated_contact.add": "Designated contact named",
    "designated_contact.remove": "Designated contact removed",
    "designated_contact.transfer": "Designated contact transferred",
    "fair_usage.extra_granted": "Extra fair-usage requests granted",
    "training.import": "Training records imported",
    "training.record": "Training recorded",
    "user.email_change_requested": "Sign-in e-mail change requested",
    "user.email_change_refused": "Sign-in e-mail change refused at confirmation",
    "user.email_changed": "Sign-in e-mail changed",
    "user.password_reset_sent": "Password reset link sent",
    "user.unlocked": "Sign-in lockout cleared",
}


def audit_action_label(action: str) -> str:
    """An audit action in words for pages; unknown codes read as their words."""
    return AUDIT_ACTION_LABELS.get(action) or code_label(action)
