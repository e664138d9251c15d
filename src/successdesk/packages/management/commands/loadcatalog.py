from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from successdesk.packages.catalog import catalog_load


class Command(BaseCommand):
    help = "Load the shipped package catalog: new calendars, packages and versions only."

    def handle(self, *args: Any, **options: Any) -> None:
        created = catalog_load()
        for version in created:
            self.stdout.write(f"published {version}")
        self.stdout.write(self.style.SUCCESS(f"{len(created)} new package version(s)."))
