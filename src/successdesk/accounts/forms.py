from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .models import User


class SignInForm(AuthenticationForm):
    """E-mail and password. The address is stripped and lower-cased before it reaches the
    backends, so the lockout and the audit log see one spelling of each account."""

    username = forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That e-mail and password do not match an active account. Check both, or use "
            "“Forgot Password?” below."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def get_invalid_login_error(self) -> ValidationError:
        """Say so when the right password belongs to a deactivated customer's user (the
        backend refuses them): nothing is revealed without the password."""
        email = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password") or ""
        user = (
            User.objects.select_related("customer")
            .filter(email__iexact=email, customer__is_active=False, is_active=True)
            .first()
        )
        if user is not None and user.customer is not None and user.check_password(password):
            return ValidationError(
                f"{user.customer.name}'s account with us is deactivated, so nobody from it "
                "can sign in. If this is a mistake, call support or ask your account manager.",
                code="customer_inactive",
            )
        return super().get_invalid_login_error()
