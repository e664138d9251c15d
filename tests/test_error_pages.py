"""The error pages a visitor meets (404, 403, 500): the product's own, with a way back."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.views.defaults import server_error

from successdesk.accounts.models import User
from tests.conftest import signed_in


def test_an_unknown_address_shows_our_page_not_found_with_a_way_home_and_to_help(
    db: None,
) -> None:
    response = Client().get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert "/no-such-page/" in page
    assert 'href="/help/"' in page and "Go to your home page" in page
    assert "Influitive Support" in page  # the product's layout, not Django's bare page


def test_a_signed_in_customer_meets_the_page_not_found_inside_the_portal_layout(
    northwind_user: User,
) -> None:
    page = signed_in(northwind_user).get("/portal/cases/CS-999999/").content.decode()
    assert "<h1>Page not found</h1>" in page
    assert "Sign out" in page  # still signed in, the navigation is there


def test_a_stale_form_is_refused_with_our_page_saying_to_reload(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "a@b.example", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Please try again</h1>" in page and "nothing was saved" in page


def test_a_server_error_shows_our_page_without_needing_the_database_or_a_request(
    db: None,
) -> None:
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in page and "/static/successdesk/app.css" in page
