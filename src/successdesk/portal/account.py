"""Customer pages about the account: "Our package", "Designated contacts" and "Users".

Views parse input, call one service or selector and render; refusals are shown with the
rule's message and its status (4xx), and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from successdesk.accounts.http import AuthedRequest
from successdesk.accounts.models import Customer, User
from successdesk.accounts.network import client_ip
from successdesk.contacts.forms import DesignateForm, EmailChangeForm, TransferForm
from successdesk.contacts.powers import (
    contact_power_target,
    designated_contact_required,
    user_email_change,
    user_password_reset_send,
    user_unlock,
)
from successdesk.contacts.selectors import (
    customer_users,
    designation_get,
    is_designated_contact,
    roster_of,
    training_of,
)
from successdesk.contacts.services import (
    FeeConfirmationRequired,
    designated_contact_add,
    designated_contact_remove,
    designated_contact_transfer,
    fee_confirmation,
    roster_user,
)
from successdesk.domain.errors import DomainError, NotFound, PermissionDenied
from successdesk.packages.errors import NoCurrentSubscription
from successdesk.packages.overview import package_overview
from successdesk.web import View, customer_only, refuse


def _customer(request: AuthedRequest) -> Customer:
    if request.user.customer is None:  # not reached behind customer_only; for the types
        raise Http404
    return request.user.customer


# --- Our package ----------------------------------------------------------------------------


@customer_only
@require_GET
def package(request: AuthedRequest) -> HttpResponse:
    customer = _customer(request)
    try:
        overview, missing = package_overview(customer), None
    except NoCurrentSubscription as exc:
        overview, missing = None, exc.message
    return render(
        request,
        "portal/account/package.html",
        {"customer": customer, "view": overview, "missing": missing},
    )


# --- Designated contacts --------------------------------------------------------------------


def _roster_page(
    request: AuthedRequest,
    *,
    add_form: DesignateForm | None = None,
    transfer_form: TransferForm | None = None,
    error: str = "",
    fee_confirm: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    customer = _customer(request)
    may_change = is_designated_contact(request.user)
    context: dict[str, Any] = {
        "customer": customer,
        "roster": roster_of(customer),
        "may_change": may_change,
        "add_form": add_form or DesignateForm(),
        "transfer_form": transfer_form or TransferForm(customer=customer),
        "colleagues": [t for t in training_of(customer) if not t.designated] if may_change else [],
        "error": error,
        "fee_confirm": fee_confirm,
    }
    return render(request, "portal/account/contacts.html", context, status=status)


@customer_only
@require_GET
def contacts(request: AuthedRequest) -> HttpResponse:
    return _roster_page(request)


@customer_only
@require_POST
def contact_add(request: AuthedRequest) -> HttpResponse:
    customer = _customer(request)
    form = DesignateForm(request.POST)
    if not form.is_valid():
        return _roster_page(request, add_form=form, status=400)
    try:
        user = roster_user(customer=customer, email=form.cleaned_data["email"])
        done = designated_contact_add(
            actor=request.user,
            customer=customer,
            user=user,
            ip=client_ip(request),
            confirm_fee=form.cleaned_data["confirm_fee"],
        )
    except FeeConfirmationRequired as exc:
        return _roster_page(request, fee_confirm=fee_confirmation(exc, user), status=exc.status)
    except PermissionDenied as exc:
        return _roster_page(request, error=exc.message, status=exc.status)
    except DomainError as exc:
        refuse(form, exc)
        return _roster_page(request, add_form=form, status=exc.status)
    if not done.created:
        messages.info(request, f"{user.email} is already a designated contact.")
    elif done.fee is not None and done.fee_created:
        messages.success(
            request,
            f"{user.email} is now designated contact #{done.fee.position}; a fee of "
            f"{done.fee.amount_display} is recorded for this term.",
        )
    elif done.fee is not None:
        messages.success(
            request,
            f"{user.email} is a designated contact again; their fee for this term "
            f"({done.fee.amount_display}) was recorded before, so nothing more is billed.",
        )
    else:
        messages.success(request, f"{user.email} is now a designated contact.")
    return redirect("portal:account_contacts")


@customer_only
@require_POST
def contact_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = designation_get(_customer(request), pk)
    try:
        designated_contact_remove(actor=request.user, contact=contact, ip=client_ip(request))
    except DomainError as exc:
        return _roster_page(request, error=exc.message, status=exc.status)
    messages.success(request, f"{contact.user.email} is no longer a designated contact.")
    return redirect("portal:account_contacts")


@customer_only
@require_POST
def contact_transfer(request: AuthedRequest) -> HttpResponse:
    customer = _customer(request)
    form = TransferForm(request.POST, customer=customer)
    if not form.is_valid():
        return _roster_page(request, transfer_form=form, status=400)
    contact = form.cleaned_data["contact"]
    try:
        done = designated_contact_transfer(
            actor=request.user,
            contact=contact,
            to_user=form.cleaned_data["to_user"],
            ip=client_ip(request),
        )
    except PermissionDenied as exc:
        return _roster_page(request, error=exc.message, status=exc.status)
    except DomainError as exc:
        refuse(form, exc)
        return _roster_page(request, transfer_form=form, status=exc.status)
    messages.success(
        request,
        f"{contact.user.email}'s responsibilities are transferred to {done.contact.user.email}. "
        "We told the vendor.",
    )
    return redirect("portal:account_contacts")


# --- Users (designated contacts only) -------------------------------------------------------


def _refused(request: AuthedRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        raise exc  # 404 (customer_only)
    return render(
        request, "portal/account/refused.html", {"message": exc.message}, status=exc.status
    )


def _users_page(
    request: AuthedRequest,
    *,
    email_form: tuple[int, EmailChangeForm] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    customer = _customer(request)
    rows = [
        (
            row,
            email_form[1]
            if email_form and email_form[0] == row.user.pk
            else EmailChangeForm(
                initial={"email": row.user.email}, auto_id=f"id_user_{row.user.pk}_%s"
            ),
        )
        for row in customer_users(customer)
    ]
    return render(
        request,
        "portal/account/users.html",
        {"customer": customer, "rows": rows, "error": error},
        status=status,
    )


@customer_only
@require_GET
def users(request: AuthedRequest) -> HttpResponse:
    _customer(request)
    try:
        designated_contact_required(request.user)
    except DomainError as exc:
        return _refused(request, exc)
    return _users_page(request)


UserAction = Callable[[AuthedRequest, User], HttpResponse]


def _target_user(action: UserAction) -> View:
    """A designated contact's action on one user of their customer (POST), given that user:
    another customer's user or no user is a 404, an actor who may not act a refusal page.
    The action's own refusals show on the users page."""

    @customer_only
    @require_POST
    @wraps(action)
    def view(request: AuthedRequest, user_id: int) -> HttpResponse:
        try:
            user = contact_power_target(actor=request.user, user_id=user_id)
        except DomainError as exc:
            return _refused(request, exc)
        try:
            return action(request, user)
        except DomainError as exc:
            return _users_page(request, error=exc.message, status=exc.status)

    return view


