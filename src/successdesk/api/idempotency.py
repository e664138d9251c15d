"""``Idempotency-Key`` on POSTs that create: a retry gets the first answer, byte for byte."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Header
from pydantic import WithJsonSchema

from successdesk.accounts.models import User
from successdesk.cases.models import IdempotencyRecord
from successdesk.domain.errors import InvalidInput

MAX_KEY = 200

IdempotencyKey = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "maxLength": MAX_KEY}),
    Header(
        None,
        alias="Idempotency-Key",
        max_length=MAX_KEY,
        description=(
            "Makes a retry safe: the same key with the same body replays the first answer "
            "(status and body) and creates nothing more; the same key with another body is "
            "422 `idempotency_key_reused`. Any string up to 200 characters, e.g. a UUID."
        ),
    ),
]
"""The ``Idempotency-Key`` header, declared on every POST that creates something."""


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"
    title = "Idempotency-Key reused with a different request"


def _hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    request: HttpRequest,
    *,
    user: User,
    endpoint: str,
    payload: Any,
    create: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """Run ``create`` once per (user, endpoint, key); replay its status and body after.

    The key's record is written in the same transaction as what ``create`` writes, so a
    crash leaves neither; two concurrent requests with one key wait on the unique index
    and the second replays the first's answer.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return create()
    if len(key) > MAX_KEY:
        raise InvalidInput(
            f"Idempotency-Key is longer than {MAX_KEY} characters.", field="Idempotency-Key"
        )
    digest = _hash(payload)

    def replay(record: IdempotencyRecord) -> tuple[int, dict[str, Any]]:
        if record.request_hash != digest:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different request body. Use a "
                "new key for a new request.",
                field="Idempotency-Key",
            )
        return record.replay()

    with transaction.atomic():
        found = IdempotencyRecord.objects.filter(user=user, endpoint=endpoint, key=key).first()
        if found is not None:
            return replay(found)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, endpoint=endpoint, key=key, request_hash=digest, status=0
                )
        except IntegrityError:
            record = None
        if record is not None:
            status, body = create()
            record.status, record.body = status, body
            record.save(update_fields=["status", "body"])
            return status, body
    # A concurrent request with the same key committed first: answer as it did.
    return replay(IdempotencyRecord.objects.get(user=user, endpoint=endpoint, key=key))
