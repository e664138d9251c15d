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

import argparse
import json
import queue
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    LOOPBACK,
    VENV_BIN,
    Processes,
    free_port,
    gunicorn_cmd,
    http,
    log,
    machine_line,
    pg_connect,
    pg_drop,
    pg_recreate,
    successdesk_source,
    table,
    wait_http,
)
from _peers import (
    PROXY_HEADERS,
    SUCCESSDESK,
    SUCCESSDESK_APP,
    redis_flush,
    successdesk_env,
    successdesk_prepare,
    successdesk_token,
)
from _wrk import percentile

DATABASE = "bench_soak"
DESCRIPTION = (
    "Since this morning the campaign dashboard shows no new advocates although the "
    "referral form still accepts sign-ups. Steps: open Campaigns, pick Spring Referral, "
    "look at the Advocates tab. Expected the 40 sign-ups from today; it shows none."
)


# --- the SMTP server ---------------------------------------------------------------------------
class Mailbox:
    """Counts messages and their Message-IDs (aiosmtpd handler)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.message_ids: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message_id = ""
        for line in envelope.content.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
        with self.lock:
            self.message_ids[message_id] += 1
        return "250 Message accepted for delivery"


# --- processes from /proc ----------------------------------------------------------------------
def status_kib(pid: int, key: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_ticks(pid: int) -> int:
    """utime + stime of ``pid`` in clock ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return 0


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving ``database`` (``postgres: user db host``)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # client backends only: autovacuum's workers carry the database's name as well
        if title.startswith("postgres: ") and f" {database} " in title and "autovac" not in title:
            found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU time of a changing set of processes between two calls (a process that ended
    since the last call loses only its last slice)."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}

    def ms(self, pids: list[int]) -> float:
        ticks = {pid: cpu_ticks(pid) for pid in pids}
        spent = sum(t - self.seen.get(pid, 0) for pid, t in ticks.items())
        self.seen = ticks
        return spent * 1000 / 100  # USER_HZ: 100 ticks a second on Linux


def children(pid: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(entry.name))
    return sorted(found)


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

        threads = [threading.Thread(target=sender) for _ in range(connections)]
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
    with pg_connect(DATABASE) as conn:
        backlog = conn.execute(
            "SELECT count(*) FROM notifications_notification WHERE sent_at IS NULL"
        ).fetchone()
        cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()
    return int(backlog[0]) if backlog else 0, int(cases[0]) if cases else 0


