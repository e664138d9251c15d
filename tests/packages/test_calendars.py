from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import User
from successdesk.intake.phone import phone_line_status
from successdesk.packages.calendars import parse_weekly_hours, vendor_phone_calendar
from successdesk.packages.catalog import catalog_load
from successdesk.packages.models import Calendar, CalendarClosure
from tests.conftest import signed_in

# Tuesday 2026-11-24 15:00 UTC is 10:00 in Toronto: the line is open.
TUESDAY_MORNING = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_the_vendor_default_is_twelve_hours_five_days_in_toronto_closed_on_holidays(
    db: None,
) -> None:
    catalog_load()
    calendar = vendor_phone_calendar()
    assert calendar.describe() == "Mon–Fri 08:00–20:00 America/Toronto"
    assert calendar.is_open(TUESDAY_MORNING)
    # Christmas Day 2026 is a Friday: closed.
    assert not calendar.is_open(datetime(2026, 12, 25, 15, 0, tzinfo=UTC))
    # Civic Holiday is not statutory in Ontario; Canada Day (Wed 2026-07-01) is.
    assert not calendar.is_open(datetime(2026, 7, 1, 15, 0, tzinfo=UTC))


def test_an_admin_closure_takes_effect_at_once(db: None) -> None:
    catalog_load()
    assert phone_line_status(TUESDAY_MORNING).open_now
    stored = Calendar.objects.get(slug="vendor-phone")
    CalendarClosure.objects.create(calendar=stored, date=date(2026, 11, 24), reason="Offsite")
    status = phone_line_status(TUESDAY_MORNING)
    assert not status.open_now
    assert status.next_open == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


def test_removing_a_closure_reopens_the_day_at_once(db: None) -> None:
    catalog_load()
    stored = Calendar.objects.get(slug="vendor-phone")
    closure = CalendarClosure.objects.create(calendar=stored, date=date(2026, 11, 24))
    assert not phone_line_status(TUESDAY_MORNING).open_now
    stored.closures.filter(pk=closure.pk).delete()  # as the admin's bulk delete does
    assert phone_line_status(TUESDAY_MORNING).open_now


def test_an_admin_edit_of_the_weekly_hours_takes_effect(db: None) -> None:
    catalog_load()
    stored = Calendar.objects.get(slug="vendor-phone")
    stored.weekly_hours = {"1": [["11:00", "12:00"]]}
    stored.save()
    assert not phone_line_status(TUESDAY_MORNING).open_now


def test_the_phone_hours_setting_seeds_the_stored_calendar(db: None, settings: Any) -> None:
    settings.VENDOR_PHONE_HOURS = "0-4 09:00-17:00; 5 10:00-14:00"
    catalog_load()
    assert vendor_phone_calendar().describe().startswith("Mon–Fri 09:00–17:00")


@pytest.mark.parametrize("spec", ["weekdays 8-20", "0-4 08:00", "9 08:00-20:00", "0-4 25:00-26:00"])
def test_unreadable_phone_hours_are_refused_clearly(spec: str) -> None:
    with pytest.raises(Exception) as info:
        parse_weekly_hours(spec)
    assert getattr(info.value, "code", "") == "invalid_calendar"


def test_admins_edit_calendars_and_bad_hours_get_a_form_message(db: None, admin_user: User) -> None:
    catalog_load()
    stored = Calendar.objects.get(slug="vendor-phone")
    client: Client = signed_in(admin_user)
    url = f"/admin/packages/calendar/{stored.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": stored.name,
            "slug": stored.slug,
            "time_zone": "America/Toronto",
            "weekly_hours": '{"0": [["20:00", "08:00"]]}',
            "holiday_country": "CA",
            "holiday_subdivision": "ON",
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    stored.refresh_from_db()
    assert stored.weekly_hours["0"] == [["08:00", "20:00"]]
