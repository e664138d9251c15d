"""Forms of the triage panel: document and route a case, link a sender to a customer."""

from __future__ import annotations

from typing import Any

from django import forms

from successdesk.accounts.models import Customer, SupportTeam
from successdesk.cases.models import Case
from successdesk.domain.intake import SEVERITIES

from .selectors import triage_panel
from .services import TRIAGE_ROLES


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


def panel_context(
    case: Case,
    user: Any,
    *,
    form: TriageForm | None = None,
    link_form: LinkCustomerForm | None = None,
    verify_error: str = "",
) -> dict[str, Any]:
    """What the triage panel shows: its forms and what ``triage_panel`` reads (where the
    rules send the case, the last documentation; for an unverified public message, the
    customer user its address matched (to verify) and the customer to link it to)."""
    panel = triage_panel(case)
    return {
        "verify_candidate": panel.verify_candidate,
        "verify_error": verify_error,
        "case": case,
        "can_triage": user.has_role(*TRIAGE_ROLES),
        "form": form or TriageForm.for_case(case),
        "link_form": link_form or (LinkCustomerForm() if case.customer_id is None else None),
        "suggested_team": panel.suggested_team,
        "suggested_rule": panel.suggested_rule,
        "record": panel.record,
    }
