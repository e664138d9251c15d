"""Load the package catalog shipped with the app (``successdesk/data/packages.json``).

Loading is idempotent and never edits what exists: calendars already stored keep the
admins' edits, and a version number already published is left as it is.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

from django.db import transaction

from successdesk.domain.entitlements import Entitlements
from successdesk.domain.errors import InvalidInput

from .calendars import vendor_phone_fields
from .models import Calendar, Package, PackageVersion
from .products import products_load


def catalog_data() -> dict[str, Any]:
    text = resources.files("successdesk.data").joinpath("packages.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def weekly_open_hours(calendar: Calendar) -> float:
    """Open hours in a plain week (no holidays), from the calendar's weekly windows."""
    total = 0.0
    for windows in calendar.weekly().values():
        for start, end in windows:
            end_h = 24.0 if end.hour == 0 and end.minute == 0 else end.hour + end.minute / 60
            total += end_h - (start.hour + start.minute / 60)
    return total


def entitlements_for(raw: dict[str, Any], phone_calendar: Calendar) -> Entitlements:
    """Validate a version's entitlements; the phone hours come from its phone calendar."""
    data = {**raw, "phone_hours_per_week": weekly_open_hours(phone_calendar)}
    return Entitlements.from_dict(data)


@transaction.atomic
def catalog_load(data: dict[str, Any] | None = None) -> list[PackageVersion]:
    """Create the calendars, packages and versions of the data file that do not exist yet,
    then the products (``products.json``, or ``data["products"]``) that do not. Returns the
    versions created. (The training courses are the contacts app's:
    ``contacts.training.training_courses_load``; ``successdesk loadcatalog`` loads both.)"""
    shipped = data is None
    data = catalog_data() if data is None else data
    calendars: dict[str, Calendar] = {}
    for spec in data.get("calendars", []):
        fields = {k: v for k, v in spec.items() if k not in ("slug", "from_settings")}
        if spec.get("from_settings"):
            fields.update(vendor_phone_fields())
        calendar, created = Calendar.objects.get_or_create(slug=spec["slug"], defaults=fields)
        if created:
            calendar.full_clean()
        calendars[calendar.slug] = calendar
    created_versions: list[PackageVersion] = []
    for spec in data.get("packages", []):
        package, _ = Package.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "rank": spec.get("rank", 0),
                "description": spec.get("description", ""),
            },
        )
        for version in spec.get("versions", []):
            if PackageVersion.objects.filter(package=package, version=version["version"]).exists():
                continue
            created_versions.append(
                version_publish(
                    package=package,
                    version=version["version"],
                    effective_from=date.fromisoformat(version["effective_from"]),
                    entitlements=version["entitlements"],
                    phone_calendar=_calendar(calendars, version["phone_calendar"]),
                    sla_calendar=_calendar(calendars, version["sla_calendar"]),
                    notes=version.get("notes", ""),
                )
            )
    products_load(None if shipped else data.get("products", []))
    return created_versions


def _calendar(known: dict[str, Calendar], slug: str) -> Calendar:
    if slug in known:
        return known[slug]
    found = Calendar.objects.filter(slug=slug).first()
    if found is None:
        raise InvalidInput(f"No calendar {slug!r}: define it under 'calendars'.", field=slug)
    return found


def version_publish(
    *,
    package: Package,
    entitlements: dict[str, Any],
    effective_from: date,
    phone_calendar: Calendar,
    sla_calendar: Calendar,
    version: int | None = None,
    notes: str = "",
) -> PackageVersion:
    """Publish a new, immutable version of a package. Running subscriptions keep theirs."""
    grants = entitlements_for(entitlements, phone_calendar)
    if version is None:
        last = package.versions.order_by("-version").values_list("version", flat=True).first()
        version = (last or 0) + 1
    return PackageVersion.objects.create(
        package=package,
        version=version,
        effective_from=effective_from,
        entitlements=grants.to_dict(),
        phone_calendar=phone_calendar,
        sla_calendar=sla_calendar,
        notes=notes,
    )
