"""Case lists and queue pages at 100k and 1M cases, against django-helpdesk at 100k tickets.

    .venv/bin/python benchmarks/queue_list.py [--quick] [--sizes 100000,1000000] [--seconds 10]

All on this machine, on loopback:

* SuccessDesk gets a fresh PostgreSQL database (``migrate``, ``demo``, ``collectstatic``),
  300 more customers subscribed to the three packages (60 % Standard, 30 % Premier
  Success, 10 % Premier Success Plus; Northwind gets 1 % of all cases) and one real case
  per package and severity opened through ``case_open``; their SLA clocks are the
  templates of the bulk load.
* The bulk load is one ``INSERT … SELECT … FROM generate_series`` per size step, in
  PostgreSQL itself (no row goes through Python): unique case numbers continuing the
  case sequence; severities 5/20/45/30 %; 5 % of cases open (new 0.5 %, triaged 1 %, in
  progress 2 %, awaiting the customer 1.5 %; opened in the last 30 days), the rest
  resolved or closed over the past ~3 years; teams, assignees and channels spread. The
  secondary indexes are dropped for the load and built again after it; then ``VACUUM
  ANALYZE``. Foreign keys are not checked during the load (``session_replication_role``).
* It is served by gunicorn (2 sync workers, the same command line as the other
  benchmarks, persistent database connections) and each page is fetched by wrk with one
  connection for ``--seconds``: ``GET /api/v1/cases`` (first page, 11th page by cursor,
  the deepest page ``offset`` allows) as a support agent and as Northwind's designated
  contact; the triage queue and a team queue from ``GET /api/v1/queue`` (first page and
  the 11th keyset page) and the console's queue pages (``/console/triage/``, ``/console/queues/…``,
  ``/console/my-cases/`` of the signed-in triage agent), each when it exists in the
  measured code; ``/console/cases/`` as well.
* django-helpdesk gets its own database with ``--helpdesk-size`` tickets loaded the same
  way (5 % open) and its staff ticket list is measured: the page ``/helpdesk/tickets/`` and
  the JSON its table loads (``datatables_ticket_list``, first 25 rows).

Goal: queue pages p95 <= 50 ms at 1M cases.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    LOOPBACK,
    VENV_BIN,
    LoadResult,
    Processes,
    free_port,
    gunicorn_cmd,
    http,
    log,
    login_cookies,
    machine_line,
    pg_connect,
    pg_drop,
    pg_recreate,
    successdesk_source,
    table,
    wait_http,
    wrk,
)
from _peers import (
    HELPDESK_APP,
    HELPDESK_PASSWORD,
    HELPDESK_SITE,
    HELPDESK_USER,
    HELPDESK_VERSION,
    PROXY_HEADERS,
    SUCCESSDESK_APP,
    helpdesk_env,
    helpdesk_install,
    helpdesk_prepare,
    redis_flush,
    successdesk_env,
    successdesk_prepare,
    successdesk_python,
    successdesk_token,
)

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
from successdesk.cases.services import CaseDraft, case_open
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
    row = [customer.pk, version.pk, version.grants().routing_priority]
    customers.append(row) if customer.slug != "northwind" else customers.insert(0, row)
triage = User.objects.get(email="triage@vendor.example")
templates = []
for version in latest.values():
    customer = Customer.objects.filter(subscriptions__package_version=version).first()
    for severity in (1, 2, 3, 4):
        case = case_open(
            source=Source.PHONE,
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


# --- bulk loading -------------------------------------------------------------------------------
def columns_of(conn: Any, table_name: str) -> list[tuple[str, str, bool, bool]]:
    """(name, data type, nullable, has a default) of every column, in table order."""
    rows = conn.execute(
        "SELECT column_name, data_type, is_nullable = 'YES', "
        "column_default IS NOT NULL OR is_identity = 'YES' "
        "FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        (table_name,),
    ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def filler(data_type: str) -> str:
    """A value for a NOT NULL column the loader does not know (added by later migrations)."""
    if data_type == "boolean":
        return "false"
    if data_type in {"smallint", "integer", "bigint", "numeric", "double precision", "real"}:
        return "0"
    if data_type == "jsonb":
        return "'{}'::jsonb"
    if data_type.startswith("timestamp"):
        return "now()"
    if data_type == "date":
        return "current_date"
    return "''"


def insert_select(
    conn: Any, table_name: str, known: dict[str, str], source_sql: str, params: dict[str, Any]
) -> None:
    """INSERT INTO table SELECT … with ``known`` expressions; other NOT NULL columns filled."""
    names: list[str] = []
    exprs: list[str] = []
    for name, data_type, nullable, has_default in columns_of(conn, table_name):
        if name in known:
            names.append(f'"{name}"')
            exprs.append(known[name])
        elif not nullable and not has_default:
            names.append(f'"{name}"')
            exprs.append(filler(data_type))
    unknown = set(known) - {n.strip('"') for n in names}
    if unknown:
        raise SystemExit(f"{table_name} has no column(s) {sorted(unknown)}")
    conn.execute(
        f"INSERT INTO {table_name} ({', '.join(names)}) SELECT {', '.join(exprs)} {source_sql}",
        params,
    )


def secondary_indexes(conn: Any, table_name: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes that back no constraint (primary key, unique)."""
    rows = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = %s AND i.indexname NOT IN ("
        "  SELECT c.conname FROM pg_constraint c WHERE c.conrelid = %s::regclass)",
        (table_name, table_name),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def bulk_load(database: str, table_name: str, load: Any) -> float:
    """Drop the secondary indexes, run ``load(conn)``, build them again, VACUUM ANALYZE."""
    started = time.monotonic()
    with pg_connect(database) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers: data is sound
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = secondary_indexes(conn, table_name)
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        load(conn)
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute(f"VACUUM ANALYZE {table_name}")
    return time.monotonic() - started


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


# --- measuring ------------------------------------------------------------------------------------
def measure(
    name: str, url: str, headers: dict[str, str], seconds: float, results: list[LoadResult]
) -> LoadResult | None:
    status, body = http(url, headers=headers)
    if status != 200:
        log(f"  {name}: {url} answers {status}; not measured ({body[:120]!r})")
        return None
    wrk(name, url, seconds=1, connections=1, headers=headers)  # warm-up
    result = wrk(name, url, seconds=seconds, connections=1, headers=headers)
    log(
        f"  {name:<40} p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  "
        f"({result.requests} requests" + (f", {result.bad} not 2xx)" if result.bad else ")")
    )
    results.append(result)
    return result


def keyset_url(base: str, path: str, headers: dict[str, str], pages: int) -> str | None:
    """The URL of page ``pages + 1`` of a keyset-paged queue, following ``next_cursor``."""
    url = base + path
    for _ in range(pages):
        status, body = http(url, headers=headers)
        if status != 200:
            return None
        cursor = json.loads(body).get("next_cursor")
        if not cursor:
            return None
        url = f"{base}{path}&cursor={cursor}"
    return url


def successdesk_pages(
    base: str, size: int, tokens: dict[str, str], cookie: str, setup: dict[str, Any]
) -> list[tuple[str, str, dict[str, str], bool]]:
    """(label, url, headers, is a queue page) for what the measured code serves."""
    agent = {**PROXY_HEADERS, "Authorization": f"Bearer {tokens['agent']}"}
    contact = {**PROXY_HEADERS, "Authorization": f"Bearer {tokens['contact']}"}
    console = {**PROXY_HEADERS, "Cookie": cookie}
    team = "platform" if "platform" in setup["team_slugs"] else setup["team_slugs"][0]
    pages: list[tuple[str, str, dict[str, str], bool]] = [
        ("API /cases first page (agent)", f"{base}/api/v1/cases?limit=50", agent, False),
        (
            "API /cases offset 10000 (agent; the deepest)",
            f"{base}/api/v1/cases?limit=50&offset=10000",
            agent,
            False,
        ),
        ("API /cases first page (customer DC)", f"{base}/api/v1/cases?limit=50", contact, False),
        ("API /queue triage, first page", f"{base}/api/v1/queue?limit=50", agent, True),
        (
            f"API /queue {team}, first page",
            f"{base}/api/v1/queue?team={team}&limit=50",
            agent,
            True,
        ),
    ]
    deep = keyset_url(base, "/api/v1/cases?limit=50", agent, 10)
    if deep:
        pages.insert(2, ("API /cases 11th page by cursor (agent)", deep, agent, False))
    deep = keyset_url(base, f"/api/v1/queue?team={team}&limit=50", agent, 10)
    if deep:
        pages.append((f"API /queue {team}, 11th page", deep, agent, True))
    pages += [
        ("console /console/triage/", f"{base}/console/triage/", console, True),
        (f"console /console/queues/{team}/", f"{base}/console/queues/{team}/", console, True),
        ("console /console/queues/ (overview)", f"{base}/console/queues/", console, True),
        ("console /console/my-cases/", f"{base}/console/my-cases/", console, True),
        ("console /console/cases/", f"{base}/console/cases/", console, False),
    ]
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20k and 100k cases, 3 s a page")
    parser.add_argument("--sizes", default="100000,1000000", help="case counts, ascending")
    parser.add_argument("--helpdesk-size", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10, help="per page")
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument(
        "--source",
        default="head",
        help="the SuccessDesk to measure: head (committed), a commit, or worktree (as it is)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    sizes = [20_000, 100_000] if args.quick else [int(x) for x in args.sizes.split(",")]
    hd_size = 20_000 if args.quick else args.helpdesk_size
    seconds = 3 if args.quick else args.seconds

    log(machine_line())
    peer_bin = helpdesk_install()
    source_env, source_label = successdesk_source(args.source)
    log(f"SuccessDesk: {source_label}")
    sd_env = successdesk_env(
        pg_recreate(SD_DB), tasks="redis", conn_max_age=args.conn_max_age, source_env=source_env
    )
    redis_flush()
    pg_recreate(HD_DB)
    hd_env = helpdesk_env(HD_DB, conn_max_age=args.conn_max_age)

    log("SuccessDesk: migrate, demo data, collectstatic, customers, template cases, tokens")
    successdesk_prepare(sd_env)
    out = successdesk_python(sd_env, SETUP_CODE % {"customers": 300})
    setup = json.loads(next(x for x in out.splitlines() if x.startswith("SETUP "))[6:])
    tokens = {
        "agent": successdesk_token(sd_env, "agent@vendor.example"),
        "contact": successdesk_token(sd_env, "dc@northwind.example"),
    }
    log("django-helpdesk: migrate, staff user, queue, token")
    _, queue_id, hd_user = helpdesk_prepare(hd_env)

    results: list[LoadResult] = []
    report: list[tuple[str, int, str, LoadResult, bool]] = []  # site, rows, label, result, queue
    t0 = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
    ports = {"successdesk": free_port(), "helpdesk": free_port()}
    base = {name: f"http://{LOOPBACK}:{port}" for name, port in ports.items()}
    with Processes() as procs:
        loaded = setup["last_id"]
        for size in sizes:
            hi = setup["last_id"] + size
            log(f"SuccessDesk: loading cases up to {size:,} (ids {loaded + 1:,}..{hi:,})")
            took = load_cases(setup, loaded + 1, hi, setup["last_id"] + sizes[-1], t0)
            loaded = hi
            with pg_connect(SD_DB) as conn:
                row = conn.execute(
                    "SELECT count(*), pg_total_relation_size('cases_case') FROM cases_case"
                ).fetchone()
            count, table_bytes = (int(row[0]), int(row[1])) if row else (0, 0)
            log(f"  {count:,} cases, {table_bytes / 2**20:,.0f} MiB with indexes, in {took:.0f} s")
            server = procs.start(
                f"queue-successdesk-{size}",
                gunicorn_cmd(VENV_BIN / "gunicorn", SUCCESSDESK_APP, ports["successdesk"]),
                env=sd_env,
            )
            wait_http(base["successdesk"] + "/healthz", headers=PROXY_HEADERS)
            cookie = login_cookies(
                base["successdesk"],
                "/login/",
                username="triage@vendor.example",
                password=DEMO_PASSWORD,
                headers=PROXY_HEADERS,
                scheme="https",
            )
            for label, url, headers, is_queue in successdesk_pages(
                base["successdesk"], count, tokens, cookie, setup
            ):
                result = measure(label, url, headers, seconds, results)
                if result is not None:
                    report.append(("SuccessDesk", count, label, result, is_queue))
            procs.stop(server)

        log(f"django-helpdesk: loading {hd_size:,} tickets")
        took = load_tickets(hd_size, queue_id, hd_user)
        log(f"  loaded in {took:.0f} s")
        procs.start(
            "queue-helpdesk",
            gunicorn_cmd(peer_bin / "gunicorn", HELPDESK_APP, ports["helpdesk"]),
            env=hd_env,
            cwd=HELPDESK_SITE,
        )
        wait_http(base["helpdesk"] + "/helpdesk/login/")
        cookie = login_cookies(
            base["helpdesk"], "/helpdesk/login/", username=HELPDESK_USER, password=HELPDESK_PASSWORD
        )
        staff = {"Cookie": cookie}
        page = measure(
            "helpdesk /helpdesk/tickets/",
            f"{base['helpdesk']}/helpdesk/tickets/",
            staff,
            seconds,
            results,
        )
        if page is not None:
            report.append(("django-helpdesk", hd_size, "staff ticket list page", page, True))
        _, html = http(f"{base['helpdesk']}/helpdesk/tickets/", headers=staff)
        found = re.search(rb"datatables_ticket_list/([A-Za-z0-9+/=]+)", html)
        if found:
            data_url = (
                f"{base['helpdesk']}/helpdesk/datatables_ticket_list/{found.group(1).decode()}"
                "?draw=1&start=0&length=25"
            )
            data = measure("helpdesk datatables_ticket_list", data_url, staff, seconds, results)
            if data is not None:
                report.append(
                    ("django-helpdesk", hd_size, "its table's data (25 rows)", data, True)
                )

    if not args.keep:
        pg_drop(SD_DB)
        pg_drop(HD_DB)
        redis_flush()

    print()
    print(
        f"Lists and queue pages, one connection, {seconds:.0f} s each. SuccessDesk "
        f"{source_label}; django-helpdesk {HELPDESK_VERSION}; gunicorn 2 sync workers; "
        f"PostgreSQL, CONN_MAX_AGE={args.conn_max_age}. {machine_line()}"
    )
    rows = [
        [site, f"{n:,}", label, f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}", f"{r.rps:.0f}"]
        for site, n, label, r, _ in report
    ]
    print(table(rows, ["site", "rows", "page", "p50 ms", "p95 ms", "req/s"]))
    biggest = max((n for site, n, *_ in report if site == "SuccessDesk"), default=0)
    queue_rows = [
        (label, r)
        for site, n, label, r, q in report
        if site == "SuccessDesk" and n == biggest and q
    ]
    print()
    for label, r in queue_rows:
        verdict = "met" if r.p95_ms <= GOAL_P95_MS else "NOT met"
        print(
            f"{label} at {biggest:,} cases: p95 {r.p95_ms:.1f} ms "
            f"(goal <= {GOAL_P95_MS:.0f} ms: {verdict})"
        )
    if not any("queue" in label.lower() or "triage" in label for label, _ in queue_rows):
        print(
            "Note: no queue page (/api/v1/queue, /console/triage/) in the measured code; "
            "the case lists stand in for them."
        )


if __name__ == "__main__":
    main()
