"""Where one case intake goes: queries and CPU per ``POST /api/v1/cases``, in process.

    .venv/bin/python benchmarks/intake_profile.py [--source head|COMMIT] [--cases 200]
        [--profile] [--parts]

No HTTP server and no load: Django's test client posts ``--cases`` cases one after another
to a fresh PostgreSQL database (``migrate``, ``demo``, a token for
``dc@northwind.example``), with the production settings, persistent connections and the
Redis task backend, as ``peer_intake.py`` runs it. Prints the SQL statements of one
request and the median CPU time (``time.process_time``: this process only, so other load
on the machine matters less than for wall time) and wall time per case. ``--profile``
adds cProfile's 40 costliest functions (cumulative); ``--parts`` the CPU of each read an
intake makes, called alone. Run it with ``--source`` before and after a change to see what
the change did.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import begin, bench_parser, clean_up
from _peers import successdesk_python, successdesk_site, successdesk_token

DB = "bench_intake_profile"
CODE = """
import cProfile, json, pstats, statistics, time
from django.db import connection
from django.test import Client

client = Client()
headers = {
    "HTTP_AUTHORIZATION": "Bearer %(token)s",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_HOST": "localhost",
}
body = json.dumps({"subject": "Dashboard shows no advocates", "severity": 3,
                   "description": "Since this morning the campaign dashboard shows none."})

def post():
    response = client.post("/api/v1/cases", body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content

for _ in range(5):  # warm: imports, calendars, connections
    post()
connection.force_debug_cursor = True  # log this request's SQL (reset when it starts)
post()
queries = list(connection.queries)
connection.force_debug_cursor = False
cpu, wall = [], []
for _ in range(%(cases)d):
    started, started_cpu = time.perf_counter(), time.process_time()
    post()
    cpu.append(time.process_time() - started_cpu)
    wall.append(time.perf_counter() - started)
print(f"{len(queries)} SQL statements in one request:")
for query in queries:
    print("  ", query["sql"][:110])
print(f"per case: CPU median {statistics.median(cpu) * 1000:.1f} ms, "
      f"wall median {statistics.median(wall) * 1000:.1f} ms ({%(cases)d} cases)")
if %(parts)s:
    # The reads of an intake, each alone: mean CPU of 300 calls after one warm call.
    from datetime import date
    from successdesk.accounts.models import Customer
    from successdesk.accounts.selectors import user_for_token
    from successdesk.contacts.selectors import designated_contacts_following
    from successdesk.packages.selectors import subscription_current
    from successdesk.triage.selectors import rules_active
    northwind = Customer.objects.get(slug="northwind")
    parts = {
        "token lookup (user_for_token)": lambda: user_for_token("%(token)s"),
        "subscription with version and calendars": lambda: subscription_current(
            customer=northwind, on=date.today()),
        "routing rules (rules_active)": rules_active,
        "following designated contacts": lambda: designated_contacts_following(northwind.pk),
    }
    print("CPU per call, in process:")
    for name, call in parts.items():
        call()
        times = []
        for _ in range(300):
            started = time.process_time()
            call()
            times.append(time.process_time() - started)
        print(f"  {name:<42} {statistics.mean(times) * 1000:.2f} ms")
if %(profile)s:
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(50):
        post()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
"""


def main() -> None:
    parser = bench_parser(__doc__, keep=False)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="add cProfile's top 40")
    parser.add_argument(
        "--parts", action="store_true", help="add the CPU of each read of an intake, alone"
    )
    args = parser.parse_args()

    source_env, _ = begin(args.source)
    try:
        env = successdesk_site(DB, source_env=source_env)
        token = successdesk_token(env, "dc@northwind.example")
        code = CODE % {
            "token": token,
            "cases": args.cases,
            "profile": args.profile,
            "parts": args.parts,
        }
        print(successdesk_python(env, code))
    finally:
        clean_up(DB)


if __name__ == "__main__":
    main()
