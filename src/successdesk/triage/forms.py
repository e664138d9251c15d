"""Forms of the triage panel: document and route a case, link a sender to a customer."""

from __future__ import annotations

from typing import Any

from django import forms

from successdesk.accounts.models import Customer, SupportTeam
from successdesk.cases.models import Case
from successdesk.domain.intake import SEVERITIES


class TriageForm(forms.Form):
    category = forms.CharField(max_length=60, help_text="e.g. integration, campaign, hub, api.")
    product_area = forms.CharField(max_length=60, label="Product area")
    severity = forms.TypedChoiceField(
        coerce=int,
        choices=list(SEVERITIES.items()),
        label="Confirmed severity",
        error_messages={"invalid_choice": "Choose a severity from 1 to 4."},
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20_000,
        label="Reproduction notes",
        help_text="How to reproduce it, what was tried, what the caller confirmed.",
    )
    team = forms.ModelChoiceField(
        queryset=SupportTeam.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="As the routing rules decide",
        error_messages={"invalid_choice": "Choose one of the teams listed."},
    )
    override = forms.BooleanField(
        required=False,
        label="Override the routing rules",
        help_text="Needed to send the case to another team than the rules choose.",
    )

    @classmethod
    def for_case(cls, case: Case, data: Any = None) -> TriageForm:
        return cls(
            data,
            prefix="triage",
            initial={
                "category": case.category,
                "product_area": case.product_area,
                "severity": case.severity,
            },
        )


class LinkCustomerForm(forms.Form):
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.filter(is_active=True).order_by("name"),
        error_messages={"invalid_choice": "Choose one of the active customers listed."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)
