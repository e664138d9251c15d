"""Background tasks (Django's tasks API)."""

from __future__ import annotations

from django.tasks import task

from .delivery import deliver, deliver_due


@task(queue_name="notifications")
def deliver_notification(pk: int) -> bool:
    return deliver(pk)


@task(queue_name="sweeps")
def notifications_sweep() -> int:
    return deliver_due()
