"""Shared parts of the benchmark scripts: arguments, processes, databases, Redis, servers
and the printing of tables and ratios (``_observe.py``: ``/proc`` readings, an SMTP sink).

Every process a benchmark starts goes through ``Processes``, which ends them (their whole
process group) when the ``with`` block ends, however it ends: an exception, Ctrl-C, or
SIGTERM/SIGHUP (``exit_on_signals`` turns those into ``SystemExit``, so ``with`` blocks and
``finally`` clauses run). Only loopback addresses.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PEER_DIR = ROOT / "benchmarks" / ".peer"
LOG_DIR = PEER_DIR / "logs"
LOOPBACK = "127.0.0.1"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
# A production-settings key for the benchmark servers only (never a real deployment).
BENCH_SECRET_KEY = "bench-only-" + "k3y-" * 16

# The same server for every target: gunicorn, sync workers, one per core, no access log.
GUNICORN_WORKERS = 2


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- arguments and the start of a run ---------------------------------------------------------
def bench_parser(
    doc: str | None,
    *,
    keep: bool = True,
    conn_max_age: int | None = None,
    workers: int | None = None,
    threads: int | None = None,
) -> argparse.ArgumentParser:
    """The options every benchmark shares (``--source``, ``--keep``) and, when a default is
    given, the server's (``--conn-max-age``, ``--workers``, ``--threads``)."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument(
        "--source",
        default="head",
        help="the SuccessDesk to measure: head (committed), a commit, or worktree (as it is)",
    )
    if keep:
        parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    if conn_max_age is not None:
        parser.add_argument(
            "--conn-max-age",
            type=int,
            default=conn_max_age,
            help="database connection lifetime in seconds (0: one per request)",
        )
    if workers is not None:
        parser.add_argument("--workers", type=int, default=workers, help="gunicorn workers")
    if threads is not None:
        parser.add_argument(
            "--threads",
            type=int,
            default=threads,
            help="threads per gunicorn worker (over 1: the gthread worker class, as "
            "docs/deployment.md runs production)",
        )
    return parser


def begin(source: str) -> tuple[dict[str, str], str]:
    """Log the machine, select the SuccessDesk to measure (``successdesk_source``) and make
    SIGTERM/SIGHUP end the run cleanly; (its environment, its label)."""
    exit_on_signals()
    log(machine_line())
    source_env, label = successdesk_source(source)
    log(f"SuccessDesk: {label}")
    return source_env, label


# --- processes ----------------------------------------------------------------------------
_STOPPING = threading.Event()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _STOPPING.is_set():  # already ending: let the clean-up finish
        return
    _STOPPING.set()
    log(f"{signal.Signals(signum).name}: stopping the processes started and cleaning up")
    raise SystemExit(128 + signum)


def exit_on_signals() -> None:
    """SIGTERM and SIGHUP raise ``SystemExit`` in the main thread (as Ctrl-C raises
    ``KeyboardInterrupt``), so ``Processes`` ends its process groups and ``finally`` clauses
    drop their databases; a second signal during that clean-up is ignored."""
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _on_signal)


class Processes:
    """Start processes in their own process groups; end all of them on exit."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        exit_on_signals()

    def start(
        self,
        name: str,
        cmd: list[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        out = (LOG_DIR / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            cmd,
            env={**os.environ, **(env or {})},
            cwd=cwd or ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: ended as one below
        )
        out.close()
        self.started.append((name, proc))
        return proc

    def serve(
        self,
        name: str,
        cmd: list[str],
        ready_url: str,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start a server and wait until ``ready_url`` answers (below 500)."""
        proc = self.start(name, cmd, env=env, cwd=cwd)
        wait_http(ready_url, headers=headers, proc=proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes], timeout: float = 15) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def __enter__(self) -> Processes:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for _, proc in reversed(self.started):
            self.stop(proc)
        self.started.clear()


