from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorker
from rq.worker import SimpleWorker, Worker


class _DbWorker(DbWorker):
    """django-tasks-db's worker, leaving log levels to ``LOGGING`` (``TASKS_LOG_LEVEL``):
    its own set-up raises them to INFO, a line for every task started and finished."""

    def configure_logging(self, verbosity: int) -> None:
        return None


class ForkingWorker(Worker):
    """RQ's worker (a forked work horse per job) that closes the database connections a job
    opened before the work horse exits.

    A work horse ends with ``os._exit()``: nothing closes what it opened, so each job that
    touched the database left PostgreSQL a connection dropped without its goodbye (an
    aborted session, ``pg_stat_database.sessions_abandoned``, and a log line with
    ``log_disconnections``). The worker itself closes its own connections before each fork,
    so that no work horse inherits (and ends) a connection of the worker's.
    """

    def fork_work_horse(self, job: Any, queue: Any) -> None:
        connections.close_all()
        super().fork_work_horse(job, queue)

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        try:
            return super().perform_job(job, queue, execution)
        finally:
            if self._is_horse:
                connections.close_all()  # the work horse exits next: close, don't drop
            else:
                close_old_connections()


class InProcessWorker(SimpleWorker):
    """RQ's worker running each job in the worker's own process (``--no-fork``), treating each job
    as Django treats a request: connections past ``CONN_MAX_AGE`` (or broken) are closed
    before and after it."""

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        close_old_connections()
        try:
            return super().perform_job(job, queue, execution)
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = (
        "Run a task worker for the configured TASKS_BACKEND: a database worker (database) or "
        "an RQ worker (redis), on every SuccessDesk queue. Log lines follow LOGGING "
        "(LOG_LEVEL, TASKS_LOG_LEVEL for the per-task lines)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--burst", action="store_true", help="Work off the queue, then exit.")
        parser.add_argument(
            "--no-fork",
            action="store_true",
            help="redis: run each job in the worker process (RQ's SimpleWorker) instead of a "
            "forked work horse per job: several times the throughput, without the isolation "
            "of a process per job.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queues = settings.TASK_QUEUES
        if settings.TASKS_BACKEND == "redis":
            self._rq_work(queues, burst=options["burst"], no_fork=options["no_fork"])
        elif settings.TASKS_BACKEND == "database":
            call_command(
                _DbWorker(), queue_name=",".join(queues), batch=options["burst"], reload=False
            )
        else:
            self.stdout.write(f"TASKS_BACKEND={settings.TASKS_BACKEND!r} runs tasks inline.")

    def _rq_work(self, queues: list[str], *, burst: bool, no_fork: bool) -> None:
        """django-rq's ``rqworker`` without its logging set-up: that one (and RQ's, given a
        level) sets the ``rq.worker`` logger to INFO whatever ``LOGGING`` says, a line for
        every job. Here the level stays ``LOGGING``'s (``rq`` follows ``TASKS_LOG_LEVEL``)."""
        from django_rq.workers import get_worker
        from redis.exceptions import ConnectionError as RedisConnectionError

        # SimpleWorker is not a Worker subclass in RQ 3, which django-rq's hint assumes.
        worker_class: Any = InProcessWorker if no_fork else ForkingWorker
        worker = get_worker(*queues, job_class="django_tasks_rq.Job", worker_class=worker_class)
        connections.close_all()  # none open before the first fork
        try:
            worker.work(burst=burst, logging_level=None)
        except RedisConnectionError as exc:
            self.stderr.write(f"Redis at {settings.REDIS_URL} cannot be reached: {exc}")
            raise SystemExit(1) from exc
