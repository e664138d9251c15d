"""`GET /api/v1/cases` as the table grows under intake: what a soak's reads pay.

    .venv/bin/python benchmarks/list_growth.py [--sizes 1000,3000,10000,30000] [--seconds 5]
        [--source head|worktree|<commit>]

All on this machine, on loopback: a fresh PostgreSQL database (``bench_list_growth``:
``migrate``, ``demo``, ``collectstatic``), one case opened through the API by Northwind's
designated contact, then, step by step, copies of it inserted in PostgreSQL until Northwind
has each of ``--sizes`` cases (numbered apart, a second apart). As during a soak, the new
rows are fresh: statistics are refreshed (``ANALYZE``, as autovacuum soon does) but the
table is not vacuumed, so PostgreSQL's visibility map does not yet cover them. At each size,
wrk (one connection, ``--seconds``) fetches the first page of ``GET /api/v1/cases`` as the
designated contact (Northwind's cases) and as a support agent (all cases), on the benchmarks'
gunicorn command line (2 sync workers, ``CONN_MAX_AGE=60``). Printed: p50/p99 per size and
reader, and the growth from the first size to the last; and, at each size, PostgreSQL's own
execution time (EXPLAIN ANALYZE, median of 15) of what such a request asks it: the capped
count as ``COUNT_CAP`` 10,000 and 1,000 write it, and the page itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    LOOPBACK,
    Processes,
    begin,
    bench_parser,
    clean_up,
    expect,
    free_port,
    log,
    machine_line,
    pg_connect,
    ratio,
    table,
)
from _peers import bearer, successdesk_serve, successdesk_site, successdesk_token
from _wrk import LoadResult, wrk

DATABASE = "bench_list_growth"


def grow_to(size: int, template_number: str) -> None:
    """Copies of the template case until its customer has ``size`` cases; then ANALYZE."""
    with pg_connect(DATABASE) as conn:
        customer, have = conn.execute(
            "SELECT c.customer_id, (SELECT count(*) FROM cases_case x "
            "WHERE x.customer_id = c.customer_id) FROM cases_case c WHERE c.number = %s",
            [template_number],
        ).fetchone()
        columns = [
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'cases_case' AND column_name NOT IN ('id', 'number') "
                "ORDER BY ordinal_position"
            ).fetchall()
        ]
        values = [
            "now() - make_interval(secs => g)"
            if name == "created_at"
            else "now()"
            if name == "updated_at"
            else name
            for name in columns
        ]
        missing = size - int(have)
        if missing > 0:
            conn.execute(
                f"INSERT INTO cases_case (number, {', '.join(columns)}) "  # noqa: S608 - ours
                f"SELECT 'GROW-' || %(size)s || '-' || g, {', '.join(values)} "
                "FROM cases_case, generate_series(1, %(missing)s) g WHERE number = %(number)s",
                {"size": size, "missing": missing, "number": template_number},
            )
        conn.execute("ANALYZE cases_case")
        del customer


# What the first page of GET /api/v1/cases asks PostgreSQL (as Django writes it): the count
# (capped: COUNT_CAP + 1 rows at most) and the page itself; for Northwind or for everyone.
COUNT_SQL = "SELECT COUNT(*) FROM (SELECT id FROM cases_case {where} LIMIT {cap}) subquery"
PAGE_SQL = "SELECT * FROM cases_case {where} ORDER BY created_at DESC, id DESC LIMIT 51"
SCOPES = {"designated contact": "WHERE customer_id = %(customer)s", "support agent": ""}


def execution_ms(sql: str, customer: int, runs: int = 15) -> float:
    """PostgreSQL's own execution time of ``sql`` (EXPLAIN ANALYZE, no per-node timing),
    the median of ``runs``: the database's share of a request, apart from the CPU load."""
    times = []
    with pg_connect(DATABASE) as conn:
        for _ in range(runs):
            plan = conn.execute(
                "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, {"customer": customer}
            ).fetchone()[0]
            times.append(float(plan[0]["Execution Time"]))
    return sorted(times)[len(times) // 2]


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--sizes", default="1000,3000,10000,30000")
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]

    source_env, source_label = begin(args.source)
    env = successdesk_site(DATABASE, source_env=source_env)
    contact = successdesk_token(env, "dc@northwind.example")
    agent = successdesk_token(env, "agent@vendor.example")
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    readers = {
        "designated contact": bearer(contact, json=False),
        "support agent": bearer(agent, json=False),
    }
    results: dict[tuple[int, str], LoadResult] = {}
    db_ms: dict[tuple[int, str], tuple[float, float, float]] = {}
    counts: dict[tuple[int, str], str] = {}
    try:
        with Processes() as procs:
            successdesk_serve(procs, "growth-web", port, env)
            answer = expect(
                base + "/api/v1/cases",
                201,
                method="POST",
                headers=bearer(contact),
                body=json.dumps(
                    {"subject": "Template case", "description": "Copied.", "severity": 3}
                ).encode(),
            )
            template = json.loads(answer)["number"]
            with pg_connect(DATABASE) as conn:
                customer = conn.execute(
                    "SELECT customer_id FROM cases_case WHERE number = %s", [template]
                ).fetchone()[0]
            for size in sizes:
                grow_to(size, template)
                for reader, headers in readers.items():
                    where = SCOPES[reader]
                    db_ms[(size, reader)] = (
                        execution_ms(COUNT_SQL.format(where=where, cap=10_001), customer),
                        execution_ms(COUNT_SQL.format(where=where, cap=1_001), customer),
                        execution_ms(PAGE_SQL.format(where=where), customer),
                    )
                    data = json.loads(expect(base + "/api/v1/cases", 200, headers=headers))
                    counts[(size, reader)] = f"{data['count']}{'+' if data['count_capped'] else ''}"
                    result = wrk(
                        reader,
                        base + "/api/v1/cases",
                        seconds=args.seconds,
                        connections=1,
                        headers=headers,
                        warm_up=1,
                    )
                    results[(size, reader)] = result
                    log(
                        f"  {size:>6} Northwind cases, {reader}: p50 {result.p50_ms:.1f} ms, "
                        f"p99 {result.p99_ms:.1f} ms (count {counts[(size, reader)]}); in "
                        "PostgreSQL: count to 10,001 {:.2f} ms, to 1,001 {:.2f} ms, "
                        "page {:.2f} ms".format(*db_ms[(size, reader)])
                    )
    finally:
        clean_up(DATABASE, keep=args.keep)

    print()
    print(
        f"GET /api/v1/cases, first page, as the table grows. SuccessDesk {source_label}; "
        f"gunicorn 2 sync workers; PostgreSQL (fresh rows: analyzed, not vacuumed); wrk c=1, "
        f"{args.seconds:g} s per row. {machine_line()}"
    )
    rows = [
        [
            f"{size:,}",
            reader,
            counts[(size, reader)],
            f"{results[(size, reader)].p50_ms:.1f}",
            f"{results[(size, reader)].p99_ms:.1f}",
            f"{results[(size, reader)].rps:.1f}",
            *(f"{x:.2f}" for x in db_ms[(size, reader)]),
        ]
        for size in sizes
        for reader in readers
    ]
    print(
        table(
            rows,
            [
                "Northwind cases",
                "reader",
                "count",
                "p50 ms",
                "p99 ms",
                "req/s",
                "db: count 10,001",
                "count 1,001",
                "page",
            ],
        )
    )
    for reader in readers:
        first, last = results[(sizes[0], reader)], results[(sizes[-1], reader)]
        print(
            f"{reader}: p50 x{ratio(last.p50_ms, first.p50_ms):.2f}, "
            f"p99 x{ratio(last.p99_ms, first.p99_ms):.2f}"
            f" from {sizes[0]:,} to {sizes[-1]:,} cases"
        )


if __name__ == "__main__":
    main()
