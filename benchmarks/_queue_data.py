"""The data of ``queue_list.py``: SuccessDesk's customers and template cases, a million
cases bulk-loaded in PostgreSQL, and django-helpdesk's tickets the same way."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bulk import bulk_load, insert_select

SD_DB = "bench_queue_successdesk"
HD_DB = "bench_queue_helpdesk"
DEMO_PASSWORD = "success-demo-2026"  # noqa: S105 - the demo data's published password
GOAL_P95_MS = 50.0
DESCRIPTION = (
    "The referral campaign stopped awarding points after the last import. Advocates who "
    "completed the challenge see 0 points; the activity log shows the completion. We "
    "expected 50 points each, as on the campaign page."
)

# Run inside SuccessDesk (successdesk shell -c): customers, subscriptions, one real case per
# package version and severity; prints what the bulk load needs as one JSON line.
SETUP_CODE = """
import json, random
from datetime import date
from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, SupportTeam, User
from successdesk.cases.models import Case, CaseSequence
from successdesk.intake.services import CaseDraft, case_open_phone
from successdesk.domain.intake import Source
from successdesk.packages import services as packages
from successdesk.packages.models import PackageVersion
from successdesk.packages.selectors import subscription_current

today = timezone.localdate()
latest = {}
for v in PackageVersion.objects.select_related("package").order_by("package__rank", "version"):
    latest[v.package.slug] = v
rng = random.Random(7)
for i in range(%(customers)d):
    r = rng.random()
    slug = "standard" if r < 0.6 else "premier-success" if r < 0.9 else "premier-success-plus"
    slug = slug if slug in latest else "standard"
    customer = accounts.customer_ensure(name=f"Bench Customer {i:04d}")
    if subscription_current(customer=customer, on=today) is None:
        packages.subscription_start(
            customer=customer, package_version=latest[slug], starts_on=date(today.year, 1, 1)
        )
customers = []
for customer in Customer.objects.order_by("pk"):
    sub = subscription_current(customer=customer, on=today)
    if sub is None:
        continue
    version = sub.package_version
    row = [customer.pk, version.pk, version.to_entitlements().routing_priority]
    customers.append(row) if customer.slug != "northwind" else customers.insert(0, row)
triage = User.objects.get(email="triage@vendor.example")
templates = []
for version in latest.values():
    customer = Customer.objects.filter(subscriptions__package_version=version).first()
    for severity in (1, 2, 3, 4):
        case = case_open_phone(
            customer=customer,
            created_by=triage,
            draft=CaseDraft(subject="Template case", description="For the benchmark.",
                            severity=severity),
        )
        offset = lambda due: (due - case.created_at).total_seconds() if due else None
        templates.append([version.pk, severity, json.dumps(case.sla_clocks),
                          offset(case.first_response_due_at), offset(case.resolution_due_at)])
staff = list(
    User.objects.filter(customer__isnull=True, is_active=True).values_list("pk", flat=True)
)
print("SETUP " + json.dumps({
    "customers": customers,
    "teams": list(SupportTeam.objects.values_list("pk", flat=True)),
    "team_slugs": list(SupportTeam.objects.values_list("slug", flat=True)),
    "staff": staff,
    "templates": templates,
    "prefix": settings.CASE_NUMBER_PREFIX,
    "last_number": CaseSequence.objects.get(name="case").last_value,
    "last_id": Case.objects.aggregate(m=Max("pk"))["m"] or 0,
}))
"""


# --- the data -----------------------------------------------------------------------------------
OPEN = "('new','triaged','in_progress','awaiting_customer')"
CASE_ROWS = """
FROM (
    SELECT g, random() AS r_status, random() AS r_sev, random() AS r_cust, random() AS r_team,
           random() AS r_chan, random() AS r_age
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
) AS b
JOIN bench_customers AS c ON c.idx = CASE WHEN b.r_cust < 0.01 THEN 0
    ELSE 1 + floor((b.r_cust - 0.01) / 0.99 * %(others)s::int)::int END
