"""Routing rules, per-team assignment settings and the SLA escalations the sweep recorded."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from successdesk.accounts.models import SupportTeam, User
from successdesk.cases.models import Case
from successdesk.domain.errors import DomainError
from successdesk.domain.routing import AssignmentStrategy
from successdesk.domain.routing import RoutingRule as DomainRule

CONDITIONS = ("categories", "product_areas", "severities", "channels", "customers", "packages")
_ANY = "Empty: any value."


class RoutingRule(models.Model):
    """Send cases that match every condition set here to ``team``. Rules are tried by
    ``position`` (lowest first); the first that matches wins. A condition left empty
    accepts any value; a list accepts any of its values."""

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=100, help_text="Lower positions go first.")
    team = models.ForeignKey(SupportTeam, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    categories = models.JSONField(
        null=True, blank=True, help_text=f'Case categories, e.g. ["integration", "api"]. {_ANY}'
    )
    product_areas = models.JSONField(
        null=True, blank=True, help_text=f'Product areas, e.g. ["referrals"]. {_ANY}'
    )
    severities = models.JSONField(null=True, blank=True, help_text=f"e.g. [1, 2]. {_ANY}")
    channels = models.JSONField(
        null=True, blank=True, help_text=f'Of "web", "phone", "api". {_ANY}'
    )
    customers = models.JSONField(null=True, blank=True, help_text=f"Customer slugs. {_ANY}")
    packages = models.JSONField(
        null=True, blank=True, help_text=f'Package slugs, e.g. ["premier-success-plus"]. {_ANY}'
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["is_active", "position"], name="routing_rule_order")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} → {self.team}"

    def condition(self, name: str) -> frozenset[Any] | None:
        values = getattr(self, name)
        return frozenset(values) if values else None

    def to_domain(self) -> DomainRule:
        """The pure rule (its team is the team's slug); raises DomainError when malformed."""
        return DomainRule(
            order=self.position,
            team=self.team.slug,
            **{name: self.condition(name) for name in CONDITIONS},
        )

    def clean(self) -> None:
        for name in CONDITIONS:
            values = getattr(self, name)
            if values in ([], ""):
                setattr(self, name, None)
            elif values is not None and not isinstance(values, list):
                raise ValidationError({name: 'Write a list, e.g. ["a", "b"], or leave it empty.'})
            elif (
                name == "severities"
                and values is not None
                and not all(type(v) is int for v in values)
            ):
                raise ValidationError({name: "Write severities as numbers, e.g. [1, 2]."})
        if self.team_id is None:
            return
        try:
            self.to_domain()
        except DomainError as exc:
            raise ValidationError({exc.field or "__all__": exc.message}) from exc


class TeamSettings(models.Model):
    """How a team hands out the cases routed to it, and where round-robin stopped."""

    team = models.OneToOneField(
        SupportTeam, on_delete=models.CASCADE, related_name="triage_settings"
    )
    strategy = models.CharField(
        max_length=20,
        choices=[
            (AssignmentStrategy.ROUND_ROBIN.value, "Round-robin"),
            (AssignmentStrategy.LEAST_LOADED.value, "Fewest open cases"),
        ],
        default=AssignmentStrategy.ROUND_ROBIN.value,
        help_text="Among members marked available.",
    )
    auto_assign = models.BooleanField(
        default=True, help_text="Assign an agent as soon as a case is routed to the team."
    )
    last_assigned = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "team settings"

    def __str__(self) -> str:
        return f"{self.team}: {self.get_strategy_display()}"


class SlaEscalation(models.Model):
    """One clock of one case reached a level once: the sweep's record, so that re-runs and
    concurrent sweeps escalate each (case, clock, level) exactly once."""

    class Level(models.TextChoices):
        AT_RISK = "at_risk", "At risk"
        BREACHED = "breached", "Breached"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sla_escalations")
    clock = models.CharField(
        max_length=20, choices=[("first_response", "First response"), ("resolution", "Resolution")]
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    notified = models.JSONField(
        default=list, blank=True, help_text="Who was e-mailed (empty: passed straight by)."
    )

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "clock", "level"], name="one_escalation_per_clock_and_level"
            )
        ]
        indexes = [models.Index(fields=["level", "-at"], name="sla_escalation_recent")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.clock} {self.level}"