def run(cmd: list[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> str:
    """Run a command to completion; its stdout, or its output and an error if it fails."""
    done = subprocess.run(
        cmd,
        env={**os.environ, **(env or {})},
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def http(
    url: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    """One request; redirects are answers too (not followed)."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with _NO_REDIRECTS.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def login_cookies(
    base: str,
    login_path: str,
    *,
    username: str,
    password: str,
    headers: Mapping[str, str] | None = None,
    scheme: str = "http",
) -> str:
    """Sign in through a Django login form; the ``Cookie`` header value of the session.

    Cookies are kept by hand: behind the proxy headers they are ``Secure``, which a cookie
    jar would not send over plain HTTP on loopback.
    """
    import http.client
    import re
    from http.cookies import SimpleCookie
    from urllib.parse import urlencode, urlsplit

    host = urlsplit(base).netloc
    jar: dict[str, str] = {}

    def call(method: str, body: bytes | None = None, extra: Mapping[str, str] | None = None) -> str:
        conn = http.client.HTTPConnection(host, timeout=30)
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        conn.request(
            method,
            login_path,
            body=body,
            headers={**(headers or {}), **(extra or {}), **({"Cookie": cookie} if cookie else {})},
        )
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                jar[name] = morsel.value
        conn.close()
        if response.status not in (200, 302):
            raise SystemExit(f"sign-in at {base}{login_path}: {response.status} {text[:300]}")
        if method == "POST" and response.status != 302:
            raise SystemExit(f"sign-in at {base}{login_path} failed (no redirect)")
        return text

    page = call("GET")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise SystemExit(f"no CSRF token on {base}{login_path}")
    form = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": found.group(1)}
    ).encode()
    call(
        "POST",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{scheme}://{host}{login_path}",
            "Origin": f"{scheme}://{host}",
        },
    )
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def expect(
    url: str,
    status: int | tuple[int, ...],
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> bytes:
    """One request that must answer ``status`` (or one of them), else the benchmark stops:
    figures from a target that does not do its work would mean nothing. Its body."""
    wanted = status if isinstance(status, tuple) else (status,)
    got, answer = http(url, method=method, headers=headers, body=body)
    if got not in wanted:
        raise SystemExit(f"{method} {url} answered {got}: {answer[:500]!r}")
    return answer


def wait_http(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60,
    proc: subprocess.Popen[bytes] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server for {url} exited ({proc.returncode}; see {LOG_DIR})")
        try:
            status, _ = http(url, headers=headers, timeout=5)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s (see {LOG_DIR})")


# --- which SuccessDesk ------------------------------------------------------------------------
def successdesk_source(mode: str) -> tuple[dict[str, str], str]:
    """The environment that selects the SuccessDesk code to measure, and its label.

    ``head``: the committed code (``git archive HEAD src`` under ``.peer/``), so that
    half-made edits in the shared work tree change nothing; any other commit the same way
    (to measure before and after a change); ``worktree``: the work tree as it is.
    """
    if mode == "worktree":
        return {}, "work tree"
    import io
    import tarfile

    sha = run(["git", "rev-parse", "--verify", f"{'HEAD' if mode == 'head' else mode}^{{commit}}"])
    sha = sha.strip()
    target = PEER_DIR / f"successdesk-{sha[:12]}"
    if not (target / "src" / "successdesk").is_dir():
        archive = subprocess.run(
            ["git", "archive", "--format=tar", sha, "src"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return {"PYTHONPATH": str(target / "src")}, f"commit {sha[:12]}"


# --- PostgreSQL -----------------------------------------------------------------------------
def pg_connect(database: str = "postgres", *, autocommit: bool = True):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(f"{PG_URL}/{database}", autocommit=autocommit)


def pg_recreate(database: str) -> str:
    """Drop and create a database for one benchmark run; its URL."""
    with pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    return f"{PG_URL}/{database}"


def pg_drop(database: str) -> None:
    with pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def pg_count(database: str, sql: str, params: list[Any] | None = None) -> int:
    """The first column of the first row of ``sql`` (a count) on ``database``; 0 if none."""
    with pg_connect(database) as conn:
        row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


# --- Redis ------------------------------------------------------------------------------------
def redis_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def clean_up(*databases: str, keep: bool = False, redis: bool = True) -> None:
    """After a run: drop its databases (unless ``keep``) and empty the Redis database."""
    if keep:
        return
    for database in databases:
        pg_drop(database)
    if redis:
        redis_flush()


# --- the servers ----------------------------------------------------------------------------
def gunicorn_cmd(
    gunicorn: Path, app: str, port: int, *, workers: int = GUNICORN_WORKERS, threads: int = 1
) -> list[str]:
    """The one gunicorn command line every target is served with: sync workers, or gthread
    workers of ``threads`` threads each."""
    return [
        str(gunicorn),
        app,
        "--bind",
        f"{LOOPBACK}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]


# --- printing ----------------------------------------------------------------------------------
def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def ratio(a: float, b: float) -> float:
    """a / b, NaN where b is 0 (a target that did nothing)."""
    return a / b if b else float("nan")


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def machine_line() -> str:
    cpu = ""
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu or 'unknown CPU'}), Python {sys.version.split()[0]}, "
        f"load average {load}"
    )
