"""The plans and times of the case-page and sign-in lookups at a million cases, as compiled
by the ORM: the stored spelling compared with ``=`` (what the code does) against the old
``__iexact`` (``UPPER(col) = UPPER(%s)`` on PostgreSQL).

    .venv/bin/python benchmarks/case_lookup_plan.py [--cases 1000000] [--users 100000]
        [--database successdesk_smells] [--keep]

A fresh PostgreSQL database (``migrate``), one customer, a support agent and its
designated contact made through the services; then ``--cases`` closed cases and
``--users`` customer users bulk-loaded inside PostgreSQL (``_bulk.py``: one
``INSERT … SELECT … FROM generate_series``, indexes rebuilt, ``VACUUM ANALYZE``). For each
lookup: the plan (``EXPLAIN ANALYZE``) and the median of 30 runs of the query through
Django. Exits non-zero when a normalised lookup is not an index scan.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _bulk import bulk_load, insert_select
from _harness import log, machine_line, pg_drop, pg_recreate, table

RUNS = 30


def _setup(database: str) -> str:
    url = pg_recreate(database)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "successdesk.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _load(database: str, cases: int, users: int, customer_id: int, prefix: str) -> float:
    def load_cases(conn: Any) -> None:
        insert_select(
            conn,
            "cases_case",
            {
                "id": "g",
                "number": (
                    "%(prefix)s::text || CASE WHEN g < 1000000 THEN lpad(g::text, 6, '0') "
                    "ELSE g::text END"
                ),
                "customer_id": "%(customer)s::bigint",
                "is_verified": "true",
                "subject": "'Export times out (' || g || ')'",
                "severity": "3",
                "status": "'closed'",
                "created_at": "now() - g * interval '90 seconds'",
                "updated_at": "now() - g * interval '90 seconds'",
            },
            "FROM generate_series(1, %(n)s::bigint) AS g",
            {"n": cases, "prefix": prefix, "customer": customer_id},
        )
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
            "(SELECT max(id) FROM cases_case))"
        )

    def load_users(conn: Any) -> None:
        insert_select(
            conn,
            "accounts_user",
            {
                "id": "1000 + g",
                "email": "'user' || g || '@bulk' || (g %% 977) || '.example'",
                "password": "'!'",
                "customer_id": "%(customer)s::bigint",
                "is_active": "true",
                "date_joined": "now()",
            },
            "FROM generate_series(1, %(n)s::bigint) AS g",
            {"n": users, "customer": customer_id},
        )
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), "
            "(SELECT max(id) FROM accounts_user))"
        )

    return bulk_load(database, "cases_case", load_cases) + bulk_load(
        database, "accounts_user", load_users
    )


def _measure(qs: Any, on: str) -> tuple[str, float, str]:
    """(how ``on`` is scanned, median ms through the ORM, executed ms from EXPLAIN ANALYZE)."""
    plan = qs.explain(analyze=True)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        list(qs[:1])
        times.append((time.perf_counter() - started) * 1000)
    lines = [line.strip() for line in plan.splitlines()]
    scans = [
        line.split("  (")[0].removeprefix("-> ").removesuffix(f" on {on}")
        for line in lines
        if "Scan" in line and f" on {on}" in line
    ]
    executed = next((line.split(": ")[1] for line in lines if line.startswith("Execution")), "")
    return "; ".join(scans), statistics.median(times), executed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--database", default="successdesk_smells")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    log(f"database {args.database}: migrate")
    _setup(args.database)
    from django.conf import settings

    from successdesk.accounts.models import User, normalise_email
    from successdesk.accounts.roles import Role
    from successdesk.accounts.services import customer_ensure, user_ensure
    from successdesk.cases.numbers import case_number_normal
    from successdesk.cases.selectors import cases_visible_to
    from successdesk.contacts.models import DesignatedContact

    password = secrets.token_urlsafe(16)  # nobody signs in: the lookups run in-process
    customer = customer_ensure(name="Northwind")
    agent = user_ensure(email="agent@vendor.example", password=password, roles=[Role.SUPPORT_AGENT])
    contact = user_ensure(email="dc@northwind.example", password=password, customer=customer)
    DesignatedContact.objects.create(customer=customer, user=contact)
    log(f"bulk load: {args.cases:,} cases, {args.users:,} users")
    seconds = _load(args.database, args.cases, args.users, customer.pk, settings.CASE_NUMBER_PREFIX)
    log(f"loaded in {seconds:.0f} s")

    wanted = max(1, args.cases * 3 // 4)
    typed = f"{settings.CASE_NUMBER_PREFIX}{wanted:06d}".lower()
    address = f"USER{max(1, args.users // 2)}@BULK{max(1, args.users // 2) % 977}.example"
    lookups = {
        "case page, staff (= stored spelling)": cases_visible_to(agent).filter(
            number=case_number_normal(typed)
        ),
        "case page, staff (old __iexact)": cases_visible_to(agent).filter(number__iexact=typed),
        "case page, designated contact (=)": cases_visible_to(contact).filter(
            number=case_number_normal(typed)
        ),
        "case page, designated contact (old __iexact)": cases_visible_to(contact).filter(
            number__iexact=typed
        ),
        "sign-in address (= stored spelling)": User.objects.filter(email=normalise_email(address)),
        "sign-in address (old __iexact)": User.objects.filter(email__iexact=address),
    }
    rows, bad = [], []
    for name, qs in lookups.items():
        assert qs.exists(), name  # the lookup finds its row, in any letter case
        plan, median, executed = _measure(qs, qs.model._meta.db_table)
        rows.append([name, plan, f"{median:.2f}", executed])
        if "(=" in name and "Index" not in plan:
            bad.append(name)
    print(machine_line())
    print(f"{args.cases:,} cases, {args.users:,} users; median of {RUNS} runs through the ORM")
    print(table(rows, ["lookup", "scan of the looked-up table", "ORM ms", "EXPLAIN ANALYZE"]))
    if not args.keep:
        from django.db import connections

        connections.close_all()
        pg_drop(args.database)
    if bad:
        raise SystemExit(f"not served by an index: {', '.join(bad)}")


if __name__ == "__main__":
    main()
