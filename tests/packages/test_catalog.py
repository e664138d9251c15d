from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from successdesk.accounts.models import Customer, User
from successdesk.domain.entitlements import MaterialDecrease
from successdesk.packages.catalog import catalog_data, catalog_load, version_publish
from successdesk.packages.models import (
    ImmutableVersion,
    Package,
    PackageVersion,
    Subscription,
    SubscriptionChange,
)
from successdesk.packages.selectors import packages_including, subscription_current
from successdesk.packages.services import (
    subscription_change,
    subscription_renew,
    subscription_start,
)
from tests.conftest import signed_in


def latest(slug: str) -> PackageVersion:
    return PackageVersion.objects.filter(package__slug=slug).order_by("-version")[0]


@pytest.fixture
def catalog(db: None) -> None:
    catalog_load()


def test_the_shipped_catalog_defines_the_three_packages_and_loads_once(catalog: None) -> None:
    assert list(Package.objects.values_list("name", flat=True)) == [
        "Standard",
        "Premier Success",
        "Premier Success Plus",
    ]
    assert catalog_load() == []
    assert PackageVersion.objects.count() == 3


def test_premier_has_what_standard_lacks_and_plus_is_routed_first(catalog: None) -> None:
    standard, premier, plus = (
        latest(s).to_entitlements() for s in ("standard", "premier-success", "premier-success-plus")
    )
    assert not standard.priority_routing and not standard.content_library
    assert standard.admin_tasks_per_month == 0 and standard.advisory_reviews_per_month == 0
    assert premier.priority_routing and premier.content_library and premier.advisory_services
    assert premier.admin_tasks_per_month == 5 and premier.advisory_reviews_per_month == 5
    assert premier.designated_contacts_included == 5
    assert plus.routing_priority > premier.routing_priority > standard.routing_priority
    for severity in (1, 2, 3, 4):
        assert plus.sla_targets[severity].resolution <= premier.sla_targets[severity].resolution
    assert premier.phone_hours_per_week == 60.0


def test_a_published_version_cannot_be_edited_or_deleted(catalog: None) -> None:
    version = latest("premier-success")
    version.notes = "sneaky edit"
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        version.delete()


def test_a_bad_entitlement_in_a_new_version_is_refused_naming_the_field(catalog: None) -> None:
    premier = latest("premier-success")
    data = {**premier.entitlements, "admin_tasks_per_month": "five"}
    with pytest.raises(Exception) as info:
        version_publish(
            package=premier.package,
            entitlements=data,
            effective_from=date(2027, 1, 1),
            phone_calendar=premier.phone_calendar,
            sla_calendar=premier.sla_calendar,
        )
    assert getattr(info.value, "field", None) == "admin_tasks_per_month"
    assert PackageVersion.objects.filter(package=premier.package).count() == 1


YEAR = timezone.localdate().year  # the running term: this calendar year


@pytest.fixture
def northwind_on_premier(catalog: None, northwind: Customer) -> Subscription:
    return subscription_start(
        customer=northwind, package_version=latest("premier-success"), starts_on=date(YEAR, 1, 1)
    )


def test_publishing_a_lower_version_leaves_running_subscriptions_untouched(
    northwind_on_premier: Subscription,
) -> None:
    premier = latest("premier-success")
    lower = {**premier.entitlements, "admin_tasks_per_month": 2}
    v2 = version_publish(
        package=premier.package,
        entitlements=lower,
        effective_from=date(2026, 6, 1),
        phone_calendar=premier.phone_calendar,
        sla_calendar=premier.sla_calendar,
    )
    assert v2.version == 2
    current = subscription_current(customer=northwind_on_premier.customer, on=date(YEAR, 7, 1))
    assert current is not None
    assert current.package_version == premier
    assert current.package_version.to_entitlements().admin_tasks_per_month == 5


def test_an_upgrade_mid_term_is_accepted(northwind_on_premier: Subscription) -> None:
    change = subscription_change(
        subscription=northwind_on_premier, to_version=latest("premier-success-plus")
    )
    assert change.outcome == "accepted"
    northwind_on_premier.refresh_from_db()
    assert northwind_on_premier.package_version.package.slug == "premier-success-plus"


def test_a_downgrade_mid_term_is_refused_with_every_decrease(
    northwind_on_premier: Subscription,
) -> None:
    with pytest.raises(MaterialDecrease) as info:
        subscription_change(subscription=northwind_on_premier, to_version=latest("standard"))
    dimensions = {d["dimension"] for d in info.value.extra["decreases"]}
    assert {"routing_priority", "content_library", "admin_tasks_per_month"} <= dimensions
    assert info.value.code == "material_decrease"
    northwind_on_premier.refresh_from_db()
    assert northwind_on_premier.package_version.package.slug == "premier-success"
    assert SubscriptionChange.objects.get().outcome == "refused"


def test_a_downgrade_can_be_scheduled_for_the_renewal_date(
    northwind_on_premier: Subscription,
) -> None:
    change = subscription_change(
        subscription=northwind_on_premier,
        to_version=latest("standard"),
        schedule_if_decrease=True,
    )
    assert change.outcome == "scheduled"
    northwind_on_premier.refresh_from_db()
    assert northwind_on_premier.package_version.package.slug == "premier-success"
    renewed = subscription_renew(subscription=northwind_on_premier)
    assert renewed.starts_on == date(YEAR + 1, 1, 1)
    assert renewed.package_version.package.slug == "standard"


def test_overlapping_terms_are_refused(northwind_on_premier: Subscription) -> None:
    with pytest.raises(Exception) as info:
        subscription_start(
            customer=northwind_on_premier.customer,
            package_version=latest("standard"),
            starts_on=date(YEAR, 6, 1),
        )
    assert getattr(info.value, "code", "") == "conflict"


def test_refusals_name_the_packages_that_include_a_feature(catalog: None) -> None:
    assert packages_including("content_library") == ["Premier Success", "Premier Success Plus"]


def test_the_catalog_file_is_valid_json_with_versions(db: None) -> None:
    data: dict[str, Any] = catalog_data()
    assert {p["slug"] for p in data["packages"]} == {
        "standard",
        "premier-success",
        "premier-success-plus",
    }


def test_admins_browse_packages_and_versions_read_only(catalog: None, admin_user: User) -> None:
    client: Client = signed_in(admin_user)
    version = latest("premier-success")
    assert client.get("/admin/packages/package/").status_code == 200
    page = client.get(f"/admin/packages/packageversion/{version.pk}/change/")
    assert page.status_code == 200
    assert 'name="entitlements"' not in page.content.decode()
    assert client.get("/admin/packages/packageversion/add/").status_code == 200
