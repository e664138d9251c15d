"""Forms for the roster, the designated contacts' powers and training (portal and console).
They parse input only; the rules are in ``services``, ``powers`` and ``training``."""

from __future__ import annotations

from typing import Any

from django import forms

from successdesk.accounts.models import Customer, User

from .models import DesignatedContact, TrainingCourse

MAX_IMPORT_BYTES = 1024 * 1024


class DesignateForm(forms.Form):
    email = forms.EmailField(
        label="E-mail of the colleague to name",
        max_length=254,
        error_messages={
            "required": "Give the e-mail address of the colleague to name.",
            "invalid": "Write an e-mail address such as name@example.com.",
        },
    )
    # Set by the confirmation step when naming this contact is billed.
    confirm_fee = forms.BooleanField(required=False, widget=forms.HiddenInput)


class _ByContactEmail(forms.ModelChoiceField[DesignatedContact]):
    def label_from_instance(self, obj: DesignatedContact) -> str:
        return obj.user.email


class _ByEmail(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.email


class TransferForm(forms.Form):
    contact = _ByContactEmail(
        queryset=DesignatedContact.objects.none(),
        label="Transfer the responsibilities of",
        empty_label="Choose a designated contact…",
        error_messages={
            "required": "Choose the designated contact whose responsibilities move.",
            "invalid_choice": "Choose a designated contact from the list.",
        },
    )
    to_user = _ByEmail(
        queryset=User.objects.none(),
        label="To",
        empty_label="Choose a colleague…",
        error_messages={
            "required": "Choose the colleague who takes over.",
            "invalid_choice": "Choose a colleague from the list.",
        },
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = DesignatedContact.objects.filter(customer=customer, removed_at__isnull=True)
        contact = self.fields["contact"]
        to_user = self.fields["to_user"]
        assert isinstance(contact, forms.ModelChoiceField)
        assert isinstance(to_user, forms.ModelChoiceField)
        contact.queryset = active.select_related("user").order_by("since", "pk")
        to_user.queryset = User.objects.filter(customer=customer, is_active=True).exclude(
            pk__in=active.values("user_id")
        )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New sign-in e-mail",
        max_length=254,
        error_messages={
            "required": "Give the new e-mail address.",
            "invalid": "Write an e-mail address such as name@example.com.",
        },
    )


class TrainingRecordForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="User")
    course = forms.ModelChoiceField(queryset=TrainingCourse.objects.all(), label="Course")
    completed_on = forms.DateField(
        label="Completed on",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Write the date as YYYY-MM-DD."},
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(customer=customer)


class TrainingImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email,course,completed_on (course = its slug; date YYYY-MM-DD).",
        error_messages={"required": "Choose a CSV file to upload.", "empty": "The file is empty."},
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB: split it and import each.")
        try:
            text: str = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."
            ) from None
        return text
