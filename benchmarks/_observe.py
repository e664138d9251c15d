"""What a benchmark run observes besides HTTP: processes from ``/proc`` (memory, CPU,
children) and an SMTP server on loopback that counts what arrives."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _harness import LOOPBACK, free_port


# --- an SMTP server that counts --------------------------------------------------------------
class Mailbox:
    """Counts the messages and their Message-IDs (an aiosmtpd handler)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.message_ids: Counter[str] = Counter()
        self.port = 0

    @property
    def count(self) -> int:
        with self.lock:
            return sum(self.message_ids.values())

    def twice(self) -> dict[str, int]:
        """The Message-IDs that arrived more than once, and how often."""
        with self.lock:
            return {k: v for k, v in self.message_ids.items() if v > 1}

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


@contextmanager
def smtp_sink() -> Iterator[Mailbox]:
    """An SMTP server on loopback (aiosmtpd, in this process) for the ``with`` block."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname=LOOPBACK, port=free_port())
    controller.start()
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()


def smtp_env(mailbox: Mailbox) -> dict[str, str]:
    return {"EMAIL_HOST": LOOPBACK, "EMAIL_PORT": str(mailbox.port)}


# --- processes seen from /proc -------------------------------------------------------------------
def status_kib(pid: int, key: str = "VmRSS") -> int:
    """A size from ``/proc/<pid>/status`` (VmRSS, VmHWM…) in KiB; 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _stat_fields(pid: int | str) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (state is [0], ppid [1])."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def cpu_ticks(pid: int) -> int:
    """utime + stime of ``pid`` in clock ticks."""
    fields = _stat_fields(pid)
    try:
        return int(fields[11]) + int(fields[12])
    except (ValueError, IndexError):
        return 0


def _children_by_parent() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(entry.name)
            if len(fields) > 1:
                found.setdefault(int(fields[1]), []).append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (e.g. gunicorn's workers)."""
    return sorted(_children_by_parent().get(pid, []))


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``: children, their children…"""
    tree = _children_by_parent()
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


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
