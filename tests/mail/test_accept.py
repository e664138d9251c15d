"""Accepting inbound mail: stored raw first, once per message, refused when too large."""

from __future__ import annotations

import pytest

from successdesk.mail.models import InboundMessage
from successdesk.mail.services import MessageTooLarge, inbound_accept, message_identity

pytestmark = pytest.mark.django_db

RAW = (
    b"From: Ana <ana@northwind.example>\r\nTo: support@vendor.example\r\n"
    b"Subject: Export fails\r\nMessage-ID: <abc-1@northwind.example>\r\n\r\nIt fails.\r\n"
)


def test_a_message_is_stored_once_by_its_message_id_whatever_the_redeliveries():
    first, new = inbound_accept(RAW, source="pipe")
    again, new_again = inbound_accept(RAW, source="imap")
    assert (new, new_again) == (True, False)
    assert again.pk == first.pk
    assert InboundMessage.objects.get().raw == RAW


def test_a_message_without_a_message_id_is_known_by_the_digest_of_its_bytes():
    raw = RAW.replace(b"Message-ID: <abc-1@northwind.example>\r\n", b"")
    assert message_identity(raw).startswith("sha256:")
    assert message_identity(raw) != message_identity(raw + b"more")


def test_a_message_over_the_limit_is_refused_and_not_stored(settings):
    settings.INBOUND_MAX_BYTES = 100
    with pytest.raises(MessageTooLarge, match="up to 100 bytes"):
        inbound_accept(RAW, source="pipe")
    assert not InboundMessage.objects.exists()
