"""Helpers for designated-contact tests: a customer on a package, trained users, a roster."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, User
from successdesk.contacts.models import DesignatedContact, TrainingCourse
from successdesk.contacts.services import designated_contact_add
from successdesk.contacts.training import (
    required_courses,
    training_completion_record,
    training_courses_load,
)
from successdesk.packages.catalog import catalog_load
from successdesk.packages.models import PackageVersion, Subscription
from successdesk.packages.services import subscription_start
from tests.conftest import PASSWORD


def subscribe(customer: Customer, package: str = "premier-success") -> Subscription:
    """Load the shipped catalog and training courses and subscribe ``customer`` for a year
    around today."""
    catalog_load()
    training_courses_load()
    version = PackageVersion.objects.filter(package__slug=package).order_by("-version")[0]
    today = timezone.now().date()
    return subscription_start(
        customer=customer,
        package_version=version,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=334),
    )


def person(customer: Customer, email: str, full_name: str = "") -> User:
    return accounts.user_ensure(
        email=email, password=PASSWORD, full_name=full_name, customer=customer
    )


def train(user: User, *courses: TrainingCourse) -> User:
    """Record the given courses, by default every required one."""
    for course in courses or tuple(required_courses()):
        training_completion_record(
            actor=None, user=user, course=course, completed_on=date(2026, 1, 5)
        )
    return user


def trained(customer: Customer, email: str, full_name: str = "") -> User:
    return train(person(customer, email, full_name))


def designate(customer: Customer, *users: User) -> list[DesignatedContact]:
    return [
        designated_contact_add(actor=None, customer=customer, user=user, confirm_fee=True).contact
        for user in users
    ]


ROSTER = "/portal/account/contacts/"


def active(customer: Customer) -> list[str]:
    """The e-mails of the customer's active designated contacts, in the order named."""
    return list(
        DesignatedContact.objects.filter(customer=customer, removed_at__isnull=True)
        .order_by("since", "pk")
        .values_list("user__email", flat=True)
    )


def text(response: Any) -> str:
    return str(response.content.decode())
