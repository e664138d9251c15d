"""Triage fixtures: customers on each package, support teams with agents, a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, SupportTeam, TeamMembership, User
from successdesk.accounts.roles import Role
from successdesk.cases.models import Case
from successdesk.intake.services import CaseDraft, case_open_phone, case_open_portal
from successdesk.packages.models import PackageVersion
from successdesk.packages.services import subscription_start
from successdesk.triage.models import RoutingRule, TeamSettings
from tests.conftest import PASSWORD

# Tuesday 24 Nov 2026, 10:00 in Toronto (15:00 UTC): inside business hours (Mon–Fri 08–20).
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def subscribe_fixed(customer: Customer, package: str) -> None:
    """A term covering every instant these tests use, whatever today's date is."""
    version = PackageVersion.objects.filter(package__slug=package).order_by("-version")[0]
    subscription_start(
        customer=customer,
        package_version=version,
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
    )


@pytest.fixture
def customers(catalog: None) -> dict[str, Customer]:
    """One customer on each package: plus, premier, standard."""
    found = {}
    for key, name, package in (
        ("plus", "Fabrikam", "premier-success-plus"),
        ("premier", "Northwind", "premier-success"),
        ("standard", "Contoso", "standard"),
    ):
        customer = accounts.customer_ensure(name=name)
        subscribe_fixed(customer, package)
        accounts.user_ensure(
            email=f"user@{customer.slug}.example", password=PASSWORD, customer=customer
        )
        found[key] = customer
    return found


def staff(email: str, *roles: str) -> User:
    return accounts.user_ensure(
        email=email,
        password=PASSWORD,
        full_name=email.split("@")[0].capitalize(),
        roles=roles or [Role.SUPPORT_AGENT],
    )


@pytest.fixture
def agents(db: None) -> list[User]:
    return [staff(f"{name}@vendor.example") for name in ("ann", "bob", "cyd")]


@pytest.fixture
def teams(agents: list[User]) -> dict[str, SupportTeam]:
    """Platform (ann, bob, cyd; lead Lena, who takes no cases), Integrations (bob),
    Advocacy Programs (nobody)."""
    lead = staff("lena@vendor.example")
    platform = accounts.team_ensure(name="Platform", members=agents, lead=lead)
    TeamMembership.objects.filter(team=platform, user=lead).update(is_available=False)
    integrations = accounts.team_ensure(name="Integrations", members=[agents[1]])
    advocacy = accounts.team_ensure(name="Advocacy Programs")
    return {"platform": platform, "integrations": integrations, "advocacy": advocacy}


@pytest.fixture
def rules(teams: dict[str, SupportTeam]) -> list[RoutingRule]:
    """Integration questions go to Integrations; campaigns to Advocacy Programs; Severity 1
    and 2 to Platform."""
    return [
        RoutingRule.objects.create(
            name="Integrations", position=10, team=teams["integrations"], categories=["integration"]
        ),
        RoutingRule.objects.create(
            name="Campaigns",
            position=20,
            team=teams["advocacy"],
            categories=["campaign"],
            channels=["web", "api"],
        ),
        RoutingRule.objects.create(
            name="Urgent", position=30, team=teams["platform"], severities=[1, 2]
        ),
    ]


@pytest.fixture
def triager(db: None) -> User:
    return staff("tess@vendor.example", Role.TRIAGE_AGENT)


def open_case(
    customer: Customer,
    *,
    severity: int = 3,
    at: datetime = T0,
    category: str = "",
    subject: str = "Badges missing",
) -> Case:
    """A case opened on the portal by the customer's user (Severity 1: by telephone)."""
    requester = User.objects.get(email=f"user@{customer.slug}.example")
    phone = severity == 1
    draft = CaseDraft(
        subject=subject, description="It broke.", severity=severity, category=category
    )
    if phone:
        return case_open_phone(
            requester=requester,
            customer=customer,
            created_by=staff("phone@vendor.example", Role.TRIAGE_AGENT),
            draft=draft,
            at=at,
        )
    return case_open_portal(requester=requester, draft=draft, at=at)


def set_strategy(team: SupportTeam, strategy: str) -> None:
    TeamSettings.objects.update_or_create(team=team, defaults={"strategy": strategy})
