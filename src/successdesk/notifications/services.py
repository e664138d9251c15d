"""Queue e-mail in the outbox, in the caller's transaction; the worker delivers it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import IntegrityError, transaction

from .models import Notification
from .tasks import deliver_notification


def notification_queue(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    kind: str,
    key: str | None = None,
    customer_id: int | None = None,
    fresh: bool = False,
    thread: str = "",
) -> list[Notification]:
    """Write one outbox row per recipient; after commit, ask a worker to deliver them.

    ``key`` makes the call idempotent: a second call with the same key adds nothing.
    ``fresh`` says the key names something made in this very transaction (a new case), so
    it cannot have been used: the rows are written without a savepoint each. ``thread``
    (a case or request number) makes the e-mails about one thing one conversation.
    """
    created: list[Notification] = []
    for address in dict.fromkeys(a.strip().lower() for a in to if a and a.strip()):
        dedupe = f"{key}:{address}" if key else None
        try:
            with transaction.atomic(savepoint=not fresh):
                note = Notification.objects.create(
                    to=address,
                    subject=subject[:250],
                    body=body,
                    kind=kind,
                    dedupe_key=dedupe,
                    customer_id=customer_id,
                    thread=thread,
                )
        except IntegrityError:
            if dedupe and Notification.objects.filter(dedupe_key=dedupe).exists():
                continue
            raise
        created.append(note)
        transaction.on_commit(partial(deliver_notification.enqueue, note.pk))
    return created
