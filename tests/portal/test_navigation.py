"""The navigation offers each person only the pages they may open: no link leads to a 403."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from successdesk.accounts.models import Customer, User
from tests.conftest import designate, signed_in

NAV = re.compile(r'<nav id="site-nav"[^>]*>(.*?)</nav>', re.S)


def nav_links(client: Client, start: str) -> list[str]:
    page = client.get(start).content.decode()
    found = NAV.search(page)
    assert found, "the page has the site navigation"
    return re.findall(r'<a href="([^"]+)"', found.group(1))


def assert_every_link_opens(client: Client, start: str) -> list[str]:
    links = nav_links(client, start)
    answers = {link: client.get(link).status_code for link in links if link != "/admin/"}
    assert answers == dict.fromkeys(answers, 200)
    return links


def test_a_customer_user_who_is_not_a_designated_contact_is_not_offered_the_users_page(
    premier_northwind: Customer, northwind_user: User
) -> None:
    links = assert_every_link_opens(signed_in(northwind_user), "/portal/")
    assert "/portal/account/users/" not in links
    assert "/portal/library/" in links  # Premier Success includes the library


def test_a_designated_contact_is_offered_the_users_page(
    premier_northwind: Customer, northwind_user: User
) -> None:
    designate(northwind_user)
    links = assert_every_link_opens(signed_in(northwind_user), "/portal/")
    assert "/portal/account/users/" in links


def test_a_customer_whose_package_has_no_library_is_not_offered_the_library(
    standard_contoso: Customer, contoso_user: User
) -> None:
    designate(contoso_user)
    links = assert_every_link_opens(signed_in(contoso_user), "/portal/")
    assert "/portal/library/" not in links


@pytest.mark.parametrize("who", ["triage_agent", "support_agent", "admin_user"])
def test_every_console_link_opens_for_each_staff_role(
    who: str, request: pytest.FixtureRequest, premier_northwind: Customer
) -> None:
    staff: User = request.getfixturevalue(who)
    links = assert_every_link_opens(signed_in(staff), "/console/")
    assert "/console/triage/" in links
