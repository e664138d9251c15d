"""Peak memory of a task worker delivering notifications, for both task backends.

    .venv/bin/python benchmarks/worker_memory.py [--quick] [--count 3000]
        [--backends database,redis,redis-nofork]

For each backend, on this machine and on loopback:

* a fresh PostgreSQL database (``successdesk migrate``) and, for Redis, database 12 of the
  local Redis, emptied;
* an SMTP server (aiosmtpd, in this process) that counts the messages and their
  Message-IDs;
* ``successdesk worker`` started as a real process with the production settings
  (``TASKS_BACKEND=database``: django-tasks-db's ``db_worker``; ``redis``: ``rqworker``,
  which forks a work horse per job);
* ``--count`` notifications queued through ``notification_queue`` by another process, in
  transactions of 100, while the worker runs: each is an outbox row plus a
  ``deliver_notification`` task enqueued on commit;
* the worker's memory sampled from ``/proc`` every 50 ms until every message arrived:
  peak RSS of the worker process (and its kernel high-water mark, VmHWM), peak RSS of any
  child it forked, peak PSS of the whole process tree (shared pages counted once);
* checked: every notification arrived exactly once and is marked sent.

Goal: the worker's peak RSS <= 120 MiB.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    Processes,
    begin,
    bench_parser,
    clean_up,
    log,
    machine_line,
    pg_count,
    run,
    table,
    verdict,
)
from _observe import Mailbox, descendants, pss_kib, smtp_env, smtp_sink, status_kib
from _peers import SUCCESSDESK, successdesk_site

GOAL_MIB = 120.0
BATCH = 100
FEED_CODE = """
from django.db import transaction
from successdesk.notifications.services import notification_queue

count, batch = %(count)d, %(batch)d
line = "Your case CS-%%06d was updated: a support agent replied. Follow it in the portal.\\n"
for start in range(0, count, batch):
    with transaction.atomic():
        for i in range(start, min(count, start + batch)):
            notification_queue(
                to=[f"contact{i}@customer{i %% 97}.example"],
                subject=f"[CS-{i:06d}] A reply on your case",
                body=(line %% i) * 4,
                kind="benchmark",
                key=f"benchmark:{i}",
            )
