"""What concurrent intakes wait on: throughput and PostgreSQL wait events, two commits, one run.

    .venv/bin/python benchmarks/intake_locks.py --baseline COMMIT [--source head]
        [--workers 4] [--threads 4] [--seconds 10] [--rounds 3]

Each commit gets a fresh PostgreSQL database (``migrate``, ``demo``, a token for
``dc@northwind.example``) and is served by gunicorn with the same command line (by
default 4 gthread workers × 4 threads, as docs/deployment.md runs production). wrk posts
``POST /api/v1/cases`` at concurrency 4 while a sampler reads ``pg_stat_activity`` every
10 ms and counts what each active session of that database is doing: on the CPU, waiting
for a lock (``Lock:transactionid`` is a row lock held by another transaction, e.g. the
case-number counter), for a WAL flush (``IO:WALSync``)… The two commits take turns over
``--rounds`` rounds so that other load on the machine falls on both. Prints req/s, p50,
p95 and the samples per wait event of each, and the throughput ratio source/baseline.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    LOOPBACK,
    Processes,
    bench_parser,
    clean_up,
    exit_on_signals,
    free_port,
    log,
    machine_line,
    pg_connect,
    ratio,
    successdesk_source,
    table,
)
from _peers import bearer, successdesk_serve, successdesk_site, successdesk_token
from _wrk import LoadResult, wrk

BODY = json.dumps({"subject": "Locks #{n}", "description": "Who waits on whom.", "severity": 3})


class Sampler:
    """Counts the wait events of the active sessions of one database, every 10 ms."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.counts: collections.Counter[str] = collections.Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        query = (
            "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity "
            "WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()"
        )
        with pg_connect(self.database) as conn:
            while not self._stop.is_set():
                for (event,) in conn.execute(query, (self.database,)).fetchall():
                    self.counts[event] += 1
                time.sleep(0.01)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = bench_parser(__doc__, keep=False, workers=4, threads=4)
    parser.add_argument("--baseline", required=True, help="the commit to compare with")
    parser.add_argument("--seconds", type=float, default=10, help="per commit and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    exit_on_signals()
    log(machine_line())
    sites = {}
    for role, mode in (("baseline", args.baseline), ("source", args.source)):
        source_env, label = successdesk_source(mode)
        database = f"bench_intake_locks_{role}"
        log(f"{role}: {label}: migrate, demo data, token")
        env = successdesk_site(database, source_env=source_env)
        sites[role] = (label, database, env, successdesk_token(env, "dc@northwind.example"))
    try:
        run_rounds(args, sites)
    finally:
        clean_up(*(database for _, database, _, _ in sites.values()))


def run_rounds(
    args: argparse.Namespace, sites: dict[str, tuple[str, str, dict[str, str], str]]
) -> None:
    runs: dict[str, list[LoadResult]] = {role: [] for role in sites}
    waits: dict[str, collections.Counter[str]] = {role: collections.Counter() for role in sites}
    for round_no in range(args.rounds):
        order = list(sites) if round_no % 2 == 0 else list(reversed(sites))
        for role in order:
            _, database, env, token = sites[role]
            port = free_port()
            url = f"http://{LOOPBACK}:{port}/api/v1/cases"
            headers = bearer(token)
            with Processes() as procs:
                successdesk_serve(
                    procs, f"locks-{role}", port, env, workers=args.workers, threads=args.threads
                )
                wrk(role, url, seconds=2, connections=4, method="POST", headers=headers, body=BODY)
                with Sampler(database) as sampler:
                    result = wrk(
                        role,
                        url,
                        seconds=args.seconds,
                        connections=4,
                        method="POST",
                        headers=headers,
                        body=BODY,
                    )
                runs[role].append(result)
                waits[role].update(sampler.counts)
                log(f"  round {round_no + 1} {role}: {result.rps:.1f} req/s")

    merged = {role: LoadResult.merge(results) for role, results in runs.items()}
    events = sorted(
        {e for counter in waits.values() for e in counter},
        key=lambda e: -sum(counter[e] for counter in waits.values()),
    )
    kind = "sync workers" if args.threads == 1 else f"gthread workers x {args.threads} threads"
    print()
    print(
        f"POST /api/v1/cases at c=4, gunicorn {args.workers} {kind}, PostgreSQL, "
        f"{args.rounds} rounds x {args.seconds:.0f} s each. {machine_line()}"
    )
    rows = [
        [
            f"{role}: {sites[role][0]}",
            f"{merged[role].rps:.1f}",
            f"{merged[role].p50_ms:.1f}",
            f"{merged[role].p95_ms:.1f}",
            *(str(waits[role][e]) for e in events),
        ]
        for role in sites
    ]
    print(table(rows, ["SuccessDesk", "req/s", "p50 ms", "p95 ms", *events]))
    print()
    throughput = ratio(merged["source"].rps, merged["baseline"].rps)
    print(
        f"source / baseline throughput: {throughput:.2f}x; "
        f"lock-wait samples: {sum(n for e, n in waits['baseline'].items() if e.startswith('Lock'))}"
        f" -> {sum(n for e, n in waits['source'].items() if e.startswith('Lock'))}"
    )


if __name__ == "__main__":
    main()
