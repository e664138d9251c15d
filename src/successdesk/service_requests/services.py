"""Writes for service requests: submit under the fair-usage limit, move along the flow,
assign, and grant one-off extras.

The fair-usage counter (``packages.UsageCounter``) is incremented by one conditional
UPDATE in the transaction that creates the request: ``used < limit + extra``. On
PostgreSQL the row lock makes concurrent submissions wait and re-check the condition; on
SQLite transactions begin IMMEDIATE and are serialised. Either way the counter never
passes the limit, and a failed request leaves it untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from successdesk.accounts.active import customer_ensure_active
from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role
from successdesk.cases.attachments import check_uploads
from successdesk.domain.errors import InvalidInput, PermissionDenied
from successdesk.domain.fair_usage import FairUsageLimitReached, QuotaStatus, limits_for
from successdesk.domain.fair_usage import month_window as _window
from successdesk.domain.service_flow import RequestStatus, ServiceKind, parse_kind, step
from successdesk.notifications.services import notification_queue
from successdesk.packages.models import UsageCounter
from successdesk.packages.selectors import ensure_feature, entitlements_current, exclusions_detect

from .models import ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent, UsageExtra

MAX_DETAILS = 20_000
MAX_EXTRA = 20


def month_of(customer: Customer, at: datetime) -> tuple[date, datetime]:
    """The first day of the customer's calendar month containing ``at``, and its end."""
    start, end = _window(at, customer.time_zone)
    return start.date(), end


