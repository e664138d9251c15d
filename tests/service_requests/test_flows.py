"""Each request's flow through the pages: the portal submits, the console moves it along;
declines give the slot back; staff grant audited extras; months roll over in the
customer's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from successdesk.accounts import services as accounts
from successdesk.accounts.models import AuditEntry, Customer, User
from successdesk.domain.fair_usage import FairUsageLimitReached
from successdesk.packages.models import PackageVersion, UsageCounter
from successdesk.packages.services import subscription_start
from successdesk.service_requests.models import ServiceRequest, UsageExtra
from successdesk.service_requests.services import month_of, service_request_submit
from tests.conftest import signed_in
from tests.service_requests.conftest import use


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def portal(premier_northwind: Customer, northwind_user: User, media_root: Any) -> Client:
    return signed_in(northwind_user)


def submit(portal: Client, kind: str, details: str = "Please help", **files: Any) -> Any:
    return portal.post("/portal/services/new/", {"kind": kind, "details": details, **files})


def test_a_csv_import_goes_from_the_portal_to_delivered_in_the_console(
    portal: Client, support_agent: User
) -> None:
    csv = SimpleUploadedFile("advocates.csv", b"email,name\na@x.example,A\n")
    response = submit(portal, "csv_import", "Import these advocates", attachments=[csv])
    assert response.status_code == 302
    item = ServiceRequest.objects.get()
    page = portal.get(response["Location"]).content.decode()
    assert item.number in page and "advocates.csv" in page

    console = signed_in(support_agent)
    assert item.number in console.get("/console/services/").content.decode()
    base = f"/console/services/{item.pk}"
    assert console.post(f"{base}/advance/", {"to": "accepted"}).status_code == 302
    assert console.post(f"{base}/advance/", {"to": "in_progress"}).status_code == 302
    refused = console.post(f"{base}/advance/", {"to": "delivered"})
    assert "what was done" in refused.content.decode()
    done = console.post(f"{base}/advance/", {"to": "delivered", "reason": "1 advocate imported"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "delivered" and item.counted
    assert "1 advocate imported" in portal.get(f"/portal/services/{item.pk}/").content.decode()
    download = portal.get(f"/portal/services/attachments/{item.attachments.get().pk}/")
    assert download["Content-Disposition"].startswith('attachment; filename="advocates.csv"')


def test_an_advisory_review_is_assigned_to_a_specialist_who_delivers_recommendations(
    portal: Client, support_agent: User, specialist: User
) -> None:
    submit(portal, "campaign_review", "Review our referral challenge")
    item = ServiceRequest.objects.get()
    console = signed_in(support_agent)
    base = f"/console/services/{item.pk}"
    console.post(f"{base}/advance/", {"to": "accepted"})
    refused = console.post(f"{base}/advance/", {"to": "in_progress"})
    assert "specialist" in refused.content.decode()

    console.post(f"{base}/assign/", {"assignee": str(support_agent.pk)})
    item.refresh_from_db()
    assert item.assignee is None  # not a specialist

    console.post(f"{base}/assign/", {"assignee": str(specialist.pk)})
    expert = signed_in(specialist)
    assert expert.post(f"{base}/advance/", {"to": "in_progress"}).status_code == 302
    not_objects = expert.post(
        f"{base}/advance/", {"to": "delivered", "recommendations": '["Segment by activity"]'}
    )
    assert "JSON list of objects" in not_objects.content.decode()
    item.refresh_from_db()
    assert item.status == "in_progress"
    recs = "Targeting | Sent to everyone | Segment by activity | high\nTiming | Friday | Tuesday"
    done = expert.post(f"{base}/advance/", {"to": "delivered", "recommendations": recs})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "delivered"
    assert item.recommendations[0]["priority"] == "high"
    assert item.recommendations[1]["priority"] == "medium"
    page = portal.get(f"/portal/services/{item.pk}/").content.decode()
    assert "Segment by activity" in page and "Recommendations" in page


def test_a_declined_request_gives_its_slot_back_and_says_why(
    portal: Client, support_agent: User, northwind: Customer
) -> None:
    month = month_of(northwind, timezone.now())[0]
    use(northwind, month, 4)
    submit(portal, "mass_data_update")
    item = ServiceRequest.objects.get()
    assert UsageCounter.objects.get(customer=northwind).used == 5
    assert "limit of 5 admin tasks" in portal.get("/portal/services/new/").content.decode()

    console = signed_in(support_agent)
    refused = console.post(f"/console/services/{item.pk}/advance/", {"to": "declined"})
    assert "Say why" in refused.content.decode()
    console.post(
        f"/console/services/{item.pk}/advance/",
        {"to": "declined", "reason": "Duplicate of SR-000001: we are on it."},
    )
    item.refresh_from_db()
    assert item.status == "declined" and not item.counted
    assert UsageCounter.objects.get(customer=northwind).used == 4
    assert "Duplicate of SR-000001" in portal.get(f"/portal/services/{item.pk}/").content.decode()


def test_the_portal_says_the_limit_is_reached_before_anything_is_typed(
    portal: Client, northwind: Customer
) -> None:
    use(northwind, month_of(northwind, timezone.now())[0], 5)
    page = portal.get("/portal/services/new/").content.decode()
    assert "fair-usage limit of 5 admin tasks per month is reached" in page
    assert "resets on" in page
    assert 'value="csv_import"' not in page  # used-up kinds are not offered
    assert 'value="campaign_review"' in page
    refused = submit(portal, "csv_import")
    assert refused.status_code == 200 and ServiceRequest.objects.count() == 0


def test_a_customer_without_the_entitlement_is_told_which_package_includes_it(
    standard_contoso: Customer, contoso_user: User
) -> None:
    page = signed_in(contoso_user).get("/portal/services/new/").content.decode()
    assert "does not include admin tasks" in page
    assert "Premier Success and Premier Success Plus" in page
    assert "<textarea" not in page


def test_a_bad_attachment_is_refused_and_nothing_is_counted(
    portal: Client, northwind: Customer
) -> None:
    fake = SimpleUploadedFile("data.csv", b"\xff\xfe\x00bad" * 10)
    response = submit(portal, "csv_import", attachments=[fake])
    assert response.status_code == 200
    assert "not a text file" in response.content.decode()
    assert not UsageCounter.objects.filter(customer=northwind, used__gt=0).exists()


def test_staff_grant_an_audited_extra_that_allows_one_more(
    portal: Client, admin_user: User, northwind: Customer
) -> None:
    use(northwind, month_of(northwind, timezone.now())[0], 5)
    console = signed_in(admin_user)
    assert "Northwind" in console.get("/console/services/usage/").content.decode()
    console.post(
        "/console/services/usage/extra/",
        {"customer": northwind.pk, "kind": "hub_replication", "amount": 1, "reason": "Launch"},
    )
    extra = UsageExtra.objects.get()
    assert extra.pool == "admin_task" and extra.granted_by == admin_user
    audit = AuditEntry.objects.get(action="fair_usage.extra_granted")
    assert audit.customer == northwind and audit.details["reason"] == "Launch"
    assert submit(portal, "hub_replication").status_code == 302
    assert submit(portal, "hub_replication").status_code == 200  # the extra is used up
    assert ServiceRequest.objects.count() == 1


def test_customers_cannot_reach_the_console_pages(portal: Client) -> None:
    assert portal.get("/console/services/").status_code == 404
    assert portal.get("/console/services/usage/").status_code == 404


def test_the_month_rolls_over_at_midnight_in_the_customers_time_zone(catalog: None) -> None:
    """Auckland is UTC+12 in June: 30 June 12:00 UTC is already 1 July there."""
    customer = accounts.customer_ensure(name="Kiwi", time_zone="Pacific/Auckland")
    user = accounts.user_ensure(email="u@kiwi.example", password="x" * 20, customer=customer)
    version = PackageVersion.objects.filter(package__slug="premier-success").get()
    subscription_start(customer=customer, package_version=version, starts_on=date(2026, 1, 1))
    june = datetime(2026, 6, 15, 12, tzinfo=UTC)
    for _ in range(5):
        service_request_submit(requester=user, kind="csv_import", details="x", at=june)

    late_june = datetime(2026, 6, 30, 11, 59, tzinfo=UTC)  # 23:59 on 30 June in Auckland
    with pytest.raises(FairUsageLimitReached) as refused:
        service_request_submit(requester=user, kind="csv_import", details="x", at=late_june)
    resets_at = datetime.fromisoformat(refused.value.extra["resets_at"])
    assert resets_at == datetime(2026, 6, 30, 12, tzinfo=UTC)

    july = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)  # 00:00 on 1 July in Auckland
    item = service_request_submit(requester=user, kind="csv_import", details="x", at=july)
    assert item.month == date(2026, 7, 1)
    counts = dict(UsageCounter.objects.filter(customer=customer).values_list("month", "used"))
    assert counts == {date(2026, 6, 1): 5, date(2026, 7, 1): 1}


def test_a_pooled_package_shares_one_pool_between_tasks_and_reviews(
    catalog: None, northwind: Customer, northwind_user: User
) -> None:
    base = PackageVersion.objects.get(package__slug="premier-success")
    pooled = PackageVersion.objects.create(
        package=base.package,
        version=99,
        effective_from=date(2026, 1, 1),
        entitlements={
            **base.entitlements,
            "admin_tasks_per_month": 2,
            "pooled_quota": True,
            "advisory_reviews_per_month": 1,
        },
        phone_calendar=base.phone_calendar,
        sla_calendar=base.sla_calendar,
    )
    subscription_start(customer=northwind, package_version=pooled, starts_on=date(2026, 1, 1))
    at = datetime(2026, 3, 10, 15, tzinfo=UTC)
    for kind in ("event_review", "event_review", "csv_import"):
        item = service_request_submit(requester=northwind_user, kind=kind, details="x", at=at)
        assert item.pool == "service_requests"
    with pytest.raises(FairUsageLimitReached) as refused:
        service_request_submit(requester=northwind_user, kind="custom_report", details="x", at=at)
    assert refused.value.extra["limit"] == 3 and refused.value.extra["kind"] == "service_requests"


def test_a_latin_1_file_and_a_second_bad_file_are_both_refused_by_name_and_nothing_is_counted(
    portal: Client, northwind: Customer
) -> None:
    latin = SimpleUploadedFile("advocates.csv", "email,name\nz@x.example,Zoé\n".encode("latin-1"))
    fake = SimpleUploadedFile("shot.png", b"not a png at all")
    response = submit(portal, "csv_import", attachments=[latin, fake])
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 of the 2 files were refused" in page
    assert "advocates.csv is not a text file in UTF-8" in page
    assert "shot.png does not look like a .png file" in page
    assert not ServiceRequest.objects.exists()
    assert not UsageCounter.objects.filter(customer=northwind, used__gt=0).exists()
