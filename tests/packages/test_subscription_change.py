"""No material decrease mid-term, on every path: one service changes a subscription's
package version or term; the model, the Django admin, the console and the management
command cannot go around it, and every outcome is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from successdesk.accounts.models import AuditEntry, Customer, User
from successdesk.domain.entitlements import MaterialDecrease
from successdesk.packages.models import (
    PackageVersion,
    Subscription,
    SubscriptionChange,
    SubscriptionChangeBypassed,
)
from successdesk.packages.services import (
    PackageChangeNotAllowed,
    subscription_change,
    subscription_change_preview,
)
from tests.conftest import signed_in, subscribe


def latest(slug: str) -> PackageVersion:
    return PackageVersion.objects.filter(package__slug=slug).order_by("-version")[0]


@pytest.fixture
def premier(catalog: None, northwind: Customer) -> Subscription:
    subscription: Subscription = subscribe(northwind, "premier-success")
    return subscription


def page(response: object) -> str:
    return str(response.content.decode())  # type: ignore[attr-defined]


# --- the service -------------------------------------------------------------------------


def test_a_shorter_term_mid_term_is_a_decrease_refused_and_recorded(premier: Subscription) -> None:
    end = premier.ends_on
    shorter = end - timedelta(days=60)
    with pytest.raises(MaterialDecrease) as refused:
        subscription_change(subscription=premier, ends_on=shorter, schedule_if_decrease=True)
    assert [d["dimension"] for d in refused.value.extra["decreases"]] == ["term.ends_on"]
    assert f"would end on {shorter}" in refused.value.message
    premier.refresh_from_db()
    assert premier.ends_on == end
    change = SubscriptionChange.objects.get()
    assert (change.outcome, change.from_ends_on, change.to_ends_on) == ("refused", end, shorter)
    assert AuditEntry.objects.filter(action="subscription.change_refused").exists()


def test_a_longer_term_and_an_upgrade_apply_now_and_are_recorded(
    premier: Subscription, admin_user: User
) -> None:
    longer = premier.ends_on + timedelta(days=90)
    change = subscription_change(
        subscription=premier,
        to_version=latest("premier-success-plus"),
        ends_on=longer,
        by=admin_user,
    )
    premier.refresh_from_db()
    assert premier.package_version.package.slug == "premier-success-plus"
    assert premier.ends_on == longer
    assert (change.outcome, change.requested_by) == ("accepted", admin_user)
    entry = AuditEntry.objects.get(action="subscription.change_accepted")
    assert entry.actor == admin_user and entry.details["to_ends_on"] == longer.isoformat()


def test_only_vendor_admins_change_a_package(premier: Subscription, support_agent: User) -> None:
    with pytest.raises(PackageChangeNotAllowed):
        subscription_change(
            subscription=premier, to_version=latest("premier-success-plus"), by=support_agent
        )
    premier.refresh_from_db()
    assert premier.package_version.package.slug == "premier-success"


def test_the_preview_lists_each_entitlement_before_and_after_and_changes_nothing(
    premier: Subscription,
) -> None:
    plan = subscription_change_preview(subscription=premier, to_version=latest("standard"))
    assert plan.outcome == "refused"
    rows = {r.dimension: r for r in plan.rows}
    assert (rows["content_library"].before, rows["content_library"].after) == (
        "included",
        "not included",
    )
    assert rows["content_library"].direction == "decrease"
    assert rows["extra_contact_fee"].before == "500.00 USD"
    up = subscription_change_preview(
        subscription=premier, to_version=latest("premier-success-plus")
    )
    assert up.outcome == "accepted" and not up.decreases
    assert {r.dimension for r in up.increases} >= {"routing_priority", "sla_targets.1.resolution"}
    assert not SubscriptionChange.objects.exists()


# --- no way around it --------------------------------------------------------------------


def test_saving_a_subscription_with_another_version_or_term_is_refused(
    premier: Subscription,
) -> None:
    premier.package_version = latest("standard")
    with pytest.raises(SubscriptionChangeBypassed):
        premier.save()
    fresh = Subscription.objects.get(pk=premier.pk)
    fresh.ends_on = fresh.ends_on - timedelta(days=30)
    with pytest.raises(SubscriptionChangeBypassed):
        fresh.save()
    with pytest.raises(SubscriptionChangeBypassed):
        Subscription.objects.filter(pk=premier.pk).update(package_version=latest("standard"))
    stored = Subscription.objects.get(pk=premier.pk)
    assert stored.package_version.package.slug == "premier-success"
    stored.auto_renew = False
    stored.save()  # what is not guarded still saves
    assert not Subscription.objects.get(pk=premier.pk).auto_renew


def test_the_django_admin_cannot_change_a_subscriptions_version_or_term(
    premier: Subscription, admin_user: User
) -> None:
    client = signed_in(admin_user)
    url = f"/admin/packages/subscription/{premier.pk}/change/"
    form = page(client.get(url))
    assert f"/console/customers/{premier.customer_id}/package/" in form
    end = premier.ends_on
    response = client.post(
        url,
        {
            "customer": premier.customer_id,
            "package_version": latest("standard").pk,
            "starts_on": premier.starts_on.isoformat(),
            "ends_on": (end - timedelta(days=100)).isoformat(),
            "auto_renew": "",
        },
    )
    assert response.status_code == 302
    premier.refresh_from_db()
    assert premier.package_version.package.slug == "premier-success"
    assert premier.ends_on == end
    assert premier.auto_renew is False  # the one editable field


def test_the_django_admin_starts_a_subscription_but_refuses_an_overlapping_one(
    premier: Subscription, admin_user: User, contoso: Customer
) -> None:
    client = signed_in(admin_user)
    data = {
        "package_version": latest("standard").pk,
        "starts_on": premier.starts_on.isoformat(),
        "ends_on": premier.ends_on.isoformat(),
        "auto_renew": "on",
    }
    overlap = client.post(
        "/admin/packages/subscription/add/", {**data, "customer": premier.customer_id}
    )
    assert overlap.status_code == 200 and "already has a subscription" in page(overlap)
    started = client.post("/admin/packages/subscription/add/", {**data, "customer": contoso.pk})
    assert started.status_code == 302
    assert Subscription.objects.filter(customer=contoso).count() == 1


def test_the_management_command_goes_through_the_service(premier: Subscription) -> None:
    with pytest.raises(CommandError, match="Refused"):
        call_command("changepackage", "northwind", "standard")
    assert SubscriptionChange.objects.get().outcome == "refused"
    call_command("changepackage", "Northwind", "standard", "--schedule")
    premier.refresh_from_db()
    assert premier.package_version.package.slug == "premier-success"
    assert premier.scheduled_version is not None
    assert premier.scheduled_version.package.slug == "standard"
    outcomes = set(SubscriptionChange.objects.values_list("outcome", "via"))
    assert outcomes == {("refused", "command"), ("scheduled", "command")}


# --- the console's Change package page ---------------------------------------------------


def url(subscription: Subscription) -> str:
    return f"/console/customers/{subscription.customer_id}/package/"


def test_admins_preview_a_downgrade_then_schedule_it_for_the_renewal_date(
    premier: Subscription, admin_user: User
) -> None:
    console: Client = signed_in(admin_user)
    customer_page = page(console.get(f"/console/customers/{premier.customer_id}/"))
    assert url(premier) in customer_page and "Change package" in customer_page
    assert "Preview" in page(console.get(url(premier)))

    choice = {"to_version": latest("standard").pk, "ends_on": ""}
    refused = page(console.post(url(premier), {**choice, "action": "preview"}))
    assert "would be <strong>refused</strong>" in refused
    assert "The package no longer includes the campaign content library" in refused
    assert "Campaign content library</td><td>included</td><td>not included" in refused
    assert not SubscriptionChange.objects.exists()  # a preview records nothing

    scheduled = {**choice, "schedule_if_decrease": "on"}
    preview = page(console.post(url(premier), {**scheduled, "action": "preview"}))
    assert "scheduled for the renewal date" in preview and "Confirm" in preview
    done = console.post(url(premier), {**scheduled, "action": "confirm"}, follow=True)
    assert "at the renewal on" in page(done)
    premier.refresh_from_db()
    assert premier.package_version.package.slug == "premier-success"
    assert premier.scheduled_version == latest("standard")
    change = SubscriptionChange.objects.get()
    assert (change.outcome, change.via, change.requested_by) == ("scheduled", "console", admin_user)


def test_admins_preview_and_confirm_an_upgrade_that_applies_now(
    premier: Subscription, admin_user: User
) -> None:
    console = signed_in(admin_user)
    choice = {"to_version": latest("premier-success-plus").pk, "ends_on": ""}
    preview = page(console.post(url(premier), {**choice, "action": "preview"}))
    assert "Applies now" in preview and "pill ok" in preview and "pill bad" not in preview
    console.post(url(premier), {**choice, "action": "confirm"})
    premier.refresh_from_db()
    assert premier.package_version.package.slug == "premier-success-plus"
    assert SubscriptionChange.objects.get().outcome == "accepted"


def test_confirming_a_downgrade_without_scheduling_is_refused_and_changes_nothing(
    premier: Subscription, admin_user: User
) -> None:
    response = signed_in(admin_user).post(
        url(premier), {"to_version": latest("standard").pk, "action": "confirm"}
    )
    assert response.status_code == 409
    assert "would lower the service" in page(response)
    premier.refresh_from_db()
    assert premier.package_version.package.slug == "premier-success"
    assert SubscriptionChange.objects.get().outcome == "refused"


def test_bad_change_input_gets_a_form_message(premier: Subscription, admin_user: User) -> None:
    console = signed_in(admin_user)
    bad = console.post(url(premier), {"to_version": "999999", "action": "preview"})
    assert bad.status_code == 400 and "Choose a package version from the list" in page(bad)
    early = (premier.starts_on - timedelta(days=1)).isoformat()
    before = console.post(
        url(premier),
        {"to_version": premier.package_version_id, "ends_on": early, "action": "confirm"},
    )
    assert before.status_code == 422 and "cannot end before it starts" in page(before)
    assert not SubscriptionChange.objects.exists()


def test_other_staff_get_no_change_package_page_and_customers_get_404(
    premier: Subscription, support_agent: User, northwind_user: User
) -> None:
    staff = signed_in(support_agent)
    assert "Change package" not in page(staff.get(f"/console/customers/{premier.customer_id}/"))
    assert staff.get(url(premier)).status_code == 403
    posted = staff.post(url(premier), {"to_version": latest("standard").pk, "action": "confirm"})
    assert posted.status_code == 403
    assert signed_in(northwind_user).get(url(premier)).status_code == 404
    assert not SubscriptionChange.objects.exists()
