"""Reads for the content library, behind the ``content_library`` entitlement."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet

from successdesk.accounts.models import Customer, User
from successdesk.domain.errors import NotFound, PermissionDenied
from successdesk.packages.selectors import customer_today, ensure_feature, subscription_current

from .models import NOTICE, ContentItem

FEATURE = "content_library"


def ip_notice() -> str:
    return NOTICE.format(vendor=settings.VENDOR_NAME)


def library_access(user: User, at: datetime) -> Customer | None:
    """Staff may always look; a customer user only when the subscription covering today
    includes the library — else NotEntitled naming the packages that include it."""
    if user.is_vendor_staff:
        return None
    customer = user.customer
    if customer is None:
        raise PermissionDenied("The content library is for customer users.")
    subscription = subscription_current(customer=customer, on=customer_today(customer, at))
    ensure_feature(
        subscription.package_version.to_entitlements() if subscription else None, FEATURE
    )
    return customer


def items_search(
    *, q: str = "", kind: str = "", tag: str = "", staff: bool = False
) -> QuerySet[ContentItem]:
    qs = ContentItem.objects.all() if staff else ContentItem.objects.filter(is_published=True)
    for word in q.split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(tags__icontains=word)
            | Q(body__icontains=word)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tags__icontains=tag.strip())
    return qs.defer("body")


def item_get(*, slug: str, staff: bool = False) -> ContentItem:
    qs = ContentItem.objects.all() if staff else ContentItem.objects.filter(is_published=True)
    found = qs.filter(slug=slug).first()
    if found is None:
        raise NotFound("No such item in the content library.")
    return found