def _done(request: AuthedRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("portal:account_users")


@_target_user
def password_reset_for(request: AuthedRequest, user: User) -> HttpResponse:
    user_password_reset_send(actor=request.user, user=user, ip=client_ip(request))
    return _done(request, f"We e-mailed {user.email} a link to choose a new password.")


@_target_user
def unlock_for(request: AuthedRequest, user: User) -> HttpResponse:
    cleared = user_unlock(actor=request.user, user=user, ip=client_ip(request))
    return _done(
        request,
        f"{user.email} can sign in again."
        if cleared
        else f"{user.email} was not locked out; nothing to clear.",
    )


@_target_user
def email_change_for(request: AuthedRequest, user: User) -> HttpResponse:
    form = EmailChangeForm(request.POST, auto_id=f"id_user_{user.pk}_%s")
    if not form.is_valid():
        return _users_page(request, email_form=(user.pk, form), status=400)
    try:
        change = user_email_change(
            actor=request.user, user=user, email=form.cleaned_data["email"], ip=client_ip(request)
        )
    except DomainError as exc:
        refuse(form, exc)
        return _users_page(request, email_form=(user.pk, form), status=exc.status)
    return _done(
        request,
        f"We e-mailed {change.new_email} a link to confirm the change. {user.email} keeps "
        "signing in with the current address until the link is confirmed; we told the "
        "current address too.",
    )
