"""`successdesk worker` as `make run` starts it: its log says what matters, once."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.core.management import call_command


def consoles() -> list[logging.StreamHandler[Any]]:
    """The console handlers a record of ``django.tasks`` can reach (pytest's own aside)."""
    found: list[logging.StreamHandler[Any]] = []
    logger: logging.Logger | None = logging.getLogger("django.tasks")
    while logger is not None:
        found += [h for h in logger.handlers if type(h) is logging.StreamHandler]
        logger = logger.parent if logger.propagate else None
    return found


@pytest.mark.django_db(transaction=True)
def test_the_worker_prints_a_task_line_only_at_the_configured_level_and_only_once(
    settings: Any,
) -> None:
    settings.DEBUG = True  # as under `make run`, where Django's own console handler is on
    call_command("worker", burst=True, no_fork=True)
    tasks_log = logging.getLogger("django.tasks")
    printed = io.StringIO()
    handlers = consoles()
    previous = [handler.setStream(printed) for handler in handlers]
    try:
        tasks_log.info("Task id=info-line state=SUCCESSFUL")
        tasks_log.error("Task id=error-line state=FAILED")
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)

    assert "info-line" not in printed.getvalue()  # TASKS_LOG_LEVEL is WARNING unless set
    assert printed.getvalue().count("error-line") == 1
