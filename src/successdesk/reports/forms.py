"""The period (and grouping) a report covers, from the query string."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms

from successdesk.accounts.today import vendor_today

from .selectors import Period

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
DATE_ERROR = {"invalid": "Write the date as YYYY-MM-DD."}


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, error_messages=DATE_ERROR)
    end = forms.DateField(required=False, error_messages=DATE_ERROR)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or vendor_today()
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(
                f"The period starts ({start}) after it ends ({end}). Swap the dates."
            )
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                f"A report covers at most {MAX_DAYS} days; choose a shorter period."
            )
        data["start"], data["end"] = start, end
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])


class SlaPeriodForm(PeriodForm):
    by = forms.ChoiceField(
        choices=[("package", "Package"), ("severity", "Severity"), ("team", "Team")],
        required=False,
        error_messages={"invalid_choice": "Group by package, severity or team."},
    )

    def clean_by(self) -> str:
        return self.cleaned_data.get("by") or "package"
