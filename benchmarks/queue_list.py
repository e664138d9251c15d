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
    Processes,
    begin,
    bench_parser,
    clean_up,
    free_port,
    gunicorn_cmd,
    http,
    log,
    login_cookies,
    machine_line,
    pg_connect,
    pg_recreate,
    table,
    verdict,
)
from _peers import (
    HELPDESK_APP,
    HELPDESK_PASSWORD,
    HELPDESK_SITE,
    HELPDESK_USER,
    HELPDESK_VERSION,
    PROXY_HEADERS,
    bearer,
    helpdesk_env,
    helpdesk_install,
    helpdesk_prepare,
    successdesk_python,
    successdesk_serve,
    successdesk_site,
    successdesk_token,
)
from _queue_data import (
    DEMO_PASSWORD,
    GOAL_P95_MS,
    HD_DB,
    SD_DB,
    SETUP_CODE,
    load_cases,
    load_tickets,
)
from _wrk import LoadResult, wrk


# --- measuring ------------------------------------------------------------------------------------
def measure(
    name: str, url: str, headers: dict[str, str], seconds: float, results: list[LoadResult]
) -> LoadResult | None:
    status, body = http(url, headers=headers)
    if status != 200:
        log(f"  {name}: {url} answers {status}; not measured ({body[:120]!r})")
        return None
    result = wrk(name, url, seconds=seconds, connections=1, headers=headers, warm_up=1)
    log(f"  {name:<40} {result.summary()} ({result.requests} requests)")
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
    agent = bearer(tokens["agent"], json=False)
    contact = bearer(tokens["contact"], json=False)
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
    parser = bench_parser(__doc__, conn_max_age=60)
    parser.add_argument("--quick", action="store_true", help="20k and 100k cases, 3 s a page")
    parser.add_argument("--sizes", default="100000,1000000", help="case counts, ascending")
    parser.add_argument("--helpdesk-size", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10, help="per page")
    args = parser.parse_args()
    sizes = [20_000, 100_000] if args.quick else [int(x) for x in args.sizes.split(",")]
    hd_size = 20_000 if args.quick else args.helpdesk_size
    seconds = 3 if args.quick else args.seconds

    source_env, source_label = begin(args.source)
    peer_bin = helpdesk_install()
    try:
        report = measure_all(args, sizes, hd_size, seconds, peer_bin, source_env)
    finally:
        clean_up(SD_DB, HD_DB, keep=args.keep)
    print_report(args, seconds, hd_size, source_label, report)


Report = list[tuple[str, int, str, LoadResult, bool]]  # site, rows, label, result, queue


def measure_all(
    args: argparse.Namespace,
    sizes: list[int],
    hd_size: int,
    seconds: float,
    peer_bin: Path,
    source_env: dict[str, str],
) -> Report:
    log("SuccessDesk: migrate, demo data, collectstatic, customers, template cases, tokens")
    sd_env = successdesk_site(SD_DB, source_env=source_env, conn_max_age=args.conn_max_age)
    pg_recreate(HD_DB)
    hd_env = helpdesk_env(HD_DB, conn_max_age=args.conn_max_age)
    out = successdesk_python(sd_env, SETUP_CODE % {"customers": 300})
    setup = json.loads(next(x for x in out.splitlines() if x.startswith("SETUP "))[6:])
    tokens = {
        "agent": successdesk_token(sd_env, "agent@vendor.example"),
        "contact": successdesk_token(sd_env, "dc@northwind.example"),
    }
    log("django-helpdesk: migrate, staff user, queue, token")
    _, queue_id, hd_user = helpdesk_prepare(hd_env)

    results: list[LoadResult] = []
    report: Report = []
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
            server = successdesk_serve(
                procs, f"queue-successdesk-{size}", ports["successdesk"], sd_env
            )
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
        procs.serve(
            "queue-helpdesk",
            gunicorn_cmd(peer_bin / "gunicorn", HELPDESK_APP, ports["helpdesk"]),
            base["helpdesk"] + "/helpdesk/login/",
            env=hd_env,
            cwd=HELPDESK_SITE,
        )
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

    return report


def print_report(
    args: argparse.Namespace, seconds: float, hd_size: int, source_label: str, report: Report
) -> None:
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
        print(
            f"{label} at {biggest:,} cases: p95 {r.p95_ms:.1f} ms "
            f"(goal <= {GOAL_P95_MS:.0f} ms: {verdict(r.p95_ms <= GOAL_P95_MS)})"
        )
    if not any("queue" in label.lower() or "triage" in label for label, _ in queue_rows):
        print(
            "Note: no queue page (/api/v1/queue, /console/triage/) in the measured code; "
            "the case lists stand in for them."
        )


if __name__ == "__main__":
    main()
