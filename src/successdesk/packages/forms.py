"""The console's "Change package" form: parses input only; the rule is in
``services.subscription_change`` (and ``domain.subscription_change``)."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import PackageVersion


class _VersionChoice(forms.ModelChoiceField[PackageVersion]):
    def label_from_instance(self, obj: PackageVersion) -> str:
        return obj.label


class ChangePackageForm(forms.Form):
    to_version = _VersionChoice(
        queryset=PackageVersion.objects.select_related("package").order_by(
            "package__rank", "-version"
        ),
        label="Package version",
        empty_label=None,
        error_messages={"invalid_choice": "Choose a package version from the list."},
    )
    ends_on = forms.DateField(
        label="Term ends on (leave empty to keep it)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )
    schedule_if_decrease = forms.BooleanField(
        label="If it lowers the service, schedule it for the renewal date instead of refusing",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_version"].widget.attrs["autofocus"] = True
