"""A soak: mixed intake and reads at a share of the measured peak, for minutes, as production
runs SuccessDesk (PostgreSQL, Redis, gunicorn, task workers, the sweeper).

    .venv/bin/python benchmarks/soak.py [--minutes 15] [--share 0.8] [--window 60]
        [--intake-share 0.3] [--rate R] [--workers 2] [--threads 4] [--task-workers 1]
        [--source head|worktree|<commit>]

All on this machine, on loopback:

* a fresh PostgreSQL database (``bench_soak``: ``migrate``, ``demo``, ``collectstatic``) and
  a Redis database (``BENCH_REDIS_URL``, default 12) for the task queue and the cache;
  an SMTP server (aiosmtpd, in this process) that counts every message and its Message-ID;
* SuccessDesk as docs/deployment.md runs it: gunicorn (gthread, ``--workers`` ×
  ``--threads``) with the production settings and ``DATABASE_CONN_MAX_AGE=60``,
  ``--task-workers`` × ``successdesk worker`` (RQ, a forked work horse per job) and one
  ``successdesk sweep --every 30``;
* the load, from this process: ``POST /api/v1/cases`` as Northwind's designated contact
  (``--intake-share`` of the requests, each a new case and a confirmation e-mail through
  the outbox), and ``GET /api/v1/cases`` (the first page and its count) as that contact
  and as a support agent, half and half, on keep-alive connections;
* first the peak: the same mix, closed loop on ``--peak-connections`` connections for
  ``--peak-seconds``; then the soak, open loop at ``--share`` of that peak (or at
  ``--rate`` requests/s): each request has its scheduled time and its latency is counted
  from it, so a stall shows in the percentiles (no coordinated omission);
* every ``--window`` seconds one line: throughput, p50/p99 (all, intake, reads), answers
  outside 2xx, RSS of every web worker and task worker process, the outbox backlog (rows
  not yet sent), the cases in the table, and CPU per request of the web workers and of
  the PostgreSQL processes serving the database;
* afterwards: the outbox must drain (within 120 s), no message may arrive twice, no
  answer may be outside 2xx (nor a request fail), and the site must have kept up with the
  offered rate (95 % of it): otherwise the soak FAILS (exit 1).
  PostgreSQL's count of abandoned sessions on the database is reported too (a process
  that drops its connection without closing it).
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any

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
    ms,
    pg_count,
    ratio,
    table,
)
from _observe import (
    CpuMeter,
    Mailbox,
    children,
    postgres_backends,
    smtp_env,
    smtp_sink,
    status_kib,
)
from _peers import SUCCESSDESK, bearer, successdesk_serve, successdesk_site, successdesk_token
from _wrk import percentile

DATABASE = "bench_soak"
DESCRIPTION = (
    "Since this morning the campaign dashboard shows no new advocates although the "
    "referral form still accepts sign-ups. Steps: open Campaigns, pick Spring Referral, "
    "look at the Advocates tab. Expected the 40 sign-ups from today; it shows none."
)


# --- the load ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shape:
    kind: str  # "intake" or "read"
    method: str
    path: str
    headers: dict[str, str]
    body: str = ""


@dataclass
class Record:
    kind: str
    status: int
    latency: float  # seconds, from the scheduled time (open loop) or the send (closed loop)
    done: float
    error: str = ""


@dataclass
class Load:
    """Sender threads on keep-alive connections; every answer becomes a ``Record``."""

    host: str
    shapes: list[Shape]
    intake_share: float
    records: list[Record] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    first_bad: str = ""

    def pick(self, n: int) -> Shape:
        # A fixed, even interleaving (no randomness): every 1/intake_share-th is an intake.
        intakes = [s for s in self.shapes if s.kind == "intake"]
        reads = [s for s in self.shapes if s.kind == "read"]
        if int((n + 1) * self.intake_share) > int(n * self.intake_share):
            return intakes[n % len(intakes)]
        return reads[n % len(reads)]

    def send(self, conn: HTTPConnection | None, shape: Shape, n: int) -> Any:
        """One request; (the connection to reuse, status, error)."""
        body = shape.body.replace("{n}", str(n)).encode() if shape.body else None
        headers = dict(shape.headers)
        if body is not None:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        for attempt in (1, 2):
            if conn is None:
                conn = HTTPConnection(self.host, timeout=60)
            try:
                conn.request(shape.method, shape.path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                if response.status < 200 or response.status >= 300:
                    with self.lock:
                        if not self.first_bad:
                            self.first_bad = f"{response.status} {answer[:300]!r}"
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
                return conn, response.status, ""
            except (OSError, HTTPException) as exc:
                if conn is not None:
                    conn.close()
                conn = None
                if attempt == 2:
                    return None, 0, f"{type(exc).__name__}: {exc}"
        return None, 0, "unreachable"

    def record(self, shape: Shape, status: int, started: float, error: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.records.append(Record(shape.kind, status, now - started, now, error))

    def take(self) -> list[Record]:
        with self.lock:
            taken, self.records = self.records, []
        return taken

    def closed_loop(self, connections: int, seconds: float) -> list[Record]:
        """Each connection sends the next request as soon as the last one is answered."""
        deadline = time.monotonic() + seconds
        counter = iter(range(10**9))
        counter_lock = threading.Lock()

        def sender() -> None:
            conn = None
            while time.monotonic() < deadline:
                with counter_lock:
                    n = next(counter)
                shape = self.pick(n)
                started = time.monotonic()
                conn, status, error = self.send(conn, shape, n)
                self.record(shape, status, started, error)

        # Daemons: a benchmark stopped by a signal does not wait for their last requests.
        threads = [threading.Thread(target=sender, daemon=True) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.take()

    def open_loop(self, rate: float, stop: threading.Event, senders: int = 48) -> None:
        """Request n is due at start + n/rate whatever happened before; ``senders`` threads
        take them in order. Runs until ``stop`` is set."""
        due: queue.Queue[tuple[int, float] | None] = queue.Queue(maxsize=senders * 4)

        def sender() -> None:
            conn = None
            while True:
                item = due.get()
                if item is None:
                    return
                n, at = item
                wait = at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                shape = self.pick(n)
                conn, status, error = self.send(conn, shape, n)
                self.record(shape, status, at, error)

        threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
        for thread in threads:
            thread.start()
        start = time.monotonic() + 0.05
        n = 0
        while not stop.is_set():
            due.put((n, start + n / rate))
            n += 1
        for _ in threads:
            due.put(None)
        for thread in threads:
            thread.join(timeout=90)


# --- measurements ------------------------------------------------------------------------------
def db_counts() -> tuple[int, int]:
    """(outbox rows not yet sent, cases)."""
    backlog = pg_count(
        DATABASE, "SELECT count(*) FROM notifications_notification WHERE sent_at IS NULL"
    )
    return backlog, pg_count(DATABASE, "SELECT count(*) FROM cases_case")


def sessions_abandoned() -> int:
    return pg_count(
        "postgres",
        "SELECT sessions_abandoned FROM pg_stat_database WHERE datname = %s",
        [DATABASE],
    )


def is_bad(record: Record) -> bool:
    return bool(record.error) or not 200 <= record.status < 300


HEADER = ["min", "req/s", "p50 ms", "p99 ms", "intake p99", "reads p99", "not 2xx"]
HEADER += ["web RSS MiB", "worker RSS MiB", "outbox", "cases", "web CPU ms/req", "db CPU ms/req"]


@dataclass
class Soak:
    """The open-loop soak: one row a window, the answers outside 2xx and the requests served."""

    load: Load
    web: Any  # the gunicorn master (its children are the web workers)
    task_workers: list[Any]
    rows: list[list[str]] = field(default_factory=list)
    bad: int = 0
    served: int = 0

    def run(self, rate: float, minutes: float, window: float) -> None:
        stop = threading.Event()
        driver = threading.Thread(target=self.load.open_loop, args=(rate, stop), daemon=True)
        self.load.take()
        start = time.monotonic()
        driver.start()
        end = start + minutes * 60
        web_cpu, db_cpu = CpuMeter(), CpuMeter()
        web_cpu.ms(children(self.web.pid))
        db_cpu.ms(postgres_backends(DATABASE))
        window_no = 0
        while time.monotonic() < end - 1:
            window_end = min(end, start + (window_no + 1) * window)
            time.sleep(max(0.0, window_end - time.monotonic()))
            window_no += 1
            seconds = window if window_end < end else end - (window_end - window)
            self.window(time.monotonic() - start, seconds, web_cpu, db_cpu)
        stop.set()
        driver.join(timeout=120)
        self.bad += sum(1 for r in self.load.take() if is_bad(r))

    def window(self, elapsed: float, seconds: float, web_cpu: CpuMeter, db_cpu: CpuMeter) -> None:
        records = self.load.take()
        self.served += len(records)
        bad = sum(1 for r in records if is_bad(r))
        self.bad += bad
        intakes = [r.latency for r in records if r.kind == "intake"]
        reads = [r.latency for r in records if r.kind == "read"]
        every = intakes + reads
        pids = children(self.web.pid)
        cpu_ms = web_cpu.ms(pids) / max(1, len(records))
        db_ms = db_cpu.ms(postgres_backends(DATABASE)) / max(1, len(records))
        web_rss = [status_kib(p) / 1024 for p in pids]
        task_rss = [status_kib(w.pid) / 1024 for w in self.task_workers]
        backlog, cases = db_counts()
        p50, p99 = ms(percentile(every, 50)), ms(percentile(every, 99))
        intake_p99, reads_p99 = ms(percentile(intakes, 99)), ms(percentile(reads, 99))
        rps = len(records) / seconds
        self.rows.append(
            [
                f"{elapsed / 60:5.1f}",
                f"{rps:.1f}",
                p50,
                p99,
                intake_p99,
                reads_p99,
                str(bad),
                " ".join(f"{x:.0f}" for x in web_rss),
                " ".join(f"{x:.0f}" for x in task_rss),
                str(backlog),
                str(cases),
                f"{cpu_ms:.1f}",
                f"{db_ms:.1f}",
            ]
        )
        log(
            f"  {elapsed / 60:5.1f} min: {rps:6.1f} req/s, p50 {p50} ms, p99 {p99} ms "
            f"(intake {intake_p99}, reads {reads_p99}), {bad} bad, "
            f"web RSS {'/'.join(f'{x:.0f}' for x in web_rss)} MiB, "
            f"worker RSS {'/'.join(f'{x:.0f}' for x in task_rss)} MiB, outbox {backlog}, "
            f"{cases} cases, CPU/request: web {cpu_ms:.1f} ms, PostgreSQL {db_ms:.1f} ms"
        )


def measure_peak(load: Load, connections: int, seconds: float, failures: list[str]) -> float:
    """Requests/s of the mix in a closed loop on ``connections`` (after a 3 s warm-up)."""
    load.closed_loop(connections, 3)
    records = load.closed_loop(connections, seconds)
    if not records:
        raise SystemExit("soak FAILED: no request was answered while measuring the peak")
    bad = sum(1 for r in records if is_bad(r))
    peak = len(records) / seconds
    log(
        f"peak (closed loop, {connections} connections, {seconds:.0f} s): {peak:.1f} req/s, "
        f"p99 {ms(percentile([r.latency for r in records], 99))} ms"
        + (f", {bad} not 2xx" if bad else "")
    )
    if bad:
        failures.append(f"{bad} answers outside 2xx while measuring the peak")
    return peak


def wait_drained(failures: list[str], mailbox: Mailbox) -> tuple[int, int]:
    """The outbox must drain within 120 s, and no message arrive twice; (backlog, twice)."""
    deadline = time.monotonic() + 120
    backlog, _ = db_counts()
    while backlog and time.monotonic() < deadline:
        time.sleep(1)
        backlog, _ = db_counts()
    if backlog:
        failures.append(f"the outbox still held {backlog} unsent rows 120 s after the load")
    else:
        log(f"outbox drained {120 - (deadline - time.monotonic()):.0f} s after the load stopped")
    time.sleep(2)
    twice = len(mailbox.twice())
    if twice:
        failures.append(f"{twice} messages arrived more than once")
    return backlog, twice


def main() -> None:
    parser = bench_parser(__doc__, workers=2, threads=4)
    parser.add_argument("--minutes", type=float, default=15, help="length of the soak")
    parser.add_argument("--window", type=float, default=60, help="seconds per reported window")
    parser.add_argument("--share", type=float, default=0.8, help="share of the measured peak")
    parser.add_argument("--rate", type=float, help="requests/s (instead of share x peak)")
    parser.add_argument("--intake-share", type=float, default=0.3, help="share of intakes")
    parser.add_argument("--peak-seconds", type=float, default=20)
    parser.add_argument("--peak-connections", type=int, default=8)
    parser.add_argument("--task-workers", type=int, default=1, help="successdesk worker processes")
    args = parser.parse_args()

    source_env, source_label = begin(args.source)
    failures: list[str] = []
    # Every exit (an error, Ctrl-C, SIGTERM) ends the processes' groups, stops the SMTP
    # server and drops the database (unless --keep).
    try:
        with smtp_sink() as mailbox, Processes() as procs:
            env = successdesk_site(
                DATABASE,
                source_env=source_env,
                extra_env={**smtp_env(mailbox), "SITE_URL": "https://support.example.com"},
            )
            contact = successdesk_token(env, "dc@northwind.example")
            agent = successdesk_token(env, "agent@vendor.example")
            port = free_port()
            intake_body = json.dumps(
                {
                    "subject": "Dashboard shows no advocates #{n}",
                    "description": DESCRIPTION,
                    "severity": 3,
                }
            )
            shapes = [
                Shape("intake", "POST", "/api/v1/cases", bearer(contact), intake_body),
                Shape("read", "GET", "/api/v1/cases", bearer(contact)),
                Shape("read", "GET", "/api/v1/cases", bearer(agent)),
            ]
            load = Load(host=f"{LOOPBACK}:{port}", shapes=shapes, intake_share=args.intake_share)
            abandoned_before = sessions_abandoned()
            web = successdesk_serve(
                procs, "soak-web", port, env, workers=args.workers, threads=args.threads
            )
            task_workers = [
                procs.start(f"soak-worker-{i}", [SUCCESSDESK, "worker"], env=env)
                for i in range(args.task_workers)
            ]
            procs.start("soak-sweeper", [SUCCESSDESK, "sweep", "--every", "30"], env=env)
            for shape in shapes:
                expect(
                    f"http://{LOOPBACK}:{port}{shape.path}",
                    (200, 201),
                    method=shape.method,
                    headers=shape.headers,
                    body=shape.body.replace("{n}", "0").encode() or None,
                )
            peak = measure_peak(load, args.peak_connections, args.peak_seconds, failures)
            rate = args.rate or args.share * peak
            offered = "set" if args.rate else f"{args.share:.0%} of the peak"
            log(
                f"soak: {rate:.1f} req/s ({offered}), {args.intake_share:.0%} intakes, "
                f"{args.minutes:g} min in {args.window:g} s windows"
            )
            soak = Soak(load, web, task_workers)
            soak.run(rate, args.minutes, args.window)
            sustained = soak.served / (args.minutes * 60)
            if sustained < 0.95 * rate:
                failures.append(
                    f"the site answered {sustained:.1f} req/s of the {rate:.1f} offered: "
                    "saturated (latencies count from each request's scheduled time, so they "
                    "grow without bound); measure the peak on a quieter machine or lower "
                    "--share / --rate"
                )
            if soak.bad:
                failures.append(
                    f"{soak.bad} answers outside 2xx (or failed requests) during the soak; "
                    f"the first: {load.first_bad or '(no answer)'}"
                )
            backlog, twice = wait_drained(failures, mailbox)
            mails = mailbox.count
            # Before the processes are stopped (a killed process drops its connections).
            abandoned = sessions_abandoned() - abandoned_before
    finally:
        clean_up(DATABASE, keep=args.keep)

    print()
    print(
        f"Soak: SuccessDesk {source_label}, gunicorn {args.workers} gthread workers x "
        f"{args.threads} threads, {args.task_workers} task worker(s) (RQ, forking) and a sweeper, "
        f"PostgreSQL + Redis; {rate:.1f} req/s open loop "
        f"({'set' if args.rate else f'{args.share:.0%} of a measured peak of {peak:.1f} req/s'}), "
        f"{args.intake_share:.0%} intakes, for {args.minutes:g} min. {machine_line()}"
    )
    print(table(soak.rows, HEADER))
    if soak.rows:
        first, last = float(soak.rows[0][3]), float(soak.rows[-1][3])
        print(f"p99 last window / first window: {ratio(last, first):.2f}x")
    print(
        f"{mails} e-mails delivered, {twice} twice; outbox "
        f"{'drained' if not backlog else f'NOT drained ({backlog})'}; "
        f"PostgreSQL sessions abandoned on {DATABASE} while the soak ran: {abandoned}"
    )
    if failures:
        raise SystemExit("soak FAILED:\n" + "\n".join(f"- {f}" for f in failures))
    print(
        "soak passed: the rate sustained, no answer outside 2xx, the outbox drained, "
        "no e-mail twice"
    )


if __name__ == "__main__":
    main()
