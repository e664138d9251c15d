"""Forms for the web channels; they only parse input (rules are in services)."""

from __future__ import annotations

from typing import Any

from django import forms

from successdesk.domain.intake import CATEGORIES, SEVERITIES
from successdesk.domain.lifecycle import CaseStatus, ResolutionType, allowed_targets


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


SEVERITY_CHOICES = [(str(k), v) for k, v in SEVERITIES.items()]
CATEGORY_CHOICES = [("", "—"), *CATEGORIES.items()]


class CaseForm(forms.Form):
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, max_length=20_000)
    severity = forms.TypedChoiceField(choices=SEVERITY_CHOICES, coerce=int, initial="3")
    category = forms.ChoiceField(choices=CATEGORY_CHOICES, required=False)
    steps_to_reproduce = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, required=False
    )
    attachments = MultipleFileField()


class ContactForm(forms.Form):
    """The public "Send a Message" form behind "Need Help?"."""

    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=254)
    phone = forms.CharField(max_length=40, required=False)
    customer_name = forms.CharField(max_length=200, label="Organisation")
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, max_length=20_000)
    # Honeypot: people never see it; a bot that fills it is ignored.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class PhoneCaseForm(forms.Form):
    """A triage agent logs a telephone call."""

    customer = forms.IntegerField(widget=forms.Select)
    caller_name = forms.CharField(max_length=200)
    caller_email = forms.EmailField(max_length=254, required=False)
    callback_number = forms.CharField(max_length=40)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, max_length=20_000)
    severity = forms.TypedChoiceField(choices=SEVERITY_CHOICES, coerce=int, initial="3")
    category = forms.ChoiceField(choices=CATEGORY_CHOICES, required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Call notes (internal)"
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, label="Your reply"
    )
    attachments = MultipleFileField()


class StaffReplyForm(ReplyForm):
    internal = forms.BooleanField(required=False, label="Internal note (staff only)")


class StatusForm(forms.Form):
    """Move a case: the select offers the statuses the case may move to now (any status is
    accepted as input, so that one that is no longer allowed gets the rule's refusal)."""

    status = forms.ChoiceField(choices=[(s.value, s.label) for s in CaseStatus], label="Move to")
    resolution = forms.ChoiceField(
        choices=[("", "—"), *((r.value, r.label) for r in ResolutionType)],
        required=False,
        label="Resolution (to resolve)",
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        targets = sorted(allowed_targets(case.status))
        self.fields["status"].widget.choices = [(t.value, t.label) for t in targets]


class DiagnosticsForm(forms.Form):
    summary = forms.CharField(max_length=200)
    steps = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line.")
    information = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One per line."
    )
