from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from successdesk.ops.demo import load_demo, sign_in_lines


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo sign-ins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-sign-ins", action="store_true", help="Do not print them.")

    def handle(self, *args: Any, **options: Any) -> None:
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        if not options["quiet_sign_ins"]:
            self.stdout.write("\n".join(sign_in_lines()))
