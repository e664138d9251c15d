from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from successdesk.accounts.models import Customer
from successdesk.domain.entitlements import MaterialDecrease
from successdesk.domain.errors import DomainError
from successdesk.packages.models import PackageVersion
from successdesk.packages.selectors import customer_today, subscription_current
from successdesk.packages.services import subscription_change, subscription_change_preview


def _version(text: str) -> PackageVersion:
    slug, _, number = text.partition(":")
    versions = PackageVersion.objects.select_related("package").filter(
        Q(package__slug=slug) | Q(package__name__iexact=slug)
    )
    if number:
        if not number.isdigit():
            raise CommandError(f"Write the version as PACKAGE or PACKAGE:NUMBER, not {text!r}.")
        versions = versions.filter(version=int(number))
    found = versions.order_by("-version").first()
    if found is None:
        known = ", ".join(str(v) for v in PackageVersion.objects.select_related("package"))
        raise CommandError(f"No package version {text!r}. Known: {known}.")
    return found


class Command(BaseCommand):
    help = (
        "Change a customer's current subscription to another package version (and/or term "
        "end) through the change service: a change that lowers the service mid-term is "
        "refused with every decrease, or scheduled for the renewal date with --schedule. "
        "Every outcome is recorded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer", help="The customer's name or slug.")
        parser.add_argument(
            "version", help="PACKAGE (its latest version) or PACKAGE:NUMBER, by slug or name."
        )
        parser.add_argument("--ends-on", type=date.fromisoformat, help="New term end, YYYY-MM-DD.")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="If the change lowers the service, schedule it for the renewal date.",
        )
        parser.add_argument(
            "--preview", action="store_true", help="Show what would change; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["customer"]
        customer = Customer.objects.filter(Q(slug=name) | Q(name__iexact=name)).first()
        if customer is None:
            raise CommandError(f"No customer named {name!r}.")
        subscription = subscription_current(customer=customer, on=customer_today(customer))
        if subscription is None:
            raise CommandError(f"{customer.name} has no subscription covering today.")
        choice = {
            "to_version": _version(options["version"]),
            "ends_on": options["ends_on"],
            "schedule_if_decrease": options["schedule"],
        }
        try:
            plan = subscription_change_preview(subscription=subscription, **choice)
            for row in plan.changed_rows:
                self.stdout.write(f"  {row.label}: {row.before} → {row.after} ({row.direction})")
            if options["preview"]:
                self.stdout.write(f"Would be {plan.outcome.value}. Nothing changed.")
                return
            change = subscription_change(subscription=subscription, via="command", **choice)
        except MaterialDecrease as exc:
            raise CommandError(f"Refused (recorded): {exc.message}") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if change.outcome == change.Outcome.SCHEDULED:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scheduled: {customer.name} moves to {change.to_version.label} at the "
                    f"renewal on {subscription.renews_on}."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Changed: {customer.name} has {change.to_version.label} until "
                    f"{subscription.ends_on}."
                )
            )