def sessions_abandoned() -> int:
    with pg_connect() as conn:
        row = conn.execute(
            "SELECT sessions_abandoned FROM pg_stat_database WHERE datname = %s", [DATABASE]
        ).fetchone()
    return int(row[0]) if row else 0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=15, help="length of the soak")
    parser.add_argument("--window", type=float, default=60, help="seconds per reported window")
    parser.add_argument("--share", type=float, default=0.8, help="share of the measured peak")
    parser.add_argument("--rate", type=float, help="requests/s (instead of share x peak)")
    parser.add_argument("--intake-share", type=float, default=0.3, help="share of intakes")
    parser.add_argument("--peak-seconds", type=float, default=20)
    parser.add_argument("--peak-connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--task-workers", type=int, default=1, help="successdesk worker processes")
    parser.add_argument(
        "--source",
        default="head",
        help="the SuccessDesk to measure: head (committed), a commit, or worktree (as it is)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    log(machine_line())
    source_env, source_label = successdesk_source(args.source)
    log(f"SuccessDesk: {source_label}")
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname=LOOPBACK, port=free_port())
    smtp.start()
    env = {
        **successdesk_env(
            pg_recreate(DATABASE), tasks="redis", conn_max_age=60, source_env=source_env
        ),
        "EMAIL_HOST": LOOPBACK,
        "EMAIL_PORT": str(smtp.port),
        "SITE_URL": "https://support.example.com",
    }
    redis_flush()
    log("migrate, demo data, collectstatic, tokens")
    successdesk_prepare(env)
    contact = successdesk_token(env, "dc@northwind.example")
    agent = successdesk_token(env, "agent@vendor.example")
    port = free_port()
    base = f"http://{LOOPBACK}:{port}"
    json_headers = {**PROXY_HEADERS, "Content-Type": "application/json"}
    as_contact = {**json_headers, "Authorization": f"Bearer {contact}"}
    as_agent = {**json_headers, "Authorization": f"Bearer {agent}"}
    intake_body = json.dumps(
        {"subject": "Dashboard shows no advocates #{n}", "description": DESCRIPTION, "severity": 3}
    )
    shapes = [
        Shape("intake", "POST", "/api/v1/cases", as_contact, intake_body),
        Shape("read", "GET", "/api/v1/cases", as_contact),
        Shape("read", "GET", "/api/v1/cases", as_agent),
    ]
    load = Load(host=f"{LOOPBACK}:{port}", shapes=shapes, intake_share=args.intake_share)
    abandoned_before = sessions_abandoned()

    failures: list[str] = []
    rows: list[list[str]] = []
    with Processes() as procs:
        web = procs.start(
            "soak-web",
            gunicorn_cmd(
                VENV_BIN / "gunicorn",
                SUCCESSDESK_APP,
                port,
                workers=args.workers,
                threads=args.threads,
            ),
            env=env,
        )
        task_workers = [
            procs.start(f"soak-worker-{i}", [SUCCESSDESK, "worker"], env=env)
            for i in range(args.task_workers)
        ]
        procs.start("soak-sweeper", [SUCCESSDESK, "sweep", "--every", "30"], env=env)
        wait_http(base + "/healthz", headers=PROXY_HEADERS)
        for shape in shapes:
            status, answer = http(
                base + shape.path,
                method=shape.method,
                headers=shape.headers,
                body=shape.body.replace("{n}", "0").encode() or None,
            )
            if status not in (200, 201):
                raise SystemExit(f"{shape.method} {shape.path} answered {status}: {answer[:300]!r}")

        def web_workers() -> list[int]:
            return children(web.pid)

        # The peak: closed loop, the same mix.
        load.closed_loop(args.peak_connections, 3)  # warm-up
        peak_records = load.closed_loop(args.peak_connections, args.peak_seconds)
        peak_bad = [r for r in peak_records if r.error or not 200 <= r.status < 300]
        peak = len(peak_records) / args.peak_seconds
        if not peak_records:
            raise SystemExit("soak FAILED: no request was answered while measuring the peak")
        rate = args.rate or args.share * peak
        log(
            f"peak (closed loop, {args.peak_connections} connections, {args.peak_seconds:.0f} s): "
            f"{peak:.1f} req/s, p99 {ms(percentile([r.latency for r in peak_records], 99))} ms"
            + (f", {len(peak_bad)} not 2xx" if peak_bad else "")
        )
        if peak_bad:
            failures.append(f"{len(peak_bad)} answers outside 2xx while measuring the peak")
        log(
            f"soak: {rate:.1f} req/s ({'set' if args.rate else f'{args.share:.0%} of the peak'}), "
            f"{args.intake_share:.0%} intakes, {args.minutes:g} min in {args.window:g} s windows"
        )

        stop = threading.Event()
        driver = threading.Thread(target=load.open_loop, args=(rate, stop), daemon=True)
        load.take()
        start = time.monotonic()
        driver.start()
        end = start + args.minutes * 60
        window_no = 0
        web_cpu, db_cpu = CpuMeter(), CpuMeter()
        web_cpu.ms(web_workers())
        db_cpu.ms(postgres_backends(DATABASE))
        total_bad = 0
        served = 0
        while time.monotonic() < end - 1:
            window_end = min(end, start + (window_no + 1) * args.window)
            time.sleep(max(0.0, window_end - time.monotonic()))
            records = load.take()
            served += len(records)
            window_no += 1
            elapsed = time.monotonic() - start
            seconds = args.window if window_end < end else end - (window_end - args.window)
            bad = [r for r in records if r.error or not 200 <= r.status < 300]
            total_bad += len(bad)
            intakes = [r.latency for r in records if r.kind == "intake"]
            reads = [r.latency for r in records if r.kind == "read"]
            every = intakes + reads
            pids = web_workers()
            cpu_ms = web_cpu.ms(pids) / max(1, len(records))
            db_ms = db_cpu.ms(postgres_backends(DATABASE)) / max(1, len(records))
            web_rss = [status_kib(p) / 1024 for p in pids]
            task_rss = [status_kib(w.pid) / 1024 for w in task_workers]
            backlog, cases = db_counts()
            rows.append(
                [
                    f"{elapsed / 60:5.1f}",
                    f"{len(records) / seconds:.1f}",
                    ms(percentile(every, 50)),
                    ms(percentile(every, 99)),
                    ms(percentile(intakes, 99)),
                    ms(percentile(reads, 99)),
                    str(len(bad)),
                    " ".join(f"{x:.0f}" for x in web_rss),
                    " ".join(f"{x:.0f}" for x in task_rss),
                    str(backlog),
                    str(cases),
                    f"{cpu_ms:.1f}",
                    f"{db_ms:.1f}",
                ]
            )
            log(
                f"  {elapsed / 60:5.1f} min: {len(records) / seconds:6.1f} req/s, "
                f"p50 {ms(percentile(every, 50))} ms, p99 {ms(percentile(every, 99))} ms "
                f"(intake {ms(percentile(intakes, 99))}, reads {ms(percentile(reads, 99))}), "
                f"{len(bad)} bad, web RSS {'/'.join(f'{x:.0f}' for x in web_rss)} MiB, "
                f"worker RSS {'/'.join(f'{x:.0f}' for x in task_rss)} MiB, outbox {backlog}, "
                f"{cases} cases, CPU/request: web {cpu_ms:.1f} ms, PostgreSQL {db_ms:.1f} ms"
            )
        stop.set()
        driver.join(timeout=120)
        tail = load.take()
        total_bad += sum(1 for r in tail if r.error or not 200 <= r.status < 300)
        sustained = served / (args.minutes * 60)
        if sustained < 0.95 * rate:
            failures.append(
                f"the site answered {sustained:.1f} req/s of the {rate:.1f} offered: saturated "
                "(latencies count from each request's scheduled time, so they grow without "
                "bound); measure the peak on a quieter machine or lower --share / --rate"
            )
        if total_bad:
            failures.append(
                f"{total_bad} answers outside 2xx (or failed requests) during the soak; "
                f"the first: {load.first_bad or '(no answer)'}"
            )

        # The outbox must drain; no message twice.
        deadline = time.monotonic() + 120
        backlog, cases = db_counts()
        while backlog and time.monotonic() < deadline:
            time.sleep(1)
            backlog, cases = db_counts()
        drained_in = 120 - (deadline - time.monotonic())
        if backlog:
            failures.append(f"the outbox still held {backlog} unsent rows 120 s after the load")
        else:
            log(f"outbox drained {drained_in:.0f} s after the load stopped")
        time.sleep(2)
        with mailbox.lock:
            twice = {k: v for k, v in mailbox.message_ids.items() if v > 1}
            mails = sum(mailbox.message_ids.values())
        if twice:
            failures.append(f"{len(twice)} messages arrived more than once")
        # Before the processes are stopped (a killed process drops its connections).
        abandoned = sessions_abandoned() - abandoned_before
    smtp.stop()
    if not args.keep:
        pg_drop(DATABASE)
        redis_flush()

    print()
    print(
        f"Soak: SuccessDesk {source_label}, gunicorn {args.workers} gthread workers x "
        f"{args.threads} threads, {args.task_workers} task worker(s) (RQ, forking) and a sweeper, "
        f"PostgreSQL + Redis; {rate:.1f} req/s open loop "
        f"({'set' if args.rate else f'{args.share:.0%} of a measured peak of {peak:.1f} req/s'}), "
        f"{args.intake_share:.0%} intakes, for {args.minutes:g} min. {machine_line()}"
    )
    print(
        table(
            rows,
            [
                "min",
                "req/s",
                "p50 ms",
                "p99 ms",
                "intake p99",
                "reads p99",
                "not 2xx",
                "web RSS MiB",
                "worker RSS MiB",
                "outbox",
                "cases",
                "web CPU ms/req",
                "db CPU ms/req",
            ],
        )
    )
    if rows:
        first, last = float(rows[0][3]), float(rows[-1][3])
        print(f"p99 last window / first window: {last / first:.2f}x")
    print(
        f"{mails} e-mails delivered, {len(twice)} twice; outbox "
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
