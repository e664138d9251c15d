"""The customer's home page in one read: open cases (those waiting on them first), their
designated contacts, their package and this month's fair usage left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from successdesk.accounts.models import Customer, User
from successdesk.cases.selectors import OpenCases, cases_open_for
from successdesk.contacts.selectors import designated_contacts_of
from successdesk.packages.errors import NoCurrentSubscription
from successdesk.packages.overview import PackageOverview, package_overview


@dataclass(frozen=True)
class CustomerHome:
    customer: Customer
    cases: OpenCases
    contacts: list[User]
    package: PackageOverview | None
    package_missing: str


def customer_home(*, user: User, customer: Customer, at: datetime) -> CustomerHome:
    """``user``'s view of ``customer`` (their own): the cases they may see, at ``at``."""
    try:
        package, missing = package_overview(customer, at), ""
    except NoCurrentSubscription as exc:
        package, missing = None, exc.message
    return CustomerHome(
        customer=customer,
        cases=cases_open_for(user),
        contacts=designated_contacts_of(customer),
        package=package,
        package_missing=missing,
    )
