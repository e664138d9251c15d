"""``successdesk loadcatalog``: the shipped package catalog (packages) and training courses
(contacts). It lives in ``ops`` because it loads what two apps own."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from successdesk.contacts.training import training_courses_load
from successdesk.packages.catalog import catalog_load


class Command(BaseCommand):
    help = (
        "Load the shipped package catalog and training courses: new calendars, packages, "
        "versions and courses only."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = catalog_load()
            training_courses_load()
        for version in created:
            self.stdout.write(f"published {version}")
        self.stdout.write(self.style.SUCCESS(f"{len(created)} new package version(s)."))
