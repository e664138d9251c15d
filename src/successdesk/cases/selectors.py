"""Reads for cases: who may see which case, lists, one case with its thread."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from successdesk.accounts.models import User
from successdesk.contacts.selectors import is_designated_contact
from successdesk.domain.errors import InvalidCursor, NotFound
from successdesk.domain.lifecycle import CaseStatus

from .keyset import Ordering, SortKey, instant, integer
from .models import OPEN_STATUSES, Attachment, Case, CaseEvent, Comment
from .numbers import case_number_normal


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Staff see every case; a designated contact sees all of their customer's verified
    cases; any other customer user sees the verified cases they requested. An unverified
    public message is in no portal, whatever address it gives (``cases/senders.py``)."""
    cases = Case.objects.select_related("customer", "requester", "assignee", "team")
    if user.is_vendor_staff:
        return cases
    if user.customer_id is None:
        return cases.none()
    mine = cases.filter(customer_id=user.customer_id, is_verified=True)
    if is_designated_contact(user):
        return mine
    return mine.filter(requester=user)


def case_get(*, user: User, number: str) -> Case:
    """The case with this number (in any letter case) if ``user`` may see it; else NotFound
    (never 403)."""
    case = cases_visible_to(user).filter(number=case_number_normal(number)).first()
    if case is None:
        raise NotFound(f"No case {number} is visible to you.", field="number")
    return case


def case_thread(
    *, case: Case, user: User
) -> tuple[list[Comment], list[Attachment], list[CaseEvent]]:
    """The conversation, attachments and events ``user`` may see (no internal ones for
    customers)."""
    comments = case.comments.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    attachments = case.attachments.all()
    events = case.events.select_related("actor")
    if not user.is_vendor_staff:
        comments = comments.filter(is_internal=False)
        attachments = attachments.filter(is_internal=False)
        events = events.filter(is_internal=False)
    return list(comments), list(attachments), list(events)


def cases_filter(
    qs: QuerySet[Case],
    *,
    status: str | None = None,
    severity: int | None = None,
    q: str | None = None,
) -> QuerySet[Case]:
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if q:
        q = q.strip()
        found = Q(subject__icontains=q) | Q(number=case_number_normal(q))
        if "@" in q:  # a requester's e-mail address
            found |= Q(requester_email__iexact=q)
        qs = qs.filter(found)
    return qs


def attachment_get(*, user: User, pk: int) -> Attachment:
    found = (
        Attachment.objects.select_related("case")
        .filter(pk=pk, case__in=cases_visible_to(user))
        .first()
    )
    if found is None or (found.is_internal and not user.is_vendor_staff):
        raise NotFound("No such attachment.")
    return found


# --- newest-first lists ---------------------------------------------------------------------

# The count stops here: each list request counts up to COUNT_CAP + 1 matching rows, and under
# steady intake those rows are fresh (PostgreSQL's visibility map does not cover them yet), so
# counting 10,001 of them cost a list ~15-20 ms of database time and its p99 grew with the
# table (docs/performance.md, benchmarks/list_growth.py); 1,001 cost a tenth of that.
COUNT_CAP = 1_000


@dataclass(frozen=True)
class NewestPage:
    """A page of cases, newest first; ``count`` is exact up to ``COUNT_CAP`` matches."""

    cases: list[Case]
    next_cursor: str | None
    count: int
    count_capped: bool


# Newest first; a cursor is the last row's creation instant and id.
NEWEST = Ordering(
    SortKey("created_at", instant, descending=True), SortKey("id", integer, descending=True)
)


def _cursor_after(token: str) -> Q:
    """The keyset condition for the cases after the cursor's case."""
    name, values = NEWEST.cursor_read(token)
    if name != "newest":
        raise InvalidCursor("The cursor cannot be read.")
    return NEWEST.after(values)


def cases_newest_page(
    cases: QuerySet[Case], *, limit: int, offset: int = 0, cursor: str | None = None
) -> NewestPage:
    """A page of ``cases`` newest first, by keyset ``cursor`` (the same cost at any depth)
    or by ``offset``; with a count that stops at ``COUNT_CAP`` (counting a million rows
    would cost more than the page)."""
    matching = cases.order_by()
    count = matching[: COUNT_CAP + 1].count()
    if cursor:
        cases = cases.filter(_cursor_after(cursor))
    rows = list(cases.order_by(*NEWEST.order_by())[offset : offset + limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return NewestPage(
        cases=rows,
        next_cursor=NEWEST.cursor("newest", rows[-1]) if more and rows else None,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
    )


# --- a customer's home page -----------------------------------------------------------------


@dataclass(frozen=True)
class OpenCases:
    """The open cases ``user`` may see: those waiting on the customer, the others (newest
    first, up to a limit each), how many are open and how many wait on the customer."""

    waiting_on_customer: list[Case]
    with_support: list[Case]
    count: int
    waiting_count: int


def cases_open_for(user: User, *, limit: int = 10) -> OpenCases:
    """For the portal's home page (four queries)."""
    open_cases = cases_filter(cases_visible_to(user), status="open").order_by("-created_at", "-id")
    waiting = CaseStatus.AWAITING_CUSTOMER
    return OpenCases(
        waiting_on_customer=list(open_cases.filter(status=waiting)[:limit]),
        with_support=list(open_cases.exclude(status=waiting)[:limit]),
        count=open_cases.order_by().count(),
        waiting_count=open_cases.filter(status=waiting).order_by().count(),
    )
