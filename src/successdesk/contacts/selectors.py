"""Reads about designated contacts: who is one, rosters, training, fees, the roster's
audit trail, the customer's users as a designated contact sees them, and who follows all
of a customer's cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from successdesk.accounts.models import AuditEntry, Customer, EmailChange, User
from successdesk.accounts.selectors import locked_out_emails
from successdesk.domain.errors import NotFound
from successdesk.domain.money import format_money
from successdesk.notifications.models import NotificationPreference
from successdesk.packages.selectors import customer_today, subscription_current

from .models import (
    DESIGNATION_CHANGES,
    DesignatedContact,
    DesignatedContactFee,
    TrainingCompletion,
    vendor_currency,
)
from .training import required_courses


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


# --- Following all of a customer's cases (a designated contact's choice) ----------------------


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
