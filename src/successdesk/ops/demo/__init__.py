"""Demo data for `successdesk demo` and `make run`. Idempotent: safe to run again.

Later features extend ``load_demo``; keep the names of existing records stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from successdesk.accounts import services as accounts
from successdesk.accounts.roles import Role
from successdesk.packages import services as packages
from successdesk.packages.catalog import catalog_load
from successdesk.packages.models import PackageVersion
from successdesk.packages.selectors import subscription_current

from . import package_changes as packages_demo
from . import roster as demo_roster
from . import service_requests as service_requests_demo
from . import triage as triage_demo

DEMO_PASSWORD = "success-demo-2026"  # noqa: S105 - printed on purpose by `make run`


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    who: str


DEMO_SIGN_INS = (
    DemoSignIn("dc@northwind.example", "Northwind (Premier Success), designated contact"),
    DemoSignIn("user@northwind.example", "Northwind (Premier Success), customer user"),
    DemoSignIn("dc@contoso.example", "Contoso (Standard), designated contact"),
    DemoSignIn("triage@vendor.example", "vendor staff: triage agent"),
    DemoSignIn("agent@vendor.example", "vendor staff: support agent"),
    DemoSignIn("specialist@vendor.example", "vendor staff: campaign/event specialist"),
    DemoSignIn("admin@vendor.example", "vendor staff: admin (also /admin/)"),
)


@transaction.atomic
def load_demo() -> None:
    northwind = accounts.customer_ensure(name="Northwind", time_zone="America/Toronto")
    contoso = accounts.customer_ensure(name="Contoso", time_zone="Europe/London")
    p = DEMO_PASSWORD
    accounts.user_ensure(
        email="dc@northwind.example", password=p, full_name="Nadia Designated", customer=northwind
    )
    accounts.user_ensure(
        email="user@northwind.example", password=p, full_name="Noah User", customer=northwind
    )
    accounts.user_ensure(
        email="dc@contoso.example", password=p, full_name="Carla Contact", customer=contoso
    )
    triage = accounts.user_ensure(
        email="triage@vendor.example",
        password=p,
        full_name="Tess Triage",
        roles=[Role.TRIAGE_AGENT],
    )
    agent = accounts.user_ensure(
        email="agent@vendor.example", password=p, full_name="Alex Agent", roles=[Role.SUPPORT_AGENT]
    )
    specialist = accounts.user_ensure(
        email="specialist@vendor.example",
        password=p,
        full_name="Sam Specialist",
        roles=[Role.SPECIALIST],
    )
    accounts.user_ensure(
        email="admin@vendor.example", password=p, full_name="Ada Admin", roles=[Role.ADMIN]
    )
    accounts.team_ensure(name="Platform", members=[agent], lead=agent)
    accounts.team_ensure(name="Integrations", members=[agent])
    accounts.team_ensure(name="Advocacy Programs", members=[specialist], lead=specialist)
    accounts.team_ensure(name="Triage", members=[triage], lead=triage)

    catalog_load()
    today = timezone.localdate()
    for customer, slug in ((northwind, "premier-success"), (contoso, "standard")):
        if subscription_current(customer=customer, on=today) is None:
            version = PackageVersion.objects.filter(package__slug=slug).order_by("-version")[0]
            packages.subscription_start(
                customer=customer, package_version=version, starts_on=date(today.year, 1, 1)
            )
    demo_roster.load()
    packages_demo.load()
    service_requests_demo.load()
    triage_demo.load()


def sign_in_lines() -> list[str]:
    width = max(len(s.email) for s in DEMO_SIGN_INS)
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {s.email.ljust(width)}  {s.who}" for s in DEMO_SIGN_INS]
    return lines
