"""Background tasks (Django's tasks API)."""

from __future__ import annotations

from django.tasks import task

from .processing import message_process


@task(queue_name="default")
def inbound_process(pk: int) -> str:
    """Turn one stored message into a case, a comment or an ignored/failed record."""
    return message_process(pk)