CROSS JOIN LATERAL (SELECT
    CASE WHEN b.r_sev < 0.05 THEN 1 WHEN b.r_sev < 0.25 THEN 2 WHEN b.r_sev < 0.70 THEN 3
         ELSE 4 END AS severity,
    CASE WHEN b.r_status < 0.005 THEN 'new' WHEN b.r_status < 0.015 THEN 'triaged'
         WHEN b.r_status < 0.035 THEN 'in_progress'
         WHEN b.r_status < 0.05 THEN 'awaiting_customer'
         WHEN b.r_status < 0.20 THEN 'resolved' ELSE 'closed' END AS status
) AS s
CROSS JOIN LATERAL (SELECT CASE WHEN s.status IN {open}
    THEN now() - b.r_age * interval '30 days'
    ELSE %(t0)s::timestamptz - (%(last)s::bigint - b.g) * interval '90 seconds' END AS created_at
) AS t
JOIN bench_templates AS tp ON tp.version_id = c.version_id AND tp.severity = s.severity
""".replace("{open}", OPEN)


def case_columns(setup: dict[str, Any]) -> dict[str, str]:
    teams = "ARRAY[" + ",".join(map(str, setup["teams"])) + "]::bigint[]"
    staff = "ARRAY[" + ",".join(map(str, setup["staff"])) + "]::bigint[]"
    closed = "s.status IN ('resolved','closed')"
    return {
        "id": "b.g",
        # Like numbers.py: at least six digits (PostgreSQL's lpad would cut longer ones).
        "number": (
            "%(prefix)s::text || CASE WHEN b.g + %(number_shift)s::bigint < 1000000 "
            "THEN lpad((b.g + %(number_shift)s::bigint)::text, 6, '0') "
            "ELSE (b.g + %(number_shift)s::bigint)::text END"
        ),
        "customer_id": "c.customer_id",
        "is_verified": "true",
        "requester_name": "'Requester ' || (b.g %% 997)",
        "requester_email": "'user' || (b.g %% 997) || '@customer' || c.idx || '.example'",
        "requester_phone": "''",
        "stated_customer_name": "''",
        "subject": (
            "(ARRAY['Points not awarded','Import stuck','Report totals differ',"
            "'Login loop on SSO','Email not delivered','Widget not loading',"
            "'Campaign cannot be published','Export times out'])[1 + b.g %% 8]"
            " || ' (' || b.g || ')'"
        ),
        "description": "%(description)s::text",
        "steps_to_reproduce": "''",
        "category": (
            "(ARRAY['campaigns','reports','integrations','login','email',''])[1 + b.g %% 6]"
        ),
        "product_area": "(ARRAY['hub','challenges','referrals','api',''])[1 + b.g %% 5]",
        "severity": "s.severity",
        "channel": (
            "CASE WHEN s.severity = 1 OR b.r_chan >= 0.9 THEN 'phone' "
            "WHEN b.r_chan < 0.65 THEN 'web' ELSE 'api' END"
        ),
        "source": (
            "CASE WHEN s.severity = 1 OR b.r_chan >= 0.9 THEN 'phone' "
            "WHEN b.r_chan < 0.6 THEN 'portal' WHEN b.r_chan < 0.65 THEN 'contact_form' "
            "ELSE 'api' END"
        ),
        "status": "s.status",
        "resolution_type": f"CASE WHEN {closed} THEN 'fix' ELSE '' END",
        "resolution_summary": f"CASE WHEN {closed} THEN 'Fixed in the next release.' ELSE '' END",
        "resolved_at": f"CASE WHEN {closed} THEN t.created_at + interval '2 days' END",
        "closed_at": "CASE WHEN s.status = 'closed' THEN t.created_at + interval '16 days' END",
        "team_id": (
            f"CASE WHEN s.status = 'new' AND b.r_team < 0.5 THEN NULL "
            f"ELSE ({teams})[1 + floor(b.r_team * {len(setup['teams'])})::int] END"
        ),
        "assignee_id": (
            f"CASE WHEN s.status IN ('new','triaged') THEN NULL "
            f"ELSE ({staff})[1 + b.g %% {len(setup['staff'])}] END"
        ),
        "package_version_id": "c.version_id",
        "routing_priority": "c.prio",
        "sla_clocks": "tp.sla_clocks",
        "first_response_due_at": "t.created_at + tp.first_response * interval '1 second'",
        "resolution_due_at": "t.created_at + tp.resolution * interval '1 second'",
        "first_responded_at": (
            "CASE WHEN s.status <> 'new' THEN t.created_at + interval '1 hour' END"
        ),
        "exclusions": "'[]'::jsonb",
        "created_at": "t.created_at",
        "updated_at": "t.created_at",
    }


def load_cases(setup: dict[str, Any], lo: int, hi: int, last: int, t0: str) -> float:
    """Cases with ids lo..hi (numbers continue the case sequence); the seconds it took."""

    def load(conn: Any) -> None:
        conn.execute(
            "CREATE TEMP TABLE bench_customers (idx int PRIMARY KEY, customer_id bigint, "
            "version_id bigint, prio smallint)"
        )
        with conn.cursor().copy("COPY bench_customers FROM STDIN") as copy:
            for idx, (customer, version, prio) in enumerate(setup["customers"]):
                copy.write_row((idx, customer, version, prio))
        conn.execute(
            "CREATE TEMP TABLE bench_templates (version_id bigint, severity smallint, "
            "sla_clocks jsonb, first_response double precision, resolution double precision)"
        )
        with conn.cursor().copy("COPY bench_templates FROM STDIN") as copy:
            for row in setup["templates"]:
                copy.write_row(row)
        insert_select(
            conn,
            "cases_case",
            case_columns(setup),
            CASE_ROWS,
            {
                "lo": lo,
                "hi": hi,
                "last": last,
                "t0": t0,
                "others": len(setup["customers"]) - 1,
                "prefix": setup["prefix"],
                "number_shift": setup["last_number"] - setup["last_id"],
                "description": DESCRIPTION,
            },
        )
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
            "(SELECT max(id) FROM cases_case))"
        )
        conn.execute(
            "UPDATE cases_casesequence SET last_value = %s WHERE name = 'case'",
            (hi + setup["last_number"] - setup["last_id"],),
        )

    return bulk_load(SD_DB, "cases_case", load)


TICKET_ROWS = """
FROM (
    SELECT g, random() AS r_status, random() AS r_age
    FROM generate_series(1, %(n)s::int) AS g
) AS b
CROSS JOIN LATERAL (SELECT
    CASE WHEN b.r_status < 0.04 THEN 1 WHEN b.r_status < 0.05 THEN 2
         WHEN b.r_status < 0.20 THEN 3 ELSE 4 END AS status) AS s
