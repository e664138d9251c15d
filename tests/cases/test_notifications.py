from __future__ import annotations

import pytest

from successdesk.accounts.models import Customer, User
from successdesk.cases.conversation import comment_add
from successdesk.intake.services import CaseDraft, case_open_portal
from successdesk.notifications.delivery import deliver_due
from successdesk.notifications.models import Notification
from tests.conftest import Mailbox


def open_case(user: User) -> str:
    case = case_open_portal(
        requester=user,
        draft=CaseDraft(
            subject="Leaderboard frozen", description="It stopped updating", severity=2
        ),
    )
    return case.number


def test_the_confirmation_with_the_case_number_is_delivered_over_smtp(
    premier_northwind: Customer, northwind_user: User, smtp_server: Mailbox
) -> None:
    number = open_case(northwind_user)
    assert deliver_due() == 1
    (mail,) = smtp_server.to("user@northwind.example")
    assert number in mail["Subject"]
    assert number in Mailbox.body(mail)
    assert "Resolution target" in Mailbox.body(mail)


def test_a_staff_reply_is_mailed_to_the_requester(
    premier_northwind: Customer, northwind_user: User, support_agent: User, smtp_server: Mailbox
) -> None:
    number = open_case(northwind_user)
    from successdesk.cases.models import Case

    comment_add(case=Case.objects.get(number=number), author=support_agent, body="Fixed now")
    comment_add(
        case=Case.objects.get(number=number), author=support_agent, body="internal!", internal=True
    )
    deliver_due()
    bodies = [Mailbox.body(m) for m in smtp_server.to("user@northwind.example")]
    assert any("Fixed now" in b for b in bodies)
    assert not any("internal!" in b for b in bodies)


def test_an_smtp_outage_then_recovery_delivers_every_notification_exactly_once(
    premier_northwind: Customer, northwind_user: User, settings: object, smtp_server: Mailbox
) -> None:
    working = settings.MAILERS  # type: ignore[attr-defined]
    settings.MAILERS = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }
    numbers = [open_case(northwind_user) for _ in range(3)]
    assert deliver_due() == 0
    assert Notification.objects.filter(sent_at__isnull=True).count() == 3
    assert Notification.objects.exclude(last_error="").exists()

    settings.MAILERS = working  # type: ignore[attr-defined]
    Notification.objects.update(next_attempt_at=Notification.objects.first().created_at)  # type: ignore[union-attr]
    assert deliver_due() == 3
    assert deliver_due() == 0
    received = smtp_server.to("user@northwind.example")
    assert sorted(n for n in numbers if any(n in m["Subject"] for m in received)) == sorted(numbers)
    assert len(received) == 3
    assert len({m["Message-ID"] for m in received}) == 3


@pytest.mark.django_db
def test_a_notification_key_queues_only_once() -> None:
    from successdesk.notifications.services import notification_queue

    for _ in range(2):
        notification_queue(to=["a@example.com"], subject="s", body="b", kind="k", key="same")
    assert Notification.objects.count() == 1


def test_a_designated_contact_who_follows_all_cases_is_mailed_about_a_colleagues_case(
    premier_northwind: Customer, northwind_user: User, smtp_server: Mailbox
) -> None:
    from django.test import Client

    from successdesk.accounts.services import user_ensure
    from tests.conftest import designate, signed_in

    colleague = user_ensure(
        email="colleague@northwind.example", password="x" * 20, customer=premier_northwind
    )
    refused = signed_in(colleague).post("/portal/cases/follow/", {"follow": "1"}, follow=True)
    assert "Only designated contacts" in refused.content.decode()
    designate(northwind_user)
    client: Client = signed_in(northwind_user)
    client.post("/portal/cases/follow/", {"follow": "1"})
    number = open_case(colleague)
    deliver_due()
    assert any(number in m["Subject"] for m in smtp_server.to("user@northwind.example"))
    assert any(number in m["Subject"] for m in smtp_server.to("colleague@northwind.example"))