def _take_slot(*, customer: Customer, pool: str, month: date, limit: int) -> bool:
    """One more request in the pool this month, if the limit allows; in the caller's
    transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("_take_slot() must be called inside transaction.atomic().")
    counter, _ = UsageCounter.objects.get_or_create(customer=customer, pool=pool, month=month)
    taken = UsageCounter.objects.filter(pk=counter.pk, used__lt=F("extra") + limit).update(
        used=F("used") + 1
    )
    return taken == 1


def _quota(customer: Customer, pool: str, month: date, limit: int, end: datetime) -> QuotaStatus:
    used, extra = (
        UsageCounter.objects.filter(customer=customer, pool=pool, month=month)
        .values_list("used", "extra")
        .first()
    ) or (0, 0)
    return QuotaStatus(kind=pool, limit=limit, used=used, extra=extra, resets_at=end)


def _details(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            "Describe what you need: for an import, what the file holds and where it goes; "
            "for a review, which campaign or event and what you want to improve.",
            field="details",
        )
    if len(text) > MAX_DETAILS:
        raise InvalidInput(f"details is longer than {MAX_DETAILS} characters.", field="details")
    return text


def _link(service_request: ServiceRequest) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "portal:service_request", args=[service_request.pk]
    )


def _notify(service_request: ServiceRequest, subject: str, body: str, key: str) -> None:
    to = [service_request.requester.email] if service_request.requester else []
    notification_queue(
        to=to,
        subject=f"[{service_request.number}] {subject}",
        body=f"{body}\n\nFollow it here: {_link(service_request)}\n",
        kind="service_request",
        key=key,
        customer_id=service_request.customer_id,
        thread=service_request.number,
    )


def service_request_submit(
    *,
    requester: User,
    kind: ServiceKind | str,
    details: str,
    attachments: Sequence[UploadedFile[bytes]] = (),
    at: datetime | None = None,
) -> ServiceRequest:
    """Submit an admin task or an advisory review for the requester's customer.

    Refused when the package does not include the kind (naming the packages that do),
    and with ``fair_usage_limit_reached`` (429) when this month's pool is used up.
    """
    at = at or timezone.now()
    customer = requester.customer
    if customer is None:
        raise PermissionDenied(
            "Service requests are submitted by customer users. Staff: ask the customer to "
            "submit it from the portal."
        )
    customer_ensure_active(customer)
    service_kind = parse_kind(kind)
    text = _details(details)
    uploads = list(attachments)
    checked = check_uploads(uploads)
    grants = entitlements_current(customer, at)
    ensure_feature(grants, service_kind.quota_kind)
    pool, limit = limits_for(grants, service_kind.quota_kind)
    month, resets_at = month_of(customer, at)
    matches = exclusions_detect("", text)

    with transaction.atomic():
        if not _take_slot(customer=customer, pool=pool, month=month, limit=limit):
            raise FairUsageLimitReached(_quota(customer, pool, month, limit, resets_at))
        service_request = ServiceRequest.objects.create(
            customer=customer,
            requester=requester,
            kind=service_kind.value,
            details=text,
            pool=pool,
            month=month,
            exclusions=[
                {"kind": m.kind.value, "evidence": m.evidence, "answer": m.answer} for m in matches
            ],
            created_at=at,
        )
        for upload, (name, content_type) in zip(uploads, checked, strict=True):
            ServiceRequestAttachment.objects.create(
                request=service_request,
                uploaded_by=requester,
                file=upload,
                original_name=name,
                content_type=content_type,
                size=upload.size or 0,
                created_at=at,
            )
        ServiceRequestEvent.objects.create(
            request=service_request,
            at=at,
            actor=requester,
            kind="submitted",
            to_status=service_request.status,
            data={"pool": pool, "month": month.isoformat()},
        )
        _notify(
            service_request,
            f"We received your request: {service_kind.label}",
            f"Hello {requester.get_short_name()},\n\nWe received your {service_kind.label} "
            f"request {service_request.number}. It counts against this month's fair-usage limit; "
            "if we decline it, the request is given back.",
            key=f"sr-submitted:{service_request.pk}",
        )
    return service_request


def _staff(user: User) -> None:
    if not user.is_vendor_staff:
        raise PermissionDenied("Only vendor staff move service requests along their flow.")


def service_request_assign(
    *, service_request: ServiceRequest, assignee: User | None, by: User
) -> ServiceRequest:
    """Assign a request to staff; an advisory review goes to a campaign/event specialist."""
    _staff(by)
    if assignee is not None:
        if not assignee.is_vendor_staff:
            raise InvalidInput("Requests are assigned to vendor staff only.", field="assignee")
        if service_request.is_advisory and not assignee.has_role(Role.SPECIALIST):
            raise InvalidInput(
                f"{assignee.get_full_name()} is not a campaign/event specialist: advisory "
                "reviews are assigned to a specialist.",
                field="assignee",
            )
    with transaction.atomic():
        ServiceRequest.objects.filter(pk=service_request.pk).update(assignee=assignee)
        ServiceRequestEvent.objects.create(
            request=service_request,
            actor=by,
            kind="assigned",
            data={"assignee": assignee.get_full_name() if assignee else None},
        )
    service_request.refresh_from_db()
    return service_request


def service_request_advance(
    *,
    service_request: ServiceRequest,
    to: RequestStatus | str,
    by: User,
    reason: str = "",
    recommendations: Sequence[Mapping[str, Any]] = (),
    at: datetime | None = None,
) -> ServiceRequest:
    """Move a request along its flow (a pure rule); declining gives its slot back."""
    at = at or timezone.now()
    _staff(by)
    with transaction.atomic():
        locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
        move = step(
            locked.status,
            to,
            kind=locked.kind,
            assigned=locked.assignee_id is not None,
            reason=reason,
            recommendations=recommendations,
        )
        locked.status = move.to_status.value
        if move.to_status in (RequestStatus.DELIVERED, RequestStatus.DECLINED):
            locked.finished_at = at
            locked.outcome = move.reason
            locked.recommendations = [r.as_dict() for r in move.recommendations]
        if move.releases_slot and locked.counted:
            UsageCounter.objects.filter(
                customer_id=locked.customer_id, pool=locked.pool, month=locked.month, used__gt=0
            ).update(used=F("used") - 1)
            locked.counted = False
        locked.save()
        ServiceRequestEvent.objects.create(
            request=locked,
            at=at,
            actor=by,
            kind="status_changed",
            from_status=move.from_status.value,
            to_status=move.to_status.value,
            data={"reason": move.reason} if move.reason else {},
        )
        label = move.to_status.label.lower()
        text = f"Your request {locked.number} ({locked.get_kind_display()}) is now {label}."
        if move.to_status is RequestStatus.DECLINED:
            text += f"\n\nWhy: {move.reason}\n\nIt no longer counts against your monthly limit."
        elif move.to_status is RequestStatus.DELIVERED:
            text += f"\n\n{move.reason}" if move.reason else ""
            text += "".join(
                f"\n- [{r.priority}] {r.area}: {r.suggestion}" for r in move.recommendations
            )
        _notify(locked, f"Your request is {label}", text, key=f"sr:{locked.pk}:{locked.status}")
    return locked


class ExtraGrantNotAllowed(PermissionDenied):
    code = "extra_grant_not_allowed"
    title = "Only vendor admins grant extra requests"


def usage_extra_grant(
    *,
    customer: Customer,
    kind: ServiceKind | str,
    by: User,
    reason: str,
    amount: int = 1,
    at: datetime | None = None,
) -> UsageExtra:
    """Grant a one-off extra to the pool a request of ``kind`` counts against, for the
    current month of the customer; audited. A vendor-admin power (ExtraGrantNotAllowed
    for anyone else)."""
    at = at or timezone.now()
    if not (by.is_vendor_staff and by.has_role(Role.ADMIN)):
        raise ExtraGrantNotAllowed(
            "Only vendor admins grant extra fair-usage requests. Ask a vendor admin to grant it."
        )
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise InvalidInput("Say why the extra is granted (it is audited).", field="reason")
    if not 1 <= amount <= MAX_EXTRA:
        raise InvalidInput(f"Grant from 1 to {MAX_EXTRA} extra requests.", field="amount")
    service_kind = parse_kind(kind)
    grants = entitlements_current(customer, at)
    ensure_feature(grants, service_kind.quota_kind)
    pool, _ = limits_for(grants, service_kind.quota_kind)
    month, _ = month_of(customer, at)
    with transaction.atomic():
        counter, _ = UsageCounter.objects.get_or_create(customer=customer, pool=pool, month=month)
        UsageCounter.objects.filter(pk=counter.pk).update(extra=F("extra") + amount)
        extra = UsageExtra.objects.create(
            customer=customer,
            pool=pool,
            month=month,
            amount=amount,
            reason=reason,
            granted_by=by,
            at=at,
        )
        audit_record(
            action="fair_usage.extra_granted",
            actor=by,
            customer=customer,
            target=f"{pool} {month:%Y-%m}",
            amount=amount,
            reason=reason,
        )
    return extra
