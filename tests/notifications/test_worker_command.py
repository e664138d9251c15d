"""`successdesk worker` as operators run it: the real worker process, on PostgreSQL (and
Redis for RQ), read from the outside: what it prints, and what PostgreSQL saw of its
connections.

Each run gets a PostgreSQL database of its own (created and migrated here, dropped after)
and Redis database 11; PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (as CI and
the benchmarks run them; ``WORKER_TEST_PG_URL`` / ``WORKER_TEST_REDIS_URL`` override).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

PG_URL = os.environ.get("WORKER_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("WORKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
SUCCESSDESK = str(Path(sys.executable).parent / "successdesk")
JOBS = 5
ENQUEUE = (
    "from successdesk.notifications.tasks import notifications_sweep\n"
    f"for _ in range({JOBS}): notifications_sweep.enqueue()\n"
)

pytestmark = pytest.mark.slow


def _admin() -> psycopg.Connection:
    return psycopg.connect(f"{PG_URL}/postgres", autocommit=True)


@pytest.fixture(scope="module")
def site() -> Iterator[dict[str, str]]:
    """A migrated PostgreSQL database of this test run's own; the worker's environment."""
    name = f"successdesk_worker_test_{os.getpid()}"
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "TASKS_", "LOG_", "REDIS_", "CACHE_"))
    }
    env.update(
        DATABASE_URL=f"{PG_URL}/{name}",
        DATABASE_CONN_MAX_AGE="0",
        REDIS_URL=REDIS_URL,
        LOG_LEVEL="INFO",
        DEBUG="0",
    )
    subprocess.run([SUCCESSDESK, "migrate", "-v0"], env=env, check=True, timeout=300)
    env["PG_DATABASE_NAME"] = name
    try:
        yield env
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()


def run_worker(env: dict[str, str], *extra: str, **settings: str) -> str:
    """Queue JOBS sweeps, run `successdesk worker --burst` as a process; all it printed."""
    env = {**env, **settings}
    redis.Redis.from_url(REDIS_URL).flushdb()
    subprocess.run(
        [SUCCESSDESK, "shell", "--no-imports", "-c", ENQUEUE], env=env, check=True, timeout=120
    )
    done = subprocess.run(
        [SUCCESSDESK, "worker", "--burst", *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def sessions(database: str) -> tuple[int, int]:
    """(sessions, sessions_abandoned) of ``database`` once none of its sessions is left:
    PostgreSQL counts a session when it ends."""
    with _admin() as conn:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
            ).fetchone()
            if row is not None and row[0] == 0:
                break
            time.sleep(0.1)
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT sessions, sessions_abandoned FROM pg_stat_database WHERE datname = %s",
            [database],
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_the_forking_worker_closes_the_database_connection_of_every_job(
    site: dict[str, str],
) -> None:
    database = site["PG_DATABASE_NAME"]
    before = sessions(database)

    printed = run_worker(site, TASKS_BACKEND="redis")

    after = sessions(database)
    assert after[0] - before[0] >= JOBS, printed  # every job (a work horse) used the database
    assert after[1] - before[1] == 0  # and none of them dropped its connection unclosed


def test_the_rq_worker_prints_no_line_per_job_unless_tasks_log_level_asks_for_it(
    site: dict[str, str],
) -> None:
    quiet = run_worker(site, TASKS_BACKEND="redis")  # LOG_LEVEL=INFO, TASKS_LOG_LEVEL unset
    chatty = run_worker(site, TASKS_BACKEND="redis", TASKS_LOG_LEVEL="INFO")

    assert "Job OK" not in quiet
    assert chatty.count("Job OK") == JOBS  # the same worker does print them when asked


def test_the_rq_worker_prints_nothing_below_log_level(site: dict[str, str]) -> None:
    printed = run_worker(site, TASKS_BACKEND="redis", LOG_LEVEL="WARNING")

    assert printed.strip() == ""


def test_the_database_worker_prints_a_task_line_only_at_the_configured_level_and_only_once(
    site: dict[str, str],
) -> None:
    # DEBUG as under `make run`, where Django's own console handler is on as well.
    quiet = run_worker(site, TASKS_BACKEND="database", DEBUG="1")
    chatty = run_worker(site, TASKS_BACKEND="database", DEBUG="1", TASKS_LOG_LEVEL="INFO")

    assert "notifications_sweep" not in quiet
    finished = [line for line in chatty.splitlines() if "state=SUCCESSFUL" in line]
    assert len(finished) == JOBS, chatty  # one line per task, not two