print("FED", count)
"""


# --- memory from /proc ------------------------------------------------------------------------
@dataclass
class MemoryPeaks:
    worker_rss_kib: int = 0
    worker_hwm_kib: int = 0
    child_rss_kib: int = 0
    tree_pss_kib: int = 0
    children_seen: set[int] = field(default_factory=set)
    samples: int = 0

    def sample(self, pid: int) -> None:
        kids = descendants(pid)
        self.children_seen.update(kids)
        self.worker_rss_kib = max(self.worker_rss_kib, status_kib(pid, "VmRSS"))
        self.worker_hwm_kib = max(self.worker_hwm_kib, status_kib(pid, "VmHWM"))
        for kid in kids:
            self.child_rss_kib = max(self.child_rss_kib, status_kib(kid, "VmRSS"))
        self.tree_pss_kib = max(self.tree_pss_kib, sum(pss_kib(p) for p in [pid, *kids]))
        self.samples += 1


class Sampler(threading.Thread):
    def __init__(self, pid: int, peaks: MemoryPeaks) -> None:
        super().__init__(daemon=True)
        self.pid, self.peaks, self.stop = pid, peaks, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peaks.sample(self.pid)
            self.stop.wait(0.05)


# --- one backend --------------------------------------------------------------------------------
@dataclass
class Outcome:
    backend: str
    count: int
    seconds: float
    peaks: MemoryPeaks
    delivered: int
    duplicates: int
    unsent_rows: int
    idle_rss_kib: int


def run_backend(backend: str, count: int, source_env: dict[str, str], timeout: float) -> Outcome:
    """``backend``: ``database``, ``redis``, or ``redis-nofork`` (``successdesk worker
    --no-fork``: RQ's SimpleWorker, no work horse per job)."""
    database = f"bench_worker_{backend.replace('-', '_')}"
    tasks_backend, _, variant = backend.partition("-")
    worker_args = ["worker", "--no-fork"] if variant == "nofork" else ["worker"]
    with smtp_sink() as mailbox:
        try:
            env = successdesk_site(
                database,
                source_env=source_env,
                tasks=tasks_backend,
                extra_env=smtp_env(mailbox),
                prepare=False,
            )
            run([SUCCESSDESK, "migrate", "--noinput", "-v0"], env=env)
            outcome = watch_worker(backend, count, worker_args, env, mailbox, timeout)
            unsent = pg_count(
                database, "SELECT count(*) FROM notifications_notification WHERE sent_at IS NULL"
            )
        finally:
            clean_up(database, redis=tasks_backend == "redis")
    seconds, peaks, idle = outcome
    duplicates = sum(n - 1 for n in mailbox.twice().values())
    return Outcome(backend, count, seconds, peaks, mailbox.count, duplicates, unsent, idle)


def watch_worker(
    backend: str,
    count: int,
    worker_args: list[str],
    env: dict[str, str],
    mailbox: Mailbox,
    timeout: float,
) -> tuple[float, MemoryPeaks, int]:
    """Start the worker, queue ``count`` notifications, sample its memory until every
    message arrived; (seconds, peaks, idle RSS in KiB)."""
    with Processes() as procs:
        worker = procs.start(f"worker-{backend}", [SUCCESSDESK, *worker_args], env=env)
        time.sleep(3)  # started and idle: its resting size
        if worker.poll() is not None:
            raise SystemExit(f"the {backend} worker exited at start (see benchmarks/.peer/logs)")
        idle = status_kib(worker.pid)
        peaks = MemoryPeaks()
        sampler = Sampler(worker.pid, peaks)
        sampler.start()
        started = time.monotonic()
        log(f"{backend}: worker {worker.pid} idle at {idle / 1024:.1f} MiB; queueing {count}")
        feeder = procs.start(
            f"feed-{backend}",
            [
                SUCCESSDESK,
                "shell",
                "--no-imports",
                "-c",
                FEED_CODE % {"count": count, "batch": BATCH},
            ],
            env=env,
        )
        deadline = started + timeout
        last_report = started
        while mailbox.count < count and time.monotonic() < deadline:
            if worker.poll() is not None:
                raise SystemExit(f"the {backend} worker died (see benchmarks/.peer/logs)")
            if feeder.poll():
                raise SystemExit(f"queueing failed (see benchmarks/.peer/logs/feed-{backend}.log)")
            time.sleep(0.2)
            if time.monotonic() - last_report > 15:
                last_report = time.monotonic()
                log(
                    f"  {mailbox.count}/{count} delivered, "
                    f"RSS peak {peaks.worker_rss_kib / 1024:.1f} MiB"
                )
        seconds = time.monotonic() - started
        feeder.wait(60)
        time.sleep(1)  # anything late or duplicated arrives now
        sampler.stop.set()
        sampler.join()
        peaks.sample(worker.pid)
    return seconds, peaks, idle


def main() -> None:
    parser = bench_parser(__doc__, keep=False)
    parser.add_argument("--quick", action="store_true", help="500 notifications per backend")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--backends", default="database,redis,redis-nofork")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per backend at most")
    args = parser.parse_args()
    count = 500 if args.quick else args.count

    source_env, source_label = begin(args.source)
    outcomes = [
        run_backend(backend, count, source_env, args.timeout)
        for backend in args.backends.split(",")
    ]

    def mib(kib: int) -> str:
        return f"{kib / 1024:.1f}"

    rows = [
        [
            o.backend,
            str(o.count),
            f"{o.delivered}",
            f"{o.delivered / o.seconds:.0f}" if o.seconds else "-",
            mib(o.idle_rss_kib),
            mib(o.peaks.worker_rss_kib),
            mib(o.peaks.worker_hwm_kib),
            mib(o.peaks.child_rss_kib) if o.peaks.children_seen else "-",
            str(len(o.peaks.children_seen)),
            mib(o.peaks.tree_pss_kib),
        ]
        for o in outcomes
    ]
    print()
    print(
        f"successdesk worker delivering notifications to SMTP on loopback. SuccessDesk "
        f"{source_label}; PostgreSQL; production settings. {machine_line()}"
    )
    print(
        table(
            rows,
            [
                "backend",
                "queued",
                "delivered",
                "per s",
                "idle MiB",
                "peak RSS MiB",
                "VmHWM MiB",
                "child RSS MiB",
                "children",
                "tree PSS MiB",
            ],
        )
    )
    print()
    for o in outcomes:
        peak = max(o.peaks.worker_rss_kib, o.peaks.worker_hwm_kib) / 1024
        checks = (
            "all delivered once, all marked sent"
            if o.delivered == o.count and not o.duplicates and o.unsent_rows == 0
            else f"delivered {o.delivered}/{o.count}, {o.duplicates} duplicates, "
            f"{o.unsent_rows} rows unsent"
        )
        print(
            f"{o.backend}: worker peak RSS {peak:.1f} MiB "
            f"(goal <= {GOAL_MIB:.0f} MiB: {verdict(peak <= GOAL_MIB)}); {checks}"
        )


if __name__ == "__main__":
    main()
