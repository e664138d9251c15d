from __future__ import annotations

import pytest

from successdesk.accounts.models import Customer, User
from successdesk.domain.errors import InvalidInput
from successdesk.domain.exclusions import ExclusionKind, detect, load_default_rules
from successdesk.packages.catalog import catalog_load
from successdesk.packages.models import Package, Product, ProductCoverage
from successdesk.packages.products import products_load
from successdesk.packages.selectors import (
    covered_products,
    third_party_product_names,
    vendor_product_names,
)
from tests.conftest import signed_in
from tests.rostering import person, subscribe


@pytest.fixture
def catalog(db: None) -> None:
    catalog_load()


def coverage(package_slug: str) -> dict[str, bool]:
    package = Package.objects.get(slug=package_slug)
    return {row.product.name: row.covered for row in covered_products(package)}


def test_the_catalog_loads_the_vendors_products_and_known_third_parties_once(
    catalog: None,
) -> None:
    names = vendor_product_names()
    for name in ("AdvocateHub", "Referrals", "Advocate Marketplace", "Salesforce integration"):
        assert name in names
    assert {"SSO/SAML", "API", "Reporting"} <= set(names)
    assert {"Salesforce", "Marketo", "Okta"} <= set(third_party_product_names())
    assert not set(names) & set(third_party_product_names())
    count = ProductCoverage.objects.count()
    assert count == Product.objects.count() * Package.objects.count()
    catalog_load()
    assert ProductCoverage.objects.count() == count


def test_premier_covers_the_content_library_and_standard_does_not(catalog: None) -> None:
    premier, standard = coverage("premier-success"), coverage("standard")
    assert premier["Campaign Content Library"] is True
    assert standard["Campaign Content Library"] is False
    assert premier["AdvocateHub"] is standard["AdvocateHub"] is True
    assert premier["Salesforce"] is premier["Okta"] is False


def test_covered_products_list_the_vendors_covered_ones_first(catalog: None) -> None:
    rows = covered_products(Package.objects.get(slug="standard"))
    owned = [row.product.vendor_owned for row in rows]
    assert owned == sorted(owned, reverse=True)
    vendor_rows = [row for row in rows if row.product.vendor_owned]
    assert [r.covered for r in vendor_rows] == sorted(
        (r.covered for r in vendor_rows), reverse=True
    )


def test_an_admins_edit_to_a_coverage_survives_a_reload(catalog: None) -> None:
    row = ProductCoverage.objects.get(product__slug="reporting", package__slug="standard")
    row.covered, row.note = False, "Reporting is a Premier feature for us."
    row.save()
    catalog_load()
    row.refresh_from_db()
    assert (row.covered, row.note) == (False, "Reporting is a Premier feature for us.")


def test_a_product_naming_an_unknown_package_is_refused_and_nothing_is_written(
    catalog: None,
) -> None:
    spec = {"slug": "new-thing", "name": "New thing", "covered_by": ["gold"]}
    with pytest.raises(InvalidInput) as caught:
        products_load([spec])
    assert "gold" in caught.value.message and caught.value.field == "covered_by"
    assert not Product.objects.filter(slug="new-thing").exists()


def test_vendor_product_names_keep_the_exclusion_check_off_our_own_integrations(
    catalog: None,
) -> None:
    rules = load_default_rules()

    def kinds(text: str) -> set[ExclusionKind]:
        found = detect(
            text,
            "",
            rules,
            vendor_products=vendor_product_names(),
            third_party_products=third_party_product_names(),
        )
        return {m.kind for m in found}

    assert ExclusionKind.THIRD_PARTY not in kinds(
        "The Salesforce integration stopped syncing referrals into our CRM"
    )
    assert ExclusionKind.THIRD_PARTY in kinds(
        "Please help us configure Okta group rules and assign licenses in our Okta admin console"
    )


def test_customers_see_covered_and_excluded_products_on_our_package(
    northwind: Customer,
) -> None:
    subscribe(northwind, "standard")
    page = signed_in(person(northwind, "it@northwind.example")).get("/portal/account/package/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Covered products" in html and "Advocate Marketplace" in html
    assert "A third-party product: not covered" in html
    assert "Standard" in html


def test_a_customer_without_a_subscription_is_told_on_our_package(
    northwind_user: User,
) -> None:
    page = signed_in(northwind_user).get("/portal/account/package/")
    assert page.status_code == 200
    assert "no subscription covering today" in page.content.decode()


def test_staff_get_404_from_our_package(support_agent: User) -> None:
    assert signed_in(support_agent).get("/portal/account/package/").status_code == 404


def test_admins_edit_products_in_the_django_admin_where_usage_counters_are_read_only(
    catalog: None, admin_user: User
) -> None:
    # Extras are granted on the console (audited, vendor admins only), not typed in here.
    client = signed_in(admin_user)
    product = Product.objects.get(slug="referrals")
    assert client.get(f"/admin/packages/product/{product.pk}/change/").status_code == 200
    assert client.get("/admin/packages/usagecounter/add/").status_code == 403


def test_our_package_states_sla_targets_in_words(northwind: Customer) -> None:
    import re

    subscribe(northwind, "premier-success")
    html = (
        signed_in(person(northwind, "it@northwind.example"))
        .get("/portal/account/package/")
        .content.decode()
    )
    cells = re.findall(r"<td>(\d+ [^<]*(?:hour|minute|day)[^<]*)</td>", html)
    assert "1 day" in cells and "4 business hours" in cells, cells
    assert not re.search(r"<td>\d+ h( \d+ min)?</td>|\d:\d\d:\d\d", html)
