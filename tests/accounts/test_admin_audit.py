"""The audit log in the admin: read-only for everyone, and its list costs the same number
of queries for 2 rows or 20 (so does the team settings list)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import AuditEntry, Customer, SupportTeam, User
from successdesk.accounts.services import team_ensure, user_ensure
from successdesk.triage.models import TeamSettings
from tests.conftest import PASSWORD, signed_in


def _audit_rows(count: int, customer: Customer) -> None:
    for n in range(count):
        actor = user_ensure(
            email=f"actor{n}@northwind.example", password=PASSWORD, customer=customer
        )
        audit_record(action="test.done", actor=actor, customer=customer, target=str(n))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as page:
        response = client.get(url)
    assert response.status_code == 200
    return len(page.captured_queries)


def test_the_audit_list_costs_the_same_queries_for_2_rows_or_20(
    admin_user: User, northwind: Customer
) -> None:
    client = signed_in(admin_user)
    _audit_rows(2, northwind)
    few = _queries(client, "/admin/accounts/auditentry/")
    _audit_rows(20, northwind)
    many = _queries(client, "/admin/accounts/auditentry/")
    assert AuditEntry.objects.filter(action="test.done").count() == 22
    assert many == few


def test_nobody_deletes_or_edits_an_audit_row_in_the_admin(
    admin_user: User, northwind: Customer
) -> None:
    _audit_rows(1, northwind)
    entry = AuditEntry.objects.get(action="test.done")
    client = signed_in(admin_user)
    assert client.get(f"/admin/accounts/auditentry/{entry.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    bulk = client.post(
        "/admin/accounts/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    page = client.get(f"/admin/accounts/auditentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_team_settings_list_costs_the_same_queries_for_2_teams_or_12(
    admin_user: User, support_agent: User
) -> None:
    def teams(start: int, count: int) -> None:
        for n in range(start, start + count):
            team: SupportTeam = team_ensure(name=f"Team {n}", members=[support_agent])
            TeamSettings.objects.update_or_create(
                team=team, defaults={"last_assigned": support_agent}
            )

    client = signed_in(admin_user)
    teams(0, 2)
    few = _queries(client, "/admin/triage/teamsettings/")
    teams(2, 10)
    many = _queries(client, "/admin/triage/teamsettings/")
    assert many == few
