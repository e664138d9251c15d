"""A request reads the user's roles, designation and customer at most once, however many
checks its page makes (``accounts.models.Generation``), and reads them again after a change."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import user_ensure
from successdesk.cases.models import Case
from successdesk.contacts.models import DesignatedContact
from successdesk.contacts.selectors import is_designated_contact
from successdesk.intake.services import CaseDraft, case_open_portal
from tests.conftest import PASSWORD, designate, signed_in


def _case(user: User) -> Case:
    draft = CaseDraft(subject="Exports time out", description="Since Monday.", severity=3)
    return case_open_portal(draft=draft, requester=user)


def _reads(sql: list[dict[str, str]], table: str) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in sql)


def test_each_portal_page_reads_the_designation_once_and_the_customer_with_the_user(
    premier_northwind: Customer, northwind_user: User
) -> None:
    designate(northwind_user)
    case = _case(northwind_user)
    client = signed_in(northwind_user)
    for url in ("/portal/", "/portal/cases/", f"/portal/cases/{case.number}/", "/portal/services/"):
        with CaptureQueriesContext(connection) as page:
            response = client.get(url)
        assert response.status_code == 200, url
        assert _reads(page.captured_queries, "accounts_designatedcontact") == 1, url
        assert _reads(page.captured_queries, "accounts_customer") == 0, url  # joined


def test_a_console_case_page_reads_the_staff_roles_once(
    premier_northwind: Customer, northwind_user: User, support_agent: User
) -> None:
    case = _case(northwind_user)
    client = signed_in(support_agent)
    with CaptureQueriesContext(connection) as page:
        response = client.get(f"/console/cases/{case.number}/")
    assert response.status_code == 200
    assert _reads(page.captured_queries, "auth_group") == 1


def test_repeated_checks_on_one_user_cost_one_query_each_kind(
    northwind_user: User, support_agent: User
) -> None:
    designate(northwind_user)
    customer_user = User.objects.get(pk=northwind_user.pk)
    staff = User.objects.get(pk=support_agent.pk)
    with CaptureQueriesContext(connection) as checks:
        for _ in range(5):
            assert is_designated_contact(customer_user)
            assert staff.is_vendor_staff and staff.has_role("support_agent")
    assert len(checks.captured_queries) == 2


def test_a_designation_made_or_removed_through_another_object_is_seen_at_once(
    northwind_user: User,
) -> None:
    assert not is_designated_contact(northwind_user)
    designation = DesignatedContact.objects.create(
        customer_id=northwind_user.customer_id, user=User.objects.get(pk=northwind_user.pk)
    )
    assert is_designated_contact(northwind_user)
    designation.removed_at = designation.since
    designation.save()
    assert not is_designated_contact(northwind_user)


def test_a_role_given_in_the_same_request_is_seen_at_once(support_agent: User) -> None:
    assert not support_agent.has_role("triage_agent")
    user_ensure(email=support_agent.email, password=PASSWORD, roles=["triage_agent"])
    assert support_agent.has_role("triage_agent")
