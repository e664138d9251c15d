"""Demo designated contacts: Northwind's and Contoso's, trained. Idempotent."""

from __future__ import annotations

from datetime import date

from successdesk.accounts.models import Customer, User
from successdesk.contacts.models import TrainingCompletion
from successdesk.contacts.services import designated_contact_add
from successdesk.contacts.training import (
    required_courses,
    training_completion_record,
    training_courses_load,
)

DEMO_CONTACTS = (("northwind", "dc@northwind.example"), ("contoso", "dc@contoso.example"))
TRAINED_ON = date(2026, 1, 15)


def load() -> None:
    """Seed the training courses, train the demo designated contacts (basic and required
    supplemental courses) and name them. Needs the demo customers, users and
    subscriptions (``successdesk.ops.demo.load_demo`` creates them first)."""
    training_courses_load()
    required = required_courses()
    for slug, email in DEMO_CONTACTS:
        customer = Customer.objects.get(slug=slug)
        user = User.objects.get(email=email)
        done = set(TrainingCompletion.objects.filter(user=user).values_list("course_id", flat=True))
        for course in required:
            if course.pk not in done:
                training_completion_record(
                    actor=None, user=user, course=course, completed_on=TRAINED_ON
                )
        designated_contact_add(actor=None, customer=customer, user=user)
