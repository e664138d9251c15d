"""Extra fair-usage requests are a vendor-admin power: the service refuses anyone else, and
the console shows the control to admins only."""

from __future__ import annotations

import pytest

from successdesk.accounts.models import Customer, User
from successdesk.service_requests.models import UsageExtra
from successdesk.service_requests.services import ExtraGrantNotAllowed, usage_extra_grant
from tests.conftest import signed_in


@pytest.mark.parametrize("role_user", ["support_agent", "triage_agent"])
def test_staff_who_are_not_admins_cannot_grant_an_extra_request(
    premier_northwind: Customer, role_user: str, request: pytest.FixtureRequest
) -> None:
    staff: User = request.getfixturevalue(role_user)
    with pytest.raises(ExtraGrantNotAllowed):
        usage_extra_grant(customer=premier_northwind, kind="csv_import", by=staff, reason="Nice")
    response = signed_in(staff).post(
        "/console/services/usage/extra/",
        {"customer": premier_northwind.pk, "kind": "csv_import", "amount": 2, "reason": "Nice"},
        follow=True,
    )
    assert "Only vendor admins grant extra" in response.content.decode()
    assert not UsageExtra.objects.exists()


def test_a_vendor_admin_grants_an_extra_request(
    premier_northwind: Customer, admin_user: User
) -> None:
    response = signed_in(admin_user).post(
        "/console/services/usage/extra/",
        {"customer": premier_northwind.pk, "kind": "csv_import", "amount": 2, "reason": "Launch"},
    )
    assert response.status_code == 302
    extra = UsageExtra.objects.get()
    assert (extra.amount, extra.granted_by) == (2, admin_user)


def test_the_usage_page_offers_the_grant_to_admins_only(
    premier_northwind: Customer, admin_user: User, support_agent: User
) -> None:
    assert (
        "Grant an extra" in signed_in(admin_user).get("/console/services/usage/").content.decode()
    )
    page = signed_in(support_agent).get("/console/services/usage/").content.decode()
    assert "Grant an extra" not in page and "only vendor admins grant extras" in page
