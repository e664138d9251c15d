from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Command as DbWorker


class _DbWorker(DbWorker):
    """django-tasks-db's worker, leaving log levels to ``LOGGING`` (``TASKS_LOG_LEVEL``):
    its own set-up raises them to INFO, a line for every task started and finished."""

    def configure_logging(self, verbosity: int) -> None:
        return None


class Command(BaseCommand):
    help = (
        "Run a task worker for the configured TASKS_BACKEND: `db_worker` (database) or "
        "`rqworker` (redis), on every SuccessDesk queue."
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
            extra = {"worker_class": "rq.worker.SimpleWorker"} if options["no_fork"] else {}
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                burst=options["burst"],
                **extra,
            )
        elif settings.TASKS_BACKEND == "database":
            call_command(
                _DbWorker(), queue_name=",".join(queues), batch=options["burst"], reload=False
            )
        else:
            self.stdout.write(f"TASKS_BACKEND={settings.TASKS_BACKEND!r} runs tasks inline.")
