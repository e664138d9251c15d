"""Forms for service requests; they only parse input (rules are in services)."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from successdesk.cases.forms import MultipleFileField
from successdesk.domain.service_flow import PRIORITIES, RequestStatus, ServiceKind, allowed_next

KIND_CHOICES = [(k.value, k.label) for k in ServiceKind]


class ServiceRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=KIND_CHOICES, label="What do you need?")
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text="For a task: what, where, how many records, by when. For a review: which "
        "campaign or event, and what you would like to improve.",
    )
    attachments = MultipleFileField(help_text="For example the CSV file to import.")

    def limit_kinds(self, open_kinds: list[ServiceKind]) -> None:
        allowed = {k.value for k in open_kinds}
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(v, label) for v, label in KIND_CHOICES if v in allowed]


class AdvanceForm(forms.Form):
    """Move a request on: the select offers the steps its status allows now (any status is
    accepted as input, so that one no longer allowed gets the rule's refusal)."""

    to = forms.ChoiceField(choices=[(s.value, s.label) for s in RequestStatus], label="Move to")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2_000,
        label="Reason (to decline) or what was done (to deliver)",
    )
    recommendations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="Recommendations (advisory reviews)",
        help_text="One per line: area | finding | suggestion | priority (high, medium, low).",
    )

    def clean_recommendations(self) -> list[dict[str, Any]]:
        raw = self.cleaned_data.get("recommendations", "").strip()
        if raw.startswith("["):
            try:
                parsed = json.loads(raw)
            except ValueError as exc:
                raise forms.ValidationError("Not valid JSON.") from exc
            if not isinstance(parsed, list) or not all(isinstance(i, dict) for i in parsed):
                raise forms.ValidationError(
                    "Give the recommendations as a JSON list of objects (area, finding, "
                    "suggestion, priority), or one per line."
                )
            return parsed
        rows = []
        for line in raw.splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            parts += [""] * (4 - len(parts))
            priority = parts[3].lower() if parts[3].lower() in PRIORITIES else "medium"
            rows.append(
                {
                    "area": parts[0],
                    "finding": parts[1],
                    "suggestion": parts[2],
                    "priority": priority,
                }
            )
        return rows

    def __init__(self, *args: Any, item: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        steps = sorted(allowed_next(item.status))
        self.fields["to"].widget.choices = [(t.value, t.label) for t in steps]
        self.has_next_step = bool(steps)


class ExtraForm(forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=KIND_CHOICES)
    amount = forms.IntegerField(min_value=1, max_value=20, initial=1)
    reason = forms.CharField(max_length=500)
