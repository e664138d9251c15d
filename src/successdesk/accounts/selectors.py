"""Reads for accounts."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.db.models.query import get_related_populators
from django.utils import timezone

from successdesk.domain.errors import NotFound
from successdesk.domain.money import format_money
from successdesk.packages.selectors import customer_today, subscription_current

from .models import (
    DESIGNATION_CHANGES,
    ApiToken,
    AuditEntry,
    Customer,
    DesignatedContact,
    DesignatedContactFee,
    EmailChange,
    TrainingCompletion,
    User,
    normalise_email,
    token_digest,
    vendor_currency,
)
from .training import required_courses


@functools.cache
def _live_tokens() -> QuerySet[ApiToken]:
    """Un-revoked tokens of active users, with the user and their customer joined."""
    return (
        ApiToken.objects.select_related("user__customer")
        .filter(revoked_at__isnull=True, user__is_active=True)
        .order_by()  # the digest is unique
    )


_DIGEST_PLACEHOLDER = "<digest>"


class _CompiledTokenQuery(threading.local):
    """``_live_tokens().filter(digest=…)[:1]`` compiled once per thread and connection.

    Compiling that select_related query (~30 columns) is most of what a bearer request
    costs in Python (0.55 ms of 0.62 ms; docs/performance.md): here the ORM compiles it
    once, and each request only runs it and turns the row into the three objects with
    the ORM's own converters and select_related populators (as ``ModelIterable`` does)."""

    connection: Any = None
    compiler: Any = None
    sql = ""
    params: tuple[Any, ...] = ()

    def run(self, digest: str) -> ApiToken | None:
        queryset = _live_tokens()
        db = queryset.db
        connection = connections[db]
        if self.connection is not connection:
            compiler = queryset.filter(digest=_DIGEST_PLACEHOLDER)[:1].query.get_compiler(using=db)
            sql, params = compiler.as_sql()
            self.connection, self.compiler, self.sql, self.params = (
                connection,
                compiler,
                sql,
                tuple(params),
            )
        params = [digest if p == _DIGEST_PLACEHOLDER else p for p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchone()
        if fetched is None:
            return None
        compiler = self.compiler
        row = next(iter(compiler.results_iter([[fetched]])))
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[first:last]]
        token = ApiToken.from_db(db, names, row[first:last])
        for populator in get_related_populators(
            klass_info,
            select,
            db,
            getattr(queryset, "_fetch_mode"),  # noqa: B009 - private
        ):
            populator.populate(row, token)
        return token


_TOKEN_QUERY = _CompiledTokenQuery()


def user_for_token(raw: str) -> User | None:
    """The user owning this un-revoked token, or None unless they may sign in (an
    inactive user, or one whose customer is deactivated): one query, and a write of
    ``last_used_at`` at most once a minute per token."""
    if not raw:
        return None
    token = _TOKEN_QUERY.run(token_digest(raw))
    if token is None or not token.user.may_sign_in:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute, to keep reads cheap.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def is_designated_contact(user: User) -> bool:
    """Whether ``user`` is an active designated contact (of their own customer): one query
    per user object (a request's user, whatever number of checks a page makes), read again
    after any designation changes."""
    if not getattr(user, "is_authenticated", False) or user.customer_id is None:
        return False
    return DESIGNATION_CHANGES.memo(
        user,
        f"_designated_memo_{user.customer_id}",
        DesignatedContact.objects.filter(
            user=user, customer_id=user.customer_id, removed_at__isnull=True
        ).exists,
    )


def designated_contacts_of(customer: Customer) -> list[User]:
    """The customer's active designated contacts, in the order they were named."""
    return list(
        User.objects.filter(
            designations__customer=customer, designations__removed_at__isnull=True
        ).order_by("designations__since", "designations__pk")
    )


# --- Roster, training and fees (pages and API) ----------------------------------------------


@dataclass(frozen=True)
class Roster:
    """A customer's designated contacts and what naming one more would cost."""

    customer: Customer
    contacts: list[DesignatedContact]
    history: list[DesignatedContact]
    included: int | None
    extra_contact_fee: Decimal | None
    term: tuple[date, date] | None
    currency: str = ""

    @property
    def extra_contact_fee_display(self) -> str:
        """The fee for one more contact, with its currency ("" without a subscription)."""
        if self.extra_contact_fee is None:
            return ""
        return format_money(self.extra_contact_fee, self.currency)

    @property
    def next_is_billed(self) -> bool:
        return self.included is not None and len(self.contacts) >= self.included

    @property
    def next_position(self) -> int:
        return len(self.contacts) + 1


def roster_of(customer: Customer, *, history: int = 20) -> Roster:
    """Active designations (oldest first), the latest ended ones, and the package's
    included count and extra-contact fee (None without a current subscription)."""
    rows = DesignatedContact.objects.filter(customer=customer).select_related(
        "user", "designated_by", "removed_by"
    )
    subscription = subscription_current(customer=customer, on=customer_today(customer))
    grants = subscription.package_version.to_entitlements() if subscription else None
    return Roster(
        customer=customer,
        contacts=list(rows.filter(removed_at__isnull=True).order_by("since", "pk")),
        history=list(rows.filter(removed_at__isnull=False).order_by("-removed_at")[:history]),
        included=grants.designated_contacts_included if grants else None,
        extra_contact_fee=grants.extra_contact_fee if grants else None,
        term=(subscription.starts_on, subscription.ends_on) if subscription else None,
        currency=vendor_currency(),
    )