def test_the_mails_about_one_case_thread_together_and_apart_from_other_cases(
    premier_northwind: Customer, northwind_user: User, support_agent: User, smtp_server: Mailbox
) -> None:
    from successdesk.cases.models import Case

    first, second = open_case(northwind_user), open_case(northwind_user)
    comment_add(case=Case.objects.get(number=first), author=support_agent, body="On it")
    deliver_due()
    mails = smtp_server.to("user@northwind.example")
    assert len(mails) == 3
    threads: dict[str, set[str]] = {first: set(), second: set()}
    for mail in mails:
        assert mail["In-Reply-To"] == mail["References"]
        number = mail["Subject"].removeprefix("[").split("]")[0]
        threads[number].add(mail["References"])
    assert len(threads[first]) == 1 and len(threads[second]) == 1  # one thread per case
    assert threads[first] != threads[second]
    assert first in next(iter(threads[first]))


def test_a_message_id_stays_with_its_mail_and_is_not_reused_by_another_site_or_a_reset(
    premier_northwind: Customer, northwind_user: User, settings: object
) -> None:
    open_case(northwind_user)
    note = Notification.objects.get()
    first = note.message_id
    assert Notification.objects.get().message_id == first  # a resend carries the same one
    # The same row id after a database reset: written at another instant.
    Notification.objects.filter(pk=note.pk).update(created_at=note.created_at.replace(year=2020))
    assert Notification.objects.get().message_id != first
    settings.SITE_URL = "https://support.example.com"  # type: ignore[attr-defined]
    assert Notification.objects.get().message_id.endswith("@support.example.com>")


def test_one_diagnostics_request_in_the_console_mails_the_customer_once(
    premier_northwind: Customer, northwind_user: User, support_agent: User, smtp_server: Mailbox
) -> None:
    from tests.conftest import signed_in

    number = open_case(northwind_user)
    deliver_due()
    smtp_server.messages.clear()
    response = signed_in(support_agent).post(
        f"/console/cases/{number}/diagnostics/",
        {"summary": "Need a HAR file", "steps": "Open devtools\nRecord the network"},
    )
    assert response.status_code == 302
    deliver_due()
    (mail,) = smtp_server.to("user@northwind.example")
    body = Mailbox.body(mail)
    assert mail["Subject"] == f"[{number}] Waiting for your reply: Leaderboard frozen"
    assert "Need a HAR file" in body and "1. Open devtools" in body
    assert body.count("is now:") == 1 and f"Case {number} is now: Waiting for your reply." in body


def test_nobody_is_mailed_about_their_own_reply_or_their_own_status_change(
    premier_northwind: Customer, northwind_user: User, support_agent: User, smtp_server: Mailbox
) -> None:
    from successdesk.accounts.services import user_ensure
    from successdesk.cases.conversation import diagnostics_request
    from successdesk.cases.models import Case
    from successdesk.contacts.services import preference_follow_all_cases
    from tests.conftest import designate, signed_in

    follower = user_ensure(
        email="dc@northwind.example", password="x" * 20, customer=premier_northwind
    )
    designate(follower)
    preference_follow_all_cases(user=follower, follow=True)
    number = open_case(northwind_user)
    case = Case.objects.get(number=number)
    diagnostics_request(case=case, by=support_agent, summary="A HAR file", steps=["Record it"])
    deliver_due()
    smtp_server.messages.clear()

    customer = signed_in(northwind_user)
    customer.post(f"/portal/cases/{number}/", {"body": "Here it is"})
    assert Case.objects.get(pk=case.pk).status == "in_progress"
    customer.post(f"/portal/cases/{number}/resolve/")
    assert Case.objects.get(pk=case.pk).status == "resolved"
    deliver_due()
    assert smtp_server.to("user@northwind.example") == []
    told = sorted(m["Subject"] for m in smtp_server.to("dc@northwind.example"))
    assert told == [
        f"[{number}] In progress: Leaderboard frozen",
        f"[{number}] Resolved: Leaderboard frozen",
    ]