CROSS JOIN LATERAL (SELECT CASE WHEN s.status IN (1, 2)
    THEN now() - b.r_age * interval '30 days'
    ELSE now() - (%(n)s::int - b.g) * interval '900 seconds' END AS created) AS t
"""


def load_tickets(n: int, queue_id: int, user_id: int) -> float:
    def load(conn: Any) -> None:
        known = {
            "title": (
                "(ARRAY['Points not awarded','Import stuck','Report totals differ',"
                "'Login loop on SSO','Email not delivered','Widget not loading',"
                "'Campaign cannot be published','Export times out'])[1 + b.g %% 8]"
                " || ' (' || b.g || ')'"
            ),
            "queue_id": str(queue_id),
            "created": "t.created",
            "modified": "t.created",
            "submitter_email": (
                "'user' || (b.g %% 997) || '@customer' || (b.g %% 300) || '.example'"
            ),
            "assigned_to_id": (
                f"CASE WHEN s.status = 1 AND b.g %% 2 = 0 THEN NULL ELSE {user_id} END"
            ),
            "status": "s.status",
            "on_hold": "false",
            "description": "%(description)s::text",
            "resolution": (
                "CASE WHEN s.status IN (3, 4) THEN 'Fixed in the next release.' ELSE '' END"
            ),
            "priority": "1 + b.g %% 5",
            "secret_key": "substr(md5(b.g::text), 1, 36)",
        }
        insert_select(
            conn, "helpdesk_ticket", known, TICKET_ROWS, {"n": n, "description": DESCRIPTION}
        )

    return bulk_load(HD_DB, "helpdesk_ticket", load)
