"""Case intake over HTTP: SuccessDesk against django-helpdesk and a bare Django view, one run.

    .venv/bin/python benchmarks/peer_intake.py [--quick] [--seconds 30] [--conn-max-age 60]

All on this machine, on loopback:

* django-helpdesk (pinned, with the Django it supports, djangorestframework, gunicorn and
  psycopg) is installed in its own venv under ``benchmarks/.peer/`` (git-ignored) with a
  minimal project generated there; a one-view Django project is the ceiling ("bare": one
  view returning ``JsonResponse``, no middleware, no database);
* two fresh PostgreSQL databases: SuccessDesk gets ``successdesk migrate``, ``successdesk
  demo``, ``collectstatic`` and a token from ``successdesk createtoken dc@northwind.example``
  (a Premier Success designated contact); django-helpdesk gets ``migrate``, a staff user, a
  queue and a DRF token;
* the three are served by the same gunicorn command line (2 sync workers: one per core;
  ``--workers``/``--threads`` serve all three otherwise, e.g. ``--workers 4 --threads 4``
  as docs/deployment.md runs production) and both desks with the same database
  connection setting (``--conn-max-age``);
* wrk (one thread; a Lua script numbers each body) posts a new case to each, at
  concurrency 1 and then 4, for ``--seconds`` per target and concurrency, split into
  interleaved rounds so that other load on the machine falls on all alike:
  ``POST /api/v1/cases`` (bearer token) for SuccessDesk, ``POST /helpdesk/api/tickets/``
  (token auth) for django-helpdesk, the same POST as SuccessDesk's to the bare view and,
  for reference, to a second bare view that inserts the body as one row (one INSERT, one
  commit: the least a request that keeps something costs on this database) and, as the
  ceiling of SuccessDesk's own stack, ``GET /api/v1/me`` with the same token (the hardened
  middleware, django-ninja and the token lookup, no other work);
* afterwards every 2xx answer must have left one row;
* prints throughput, p50 and p95 per target and the ratios SuccessDesk/helpdesk at c=4
  (goal >= 5x) and SuccessDesk/bare view at c=4 (goal >= 0.25), and where the intake and
  both goals stand against that ceiling.

SuccessDesk runs its production settings and, by default, the Redis task backend
(``--tasks``): the confirmation e-mail is an outbox row plus a job on Redis database 12;
no worker runs. django-helpdesk sends its e-mails inline, so it gets Django's dummy e-mail
backend: its mail costs it only the rendering (in its favour).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    GUNICORN_WORKERS,
    LOOPBACK,
    VENV_BIN,
    Processes,
    begin,
    bench_parser,
    clean_up,
    expect,
    free_port,
    gunicorn_cmd,
    log,
    machine_line,
    pg_count,
    pg_recreate,
    ratio,
    table,
    verdict,
)
from _peers import (
    BARE_APP_NAME,
    HELPDESK_APP,
    HELPDESK_SITE,
    HELPDESK_VERSION,
    PROXY_HEADERS,
    bare_prepare,
    bearer,
    helpdesk_env,
    helpdesk_install,
    helpdesk_prepare,
    successdesk_serve,
    successdesk_site,
    successdesk_token,
)
from _wrk import LoadResult, wrk

SD_DB = "bench_intake_successdesk"
HD_DB = "bench_intake_helpdesk"
BARE_DB = "bench_intake_bare"
SUBJECT = "Dashboard shows no advocates #{n}"
DESCRIPTION = (
    "Since this morning the campaign dashboard shows no new advocates although the "
    "referral form still accepts sign-ups. Steps: open Campaigns, pick Spring Referral, "
    "look at the Advocates tab. Expected the 40 sign-ups from today; it shows none."
)
# Where each target keeps what it creates (the bare view keeps nothing).
STORED = (
    ("successdesk", SD_DB, "cases_case"),
    ("helpdesk", HD_DB, "helpdesk_ticket"),
    ("bare_insert", BARE_DB, "bare_case"),
)
LABELS = {
    "successdesk": "SuccessDesk POST /api/v1/cases",
    "helpdesk": f"django-helpdesk {HELPDESK_VERSION} POST /api/tickets/",
    "bare": "bare Django JsonResponse view",
    "bare_insert": "bare view + one INSERT (reference)",
    "successdesk_me": "SuccessDesk GET /api/v1/me (reference)",
}


def count_rows(database: str, table_name: str) -> int:
    return pg_count(database, f"SELECT count(*) FROM {table_name}")  # noqa: S608 - ours


def main() -> None:
    parser = bench_parser(__doc__, conn_max_age=60, workers=GUNICORN_WORKERS, threads=1)
    parser.add_argument("--quick", action="store_true", help="6 s per target and concurrency")
    parser.add_argument(
        "--seconds", type=float, default=30, help="per target and concurrency, over the rounds"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per measurement")
    parser.add_argument("--tasks", choices=["redis", "database"], default="redis")
    args = parser.parse_args()
    seconds = 6 if args.quick else args.seconds
    rounds = max(1, min(args.rounds, int(seconds)))

    source_env, source_label = begin(args.source)
    peer_bin = helpdesk_install()
    try:
        results = measure(args, seconds, rounds, peer_bin, source_env)
    finally:
        clean_up(SD_DB, HD_DB, BARE_DB, keep=args.keep, redis=args.tasks == "redis")
    report(args, seconds, rounds, source_label, results)


def measure(
    args: argparse.Namespace,
    seconds: float,
    rounds: int,
    peer_bin: Path,
    source_env: dict[str, str],
) -> dict[tuple[str, int], LoadResult]:
    """Prepare the three sites, serve them, run the load; the merged result per target and
    concurrency."""
    log("SuccessDesk: migrate, demo data, collectstatic, token")
    sd_env = successdesk_site(
        SD_DB, source_env=source_env, tasks=args.tasks, conn_max_age=args.conn_max_age
    )
    sd_token = successdesk_token(sd_env, "dc@northwind.example")
    pg_recreate(HD_DB)
    hd_env = helpdesk_env(HD_DB, conn_max_age=args.conn_max_age)
    pg_recreate(BARE_DB)
    bare_env = bare_prepare(BARE_DB, conn_max_age=args.conn_max_age)
    log("django-helpdesk: migrate, staff user, queue, token")
    hd_token, queue_id, _ = helpdesk_prepare(hd_env)

    ports = {"successdesk": free_port(), "helpdesk": free_port(), "bare": free_port()}
    ports["bare_insert"] = ports["bare"]  # the same server, another view
    base = {name: f"http://{LOOPBACK}:{port}" for name, port in ports.items()}
    json_headers = {**PROXY_HEADERS, "Content-Type": "application/json"}
    sd_body = json.dumps({"subject": SUBJECT, "description": DESCRIPTION, "severity": 3})
    hd_body = json.dumps(
        {
            "queue": queue_id,
            "title": SUBJECT,
            "description": DESCRIPTION,
            "submitter_email": "dc@northwind.example",
            "priority": 3,
        }
    )
    sd_headers = bearer(sd_token)
    # name: (method, url, headers, body); {n} in a body is numbered by wrk's script
    targets = {
        "successdesk": ("POST", f"{base['successdesk']}/api/v1/cases", sd_headers, sd_body),
        "helpdesk": (
            "POST",
            f"{base['helpdesk']}/helpdesk/api/tickets/",
            {**json_headers, "Authorization": f"Token {hd_token}"},
            hd_body,
        ),
        "bare": ("POST", f"{base['bare']}/api/v1/cases", sd_headers, sd_body),
        "bare_insert": ("POST", f"{base['bare']}/api/v1/cases-insert", sd_headers, sd_body),
        # The least any authenticated request costs on SuccessDesk's stack (the middleware
        # of its hardened defaults, django-ninja, the bearer-token lookup): a ceiling for
        # every endpoint, the intake included.
        "successdesk_me": ("GET", f"{base['successdesk']}/api/v1/me", sd_headers, ""),
    }

    server = {"workers": args.workers, "threads": args.threads}
    results: dict[tuple[str, int], LoadResult] = {}
    every_run: list[LoadResult] = []
    with Processes() as procs:
        successdesk_serve(procs, "intake-successdesk", ports["successdesk"], sd_env, **server)
        procs.serve(
            "intake-helpdesk",
            gunicorn_cmd(peer_bin / "gunicorn", HELPDESK_APP, ports["helpdesk"], **server),
            base["helpdesk"] + "/helpdesk/",
            env=hd_env,
            cwd=HELPDESK_SITE,
            headers=PROXY_HEADERS,
        )
        procs.serve(
            "intake-bare",
            gunicorn_cmd(VENV_BIN / "gunicorn", BARE_APP_NAME, ports["bare"], **server),
            base["bare"] + "/",
            env=bare_env,
            headers=PROXY_HEADERS,
        )

        # One request each first: it must be a 201, or the figures would mean nothing.
        for method, url, headers, body in targets.values():
            body_0 = body.replace("{n}", "0").encode() or None
            expect(
                url, 200 if method == "GET" else 201, method=method, headers=headers, body=body_0
            )
        before = {name: count_rows(db, table_name) for name, db, table_name in STORED}
        log(
            f"every target answers 201; {seconds:.0f} s per target and concurrency in {rounds} "
            "interleaved rounds, after a 2 s warm-up each"
        )
        for name, (method, url, headers, body) in targets.items():
            every_run.append(
                wrk(name, url, seconds=2, connections=1, method=method, headers=headers, body=body)
            )
        names = list(targets)
        for connections in (1, 4):
            runs: dict[str, list[LoadResult]] = {name: [] for name in names}
            for round_no in range(rounds):
                # The order turns each round: no target always runs first or last.
                turn = round_no % len(names)
                for name in names[turn:] + names[:turn]:
                    method, url, headers, body = targets[name]
                    run_result = wrk(
                        name,
                        url,
                        seconds=seconds / rounds,
                        connections=connections,
                        method=method,
                        headers=headers,
                        body=body,
                    )
                    runs[name].append(run_result)
                    every_run.append(run_result)
            for name in names:
                merged = LoadResult.merge(runs[name])
                results[(name, connections)] = merged
                log(f"  {name:<12} c={connections}: {merged.summary()}")

    # Every 2xx answer must have left one row; wrk stops counting at its deadline, so up to
    # one request per connection and run may have been written without being counted.
    for name, database, table_name in STORED:
        runs_of = [r for r in every_run if r.target == name]
        answered = sum(r.requests - r.bad for r in runs_of)
        rows = count_rows(database, table_name) - before[name]
        slack = sum(r.connections for r in runs_of)
        verdict = "ok" if 0 <= rows - answered <= slack else "MISMATCH"
        log(f"{name}: {rows} rows for {answered} 2xx answers (+ <= {slack} in flight): {verdict}")

    return results


def report(
    args: argparse.Namespace,
    seconds: float,
    rounds: int,
    source_label: str,
    results: dict[tuple[str, int], LoadResult],
) -> None:
    rows_out = [
        [
            LABELS[name],
            str(c),
            f"{results[(name, c)].rps:.1f}",
            f"{results[(name, c)].p50_ms:.1f}",
            f"{results[(name, c)].p95_ms:.1f}",
            str(results[(name, c)].requests),
            str(results[(name, c)].bad),
        ]
        for c in (1, 4)
        for name in LABELS
    ]
    rps = {key: result.rps for key, result in results.items()}
    vs_peer = ratio(rps[("successdesk", 4)], rps[("helpdesk", 4)])
    vs_peer_1 = ratio(rps[("successdesk", 1)], rps[("helpdesk", 1)])
    vs_bare = ratio(rps[("successdesk", 4)], rps[("bare", 4)])
    print()
    kind = "sync workers" if args.threads == 1 else f"gthread workers x {args.threads} threads"
    print(
        f"Case creation over HTTP. SuccessDesk {source_label} (tasks={args.tasks}); gunicorn "
        f"{args.workers} {kind} each; PostgreSQL, CONN_MAX_AGE={args.conn_max_age} for both desks; "
        f"wrk, {seconds:.0f} s per row in {rounds} interleaved rounds. {machine_line()}"
    )
    print(table(rows_out, ["target", "c", "req/s", "p50 ms", "p95 ms", "requests", "not 2xx"]))
    print()
    print(
        f"SuccessDesk / django-helpdesk at c=4: {vs_peer:.2f}x "
        f"(goal >= 5x: {verdict(vs_peer >= 5)}); at c=1: {vs_peer_1:.2f}x"
    )
    print(
        f"SuccessDesk / bare view at c=4: {vs_bare:.3f} (goal >= 0.25: {verdict(vs_bare >= 0.25)})"
    )
    me_rps = rps[("successdesk_me", 4)]
    print(
        f"Ceiling of SuccessDesk's stack, GET /api/v1/me (token lookup, no work) at c=4: "
        f"{me_rps:.1f} req/s = {ratio(me_rps, rps[('bare', 4)]):.3f} of the bare view; "
        f"the intake runs at {ratio(rps[('successdesk', 4)], me_rps):.3f} of it, "
        f"5x django-helpdesk would need {ratio(5 * rps[('helpdesk', 4)], me_rps):.3f} of it"
    )


if __name__ == "__main__":
    main()
