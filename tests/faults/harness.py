"""Run SuccessDesk as real processes, kill them at random, restart them.

Used by tests/faults/test_kill_and_restart.py. Processes get their own session so that a
SIGKILL takes a whole gunicorn (master and workers) down at once, like a crashed node.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the test database the current test runs on."""
    engine = settings_dict["ENGINE"]
    name = settings_dict["NAME"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{name}"
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{name}"


@dataclass
class Service:
    """One restartable process (a web server, a worker, a sweeper)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    kills: int = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@dataclass
class Cluster:
    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    services: dict[str, Service] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.services = {
            "web": Service(
                "web",
                [
                    str(BIN / "gunicorn"),
                    "successdesk.config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--timeout",
                    "30",
                    "--preload",
                ],
                self.env,
                self.logs / "web.log",
            ),
            "worker": Service(
                "worker", [str(BIN / "successdesk"), "worker"], self.env, self.logs / "worker.log"
            ),
            # On Redis, a second worker runs jobs in its own process (RQ's SimpleWorker);
            # on the database backend the flag changes nothing: two workers share the queue.
            "worker-nofork": Service(
                "worker-nofork",
                [str(BIN / "successdesk"), "worker", "--no-fork"],
                self.env,
                self.logs / "worker-nofork.log",
            ),
            "sweeper": Service(
                "sweeper",
                [str(BIN / "successdesk"), "sweep", "--every", "1"],
                self.env,
                self.logs / "sweeper.log",
            ),
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        for service in self.services.values():
            service.start()
        self.wait_until_serving()

    def wait_until_serving(self, timeout: float = 60) -> None:
        """Until /healthz answers 200 (the app is loaded and the database answers)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"the web server did not answer on {self.port}")

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()
