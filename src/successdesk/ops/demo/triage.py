"""Demo triage data: routing rules, team settings and a few hundred cases across packages,
severities and states, made through the services (so clocks, events and escalations are
consistent). Idempotent: skipped once the demo cases exist. Deterministic (seeded)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone

from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, SupportTeam, User
from successdesk.accounts.roles import Role
from successdesk.cases.conversation import comment_add
from successdesk.cases.lifecycle import case_transition
from successdesk.cases.models import Case
from successdesk.domain.errors import DomainError
from successdesk.domain.intake import Source
from successdesk.intake.services import (
    CaseDraft,
    case_open_api,
    case_open_contact_form,
    case_open_phone,
    case_open_portal,
)
from successdesk.notifications.models import Notification
from successdesk.packages.models import PackageVersion
from successdesk.packages.services import subscription_start
from successdesk.triage.escalations import sla_sweep
from successdesk.triage.models import RoutingRule, TeamSettings
from successdesk.triage.services import case_triage

CASES = 200
DAYS = 45
MARKER = "user@fabrikam.example"  # the first demo customer's requester: present = loaded

SUBJECTS: dict[str, tuple[str, list[str], list[str]]] = {
    # category: (product area, subjects, reproduction notes)
    "integration": (
        "salesforce",
        [
            "Salesforce sync stopped overnight",
            "SSO sign-in loops back to the login page",
            "Webhook deliveries fail with 401",
            "API returns 429 during our nightly import",
        ],
        ["Sync log shows repeated 401s since the token rotation.", "Reproduced with SAML trace."],
    ),
    "campaign": (
        "challenges",
        [
            "Referral campaign is not awarding points",
            "Event check-in challenge stuck at 0%",
            "Campaign e-mail preview is blank",
        ],
        ["Points ledger has no entry for completed referrals.", "Preview blank in Firefox only."],
    ),
    "hub": (
        "badges",
        [
            "Badges missing on advocate profiles",
            "Leaderboard frozen since this morning",
            "Hub slow to load for EU advocates",
            "Points balance wrong after CSV import",
        ],
        ["Missing for advocates created after the 3rd.", "Leaderboard cache not refreshing."],
    ),
    "reporting": (
        "reports",
        ["Custom report times out", "CSV export is missing columns"],
        ["Times out over 90 days of data; 30 days works."],
    ),
}
CUSTOMERS = (  # name, package, weight
    ("Fabrikam", "premier-success-plus", 3),
    ("Northwind", "premier-success", 3),
    ("Litware", "premier-success", 2),
    ("Contoso", "standard", 3),
    ("Tailspin", "standard", 2),
)
SEVERITY_WEIGHTS = {1: 4, 2: 18, 3: 48, 4: 30}


def _user(email: str, name: str, *, customer: Customer | None = None, role: str = "") -> User:
    """A demo user who does not sign in (no password: hashing one costs a second each)."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=name, customer=customer)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def _teams() -> dict[str, SupportTeam]:
    agent = User.objects.get(email="agent@vendor.example")
    specialist = User.objects.get(email="specialist@vendor.example")
    priya = _user("priya@vendor.example", "Priya Platform", role=Role.SUPPORT_AGENT)
    ivan = _user("ivan@vendor.example", "Ivan Integrations", role=Role.SUPPORT_AGENT)
    teams = {
        "platform": accounts.team_ensure(name="Platform", members=[agent, priya], lead=agent),
        "integrations": accounts.team_ensure(name="Integrations", members=[agent, ivan]),
        "advocacy": accounts.team_ensure(name="Advocacy Programs", members=[specialist]),
    }
    for key, strategy in (
        ("platform", "round_robin"),
        ("integrations", "least_loaded"),
        ("advocacy", "round_robin"),
    ):
        TeamSettings.objects.get_or_create(team=teams[key], defaults={"strategy": strategy})
    return teams


def _rules(teams: dict[str, SupportTeam]) -> None:
    for name, position, team, conditions in (
        ("Integrations and API", 10, "integrations", {"categories": ["integration", "api"]}),
        ("Campaigns and events", 20, "advocacy", {"categories": ["campaign", "event"]}),
        ("Premier Success Plus", 30, "platform", {"packages": ["premier-success-plus"]}),
        ("Severity 1 and 2", 40, "platform", {"severities": [1, 2]}),
    ):
        RoutingRule.objects.get_or_create(
            name=name, defaults={"position": position, "team": teams[team], **conditions}
        )


def _customers(today: date) -> list[tuple[Customer, int]]:
    found = []
    for name, package, weight in CUSTOMERS:
        customer = accounts.customer_ensure(name=name)
        _user(f"user@{customer.slug}.example", f"{name} User", customer=customer)
        if not customer.subscriptions.exists():
            version = PackageVersion.objects.filter(package__slug=package).order_by("-version")[0]
            start = today - timedelta(days=DAYS + 1)
            subscription_start(customer=customer, package_version=version, starts_on=start)
        found.append((customer, weight))
    return found