@dataclass(frozen=True)
class UserTraining:
    user: User
    completed: list[TrainingCompletion]
    missing: list[str]
    designated: bool


def training_of(customer: Customer) -> list[UserTraining]:
    """Every user of the customer with their completions and the required courses they
    still miss (three queries, whatever the number of users)."""
    users = list(User.objects.filter(customer=customer).order_by("email"))
    required = required_courses()
    done: dict[int, list[TrainingCompletion]] = {u.pk: [] for u in users}
    for completion in TrainingCompletion.objects.filter(user__in=users).select_related("course"):
        done[completion.user_id].append(completion)
    designated = set(
        DesignatedContact.objects.filter(customer=customer, removed_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    for user in users:
        have = {c.course_id for c in done[user.pk]}
        missing = [c.name for c in required if c.pk not in have]
        rows.append(UserTraining(user, done[user.pk], missing, user.pk in designated))
    return rows


def contact_fees(customer: Customer | None = None) -> QuerySet[DesignatedContactFee]:
    """Extra-contact fee records, newest first (all customers' unless one is given)."""
    fees = DesignatedContactFee.objects.select_related("customer", "user")
    return fees.filter(customer=customer) if customer is not None else fees


ROSTER_ACTIONS = ("designated_contact.", "training.", "user.")


def roster_audit(customer: Customer, *, limit: int = 50) -> list[AuditEntry]:
    """The latest roster, training and user-power entries of the customer's audit log."""
    return list(
        AuditEntry.objects.filter(customer=customer)
        .filter(
            Q(action__startswith=ROSTER_ACTIONS[0])
            | Q(action__startswith=ROSTER_ACTIONS[1])
            | Q(action__startswith=ROSTER_ACTIONS[2])
        )
        .select_related("actor")
        .order_by("-at")[:limit]
    )


@dataclass(frozen=True)
class CustomerRow:
    customer: Customer
    users: int
    designated: int
    fees: int


def customers_overview() -> list[CustomerRow]:
    """Customers with their counts of users, active designated contacts and fee records."""
    customers = Customer.objects.annotate(
        n_users=Count("users", distinct=True),
        n_designated=Count(
            "designated_contacts",
            filter=Q(designated_contacts__removed_at__isnull=True),
            distinct=True,
        ),
        n_fees=Count("contact_fees", distinct=True),
    ).order_by("name")
    return [CustomerRow(c, c.n_users, c.n_designated, c.n_fees) for c in customers]


def locked_out_emails(emails: list[str]) -> set[str]:
    """Which of ``emails`` (lower case) the sign-in lockout (django-axes) holds right now:
    the account's recent failures, from every address and browser, reach the limit."""
    from axes.models import AccessAttempt

    wanted = {e.lower() for e in emails}
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    found = (
        AccessAttempt.objects.annotate(name=Lower("username"))
        .filter(name__in=wanted, attempt_time__gte=since)
        .values("name")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("name", flat=True)
    )
    return set(found)


@dataclass(frozen=True)
class UserRow:
    user: User
    designated: bool
    locked: bool
    pending_email: str = ""  # a requested sign-in e-mail, waiting for its confirmation


def customer_users(customer: Customer) -> list[UserRow]:
    """The customer's users with whether each is a designated contact and locked out."""
    users = list(User.objects.filter(customer=customer).order_by("email"))
    designated = set(
        DesignatedContact.objects.filter(customer=customer, removed_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    locked = locked_out_emails([u.email for u in users])
    pending = {
        change.user_id: change.new_email
        for change in EmailChange.objects.filter(
            user__customer=customer,
            confirmed_at__isnull=True,
            cancelled_at__isnull=True,
            requested_at__gte=timezone.now() - timedelta(seconds=settings.EMAIL_CHANGE_TIMEOUT),
        ).order_by("requested_at")
    }
    return [UserRow(u, u.pk in designated, u.email in locked, pending.get(u.pk, "")) for u in users]


# --- Reads the console and portal pages make (views run no queries of their own) -------------


def customers_active_choices() -> list[tuple[int, str]]:
    """(id, name) of every active customer, for a form's select."""
    return list(Customer.objects.filter(is_active=True).values_list("pk", "name"))


def customer_active(pk: int | None) -> Customer | None:
    """The active customer with this id, or None."""
    return Customer.objects.filter(pk=pk, is_active=True).first() if pk is not None else None


def customer_get(pk: int) -> Customer:
    """The customer with this id (active or not); NotFound otherwise."""
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise NotFound("No such customer.")
    return customer


def customer_user_by_email(customer: Customer | None, email: str) -> User | None:
    """The user of ``customer`` signing in with ``email`` (normalised), or None."""
    if customer is None or not email:
        return None
    return User.objects.filter(email=normalise_email(email), customer=customer).first()


def staff_choices(*, role: str | None = None) -> QuerySet[User]:
    """Active vendor staff by name (holding ``role`` if given), for an assignee select."""
    staff = User.objects.filter(customer__isnull=True, is_active=True).order_by("full_name")
    return staff.filter(groups__name=role) if role else staff


def staff_member(pk: int | None) -> User | None:
    """The vendor staff user with this id, or None."""
    return User.objects.filter(pk=pk, customer__isnull=True).first() if pk else None


def designation_get(customer: Customer, pk: int) -> DesignatedContact:
    """One designation (current or past) of ``customer``; NotFound otherwise."""
    contact = (
        DesignatedContact.objects.select_related("customer", "user")
        .filter(pk=pk, customer=customer)
        .first()
    )
    if contact is None:
        raise NotFound("No such designated contact.")
    return contact
