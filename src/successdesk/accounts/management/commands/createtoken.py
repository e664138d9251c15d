from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from successdesk.accounts.services import token_create
from successdesk.domain.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token for the user with this e-mail; prints the token alone."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="A label to recognise the token by.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = token_create(email=options["email"], name=options["name"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