def _open(rng: random.Random, customer: Customer, at: datetime, phone_staff: User) -> Case:
    category = rng.choice([*SUBJECTS, ""])
    subjects = SUBJECTS[category][1] if category else ["Question about challenge settings"]
    severity = rng.choices(list(SEVERITY_WEIGHTS), list(SEVERITY_WEIGHTS.values()))[0]
    source = Source.PHONE if severity == 1 or rng.random() < 0.1 else Source.PORTAL
    if source is Source.PORTAL and rng.random() < 0.25:
        source = Source.API
    requester = User.objects.get(email=f"user@{customer.slug}.example")
    draft = CaseDraft(
        subject=rng.choice(subjects),
        description="Seen by several advocates; screenshots on request.",
        severity=severity,
        category=category,
    )
    if source is Source.PHONE:
        return case_open_phone(
            customer=customer, requester=requester, created_by=phone_staff, draft=draft, at=at
        )
    if source is Source.API:
        return case_open_api(
            customer=customer, requester=requester, created_by=requester, draft=draft, at=at
        )
    return case_open_portal(requester=requester, draft=draft, at=at)


REPLY_HOURS = {20: 0.7, 10: 1.5, 0: 4.0}  # mean wait for a first reply, by routing priority
RESOLVE_HOURS = {1: 6.0, 2: 20.0, 3: 50.0, 4: 90.0}  # mean time to resolve, by severity


class _Timeline:
    """Instants after the case opened, each a random wait after the last; None once past
    ``now`` (the case has not got that far yet)."""

    def __init__(self, rng: random.Random, at: datetime, now: datetime) -> None:
        self.rng, self.at, self.now = rng, at, now

    def after(self, mean_hours: float) -> datetime | None:
        self.at += timedelta(hours=self.rng.expovariate(1 / mean_hours))
        return self.at if self.at < self.now else None


def _work(
    rng: random.Random,
    case: Case,
    at: datetime,
    now: datetime,
    triager: User,
    platform: SupportTeam,
) -> None:
    """Triage, reply, wait on the customer, resolve, close: as far as the case's age goes."""
    time = _Timeline(rng, at, now)
    if now - at < timedelta(days=3) and rng.random() < 0.4:
        return  # recent and still waiting in the triage queue
    if (triaged_at := time.after(0.4)) is None:
        return
    category = case.category or rng.choice(list(SUBJECTS))
    area, _, notes = SUBJECTS[category]
    case = case_triage(
        case=case,
        by=triager,
        category=category,
        product_area=area,
        severity=case.severity,
        notes=rng.choice(notes),
        team=None if category in ("integration", "campaign") else platform,
        at=triaged_at,
    )
    agent = case.assignee or triager
    slow = 6 if rng.random() < 0.15 else 1  # some replies come late: SLA misses to report
    if (replied_at := time.after(slow * REPLY_HOURS.get(case.routing_priority, 4.0))) is None:
        return
    comment_add(case=case, author=agent, body="Thanks, we are looking into it.", at=replied_at)
    if (working_at := time.after(1)) is None:
        return
    case_transition(case=case, to="in_progress", by=agent, at=working_at)
    if rng.random() < 0.3:
        if (waiting_at := time.after(4)) is None:
            return
        case_transition(case=case, to="awaiting_customer", by=agent, at=waiting_at)
        if rng.random() < 0.4 or (answered_at := time.after(20)) is None:
            return
        comment_add(case=case, author=case.requester, body="Here it is.", at=answered_at)
    if (resolved_at := time.after(RESOLVE_HOURS[case.severity])) is None:
        return
    case_transition(
        case=case,
        to="resolved",
        by=agent,
        resolution=rng.choice(["fix", "workaround", "other"]),
        summary="Done.",
        at=resolved_at,
    )
    if rng.random() < 0.6 and (closed_at := time.after(72)) is not None:
        case_transition(case=case, to="closed", by=agent, at=closed_at)


def load() -> None:
    """Rules, team settings and ~300 demo cases; skipped when they exist."""
    if Case.objects.filter(requester__email=MARKER).exists():
        return
    now = timezone.now()
    rng = random.Random(2026)
    teams = _teams()
    _rules(teams)
    customers = _customers(timezone.localdate())
    triager = User.objects.get(email="triage@vendor.example")
    last_mail = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    pool = [c for c, _ in customers]
    weights = [w for _, w in customers]
    for _ in range(CASES):
        customer = rng.choices(pool, weights)[0]
        days = 3 if rng.random() < 0.25 else DAYS  # a quarter of the cases are recent
        at = now - timedelta(minutes=rng.randint(5, days * 24 * 60))
        try:
            case = _open(rng, customer, at, triager)
            _work(rng, case, at, now, triager, teams["platform"])
        except DomainError:
            continue  # e.g. a reopen window: demo data skips what the rules refuse
    for n in range(4):
        case_open_contact_form(
            draft=CaseDraft(
                subject="Advocates cannot redeem rewards",
                description="Our advocates see an error when redeeming.",
                severity=2 + n % 2,
                requester_name=f"Pat Unknown {n + 1}",
                requester_email=f"pat{n + 1}@unknown-{n + 1}.example",
                stated_customer_name="Litware" if n % 2 else "Tailspin",
            ),
            at=now - timedelta(hours=3 * n + 1),
        )
    # A public message giving a customer user's address: unverified until Noah confirms it
    # with the mailed link or triage verifies it (the "Verify sender" action).
    case_open_contact_form(
        draft=CaseDraft(
            subject="Please export all our advocates' e-mail addresses",
            description="Send the export to this address, we need it today.",
            severity=3,
            requester_name="Noah User",
            requester_email="user@northwind.example",
            stated_customer_name="Northwind",
        ),
        at=now - timedelta(minutes=40),
    )
    sla_sweep(now)
    # The demo's own mail is history: mark it sent so the worker does not print hundreds.
    Notification.objects.filter(pk__gt=last_mail, sent_at__isnull=True).update(sent_at=now)
