"""Staff pages about customers: the list, a customer's page (subscription, roster with its
audit trail, fees, training), the fee list with its CSV export and the training import.

Every vendor staff member reads these pages; changes (roster, training) are for vendor
admins — the services refuse anyone else. Customer users get 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from successdesk.accounts.http import AuthedRequest
from successdesk.accounts.models import Customer
from successdesk.accounts.network import client_ip
from successdesk.accounts.roles import Role
from successdesk.accounts.selectors import customer_get
from successdesk.contacts.forms import (
    DesignateForm,
    TrainingImportForm,
    TrainingRecordForm,
    TransferForm,
)
from successdesk.contacts.selectors import (
    contact_fees,
    customers_overview,
    designation_get,
    roster_audit,
    roster_of,
    training_of,
)
from successdesk.contacts.services import (
    FeeConfirmationRequired,
    contact_fee_table,
    designated_contact_add,
    designated_contact_remove,
    designated_contact_transfer,
    fee_confirmation,
    roster_user,
)
from successdesk.contacts.training import (
    TrainingImportRejected,
    training_completion_record,
    training_courses,
    training_import_csv,
)
from successdesk.domain.entitlements import MaterialDecrease
from successdesk.domain.errors import DomainError
from successdesk.packages.forms import ChangePackageForm
from successdesk.packages.selectors import (
    customer_today,
    subscription_changes,
    subscription_current,
    subscriptions_today,
)
from successdesk.packages.services import subscription_change, subscription_change_preview
from successdesk.web import csv_response, refuse, staff_only


@staff_only
@require_GET
def customer_list(request: AuthedRequest) -> HttpResponse:
    subscriptions = subscriptions_today()
    rows = [(row, subscriptions.get(row.customer.pk)) for row in customers_overview()]
    return render(request, "console/customers/list.html", {"rows": rows})


def _customer_page(
    request: AuthedRequest,
    customer: Customer,
    *,
    forms: dict[str, Any] | None = None,
    error: str = "",
    fee_confirm: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    context = {
        "customer": customer,
        "subscription": subscription_current(customer=customer, on=customer_today(customer)),
        "roster": roster_of(customer),
        "transfer_form": forms.get("transfer") or TransferForm(customer=customer),
        "audit": roster_audit(customer),
        "fees": list(contact_fees(customer)),
        "training": training_of(customer),
        "is_admin": request.user.has_role(Role.ADMIN),
        "add_form": forms.get("add") or DesignateForm(),
        "training_form": forms.get("training") or TrainingRecordForm(customer=customer),
        "error": error,
        "fee_confirm": fee_confirm,
    }
    return render(request, "console/customers/detail.html", context, status=status)


@staff_only
@require_GET
def customer_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _customer_page(request, customer_get(pk))


@staff_only
@require_http_methods(["GET", "POST"])
def package_change(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change package: choose a version (and a term end), preview what changes for the
    customer, then confirm. Vendor admins only; the service decides and records."""
    customer = customer_get(pk)
    if not request.user.has_role(Role.ADMIN):
        return render(
            request,
            "console/customers/package_change.html",
            {"customer": customer, "forbidden": True},
            status=403,
        )
    subscription = subscription_current(customer=customer, on=customer_today(customer))
    context: dict[str, Any] = {"customer": customer, "subscription": subscription}
    if subscription is None:
        context["error"] = (
            f"{customer.name} has no subscription covering today, so there is nothing to change. "
            "Start one in the Django admin (Subscriptions → Add)."
        )
        return render(request, "console/customers/package_change.html", context, status=409)
    context["changes"] = subscription_changes(subscription)[:10]
    if request.method == "GET":
        context["form"] = ChangePackageForm(initial={"to_version": subscription.package_version_id})
        return render(request, "console/customers/package_change.html", context)
    form = ChangePackageForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "console/customers/package_change.html", context, status=400)
    data = form.cleaned_data
    choice = {
        "to_version": data["to_version"],
        "ends_on": data["ends_on"],
        "schedule_if_decrease": data["schedule_if_decrease"],
    }
    try:
        plan = subscription_change_preview(subscription=subscription, **choice)
        context["plan"] = plan
        if request.POST.get("action") != "confirm":
            return render(request, "console/customers/package_change.html", context)
        change = subscription_change(
            subscription=subscription,
            by=request.user,
            via="console",
            ip=client_ip(request),
            **choice,
        )
    except MaterialDecrease as exc:
        context["error"] = exc.message
        return render(request, "console/customers/package_change.html", context, status=409)
    except DomainError as exc:
        refuse(form, exc)
        return render(request, "console/customers/package_change.html", context, status=exc.status)
    if change.outcome == change.Outcome.SCHEDULED:
        done = (
            f"{customer.name} moves to {change.to_version.label} at the renewal on "
            f"{subscription.renews_on:%Y-%m-%d}."
        )
    else:
        done = f"{customer.name} now has {change.to_version.label} until {subscription.ends_on}."
    messages.success(request, done)
    return redirect("console:customer", pk=customer.pk)


@staff_only
@require_POST
def contact_add(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = customer_get(pk)
    form = DesignateForm(request.POST)
    if not form.is_valid():
        return _customer_page(request, customer, forms={"add": form}, status=400)
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
        confirm = fee_confirmation(exc, user)
        return _customer_page(request, customer, fee_confirm=confirm, status=exc.status)
    except DomainError as exc:
        refuse(form, exc)
        return _customer_page(request, customer, forms={"add": form}, status=exc.status)
    fee = ""
    if done.fee is not None:
        fee = (
            f" (fee {done.fee.amount_display} recorded)"
            if done.fee_created
            else f" (already billed {done.fee.amount_display} this term: no new fee)"
        )
    messages.success(request, f"{user.email} is a designated contact of {customer.name}{fee}.")
    return redirect("console:customer", pk=customer.pk)


@staff_only
@require_POST
def contact_remove(request: AuthedRequest, pk: int, contact_pk: int) -> HttpResponse:
    customer = customer_get(pk)
    contact = designation_get(customer, contact_pk)
    try:
        designated_contact_remove(actor=request.user, contact=contact, ip=client_ip(request))
    except DomainError as exc:
        return _customer_page(request, customer, error=exc.message, status=exc.status)
    messages.success(request, f"{contact.user.email} is no longer a designated contact.")
    return redirect("console:customer", pk=customer.pk)


@staff_only
@require_POST
def contact_transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = customer_get(pk)
    form = TransferForm(request.POST, customer=customer)
    if not form.is_valid():
        return _customer_page(request, customer, forms={"transfer": form}, status=400)
    contact = form.cleaned_data["contact"]
    try:
        done = designated_contact_transfer(
            actor=request.user,
            contact=contact,
            to_user=form.cleaned_data["to_user"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        refuse(form, exc)
        return _customer_page(request, customer, forms={"transfer": form}, status=exc.status)
    messages.success(
        request, f"Transferred from {contact.user.email} to {done.contact.user.email}."
    )
    return redirect("console:customer", pk=customer.pk)


@staff_only
@require_POST
def training_record(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = customer_get(pk)
    form = TrainingRecordForm(request.POST, customer=customer)
    if not form.is_valid():
        return _customer_page(request, customer, forms={"training": form}, status=400)
    data = form.cleaned_data
    try:
        training_completion_record(
            actor=request.user,
            user=data["user"],
            course=data["course"],
            completed_on=data["completed_on"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        refuse(form, exc)
        return _customer_page(request, customer, forms={"training": form}, status=exc.status)
    messages.success(request, f"Recorded: {data['user'].email} completed {data['course']}.")
    return redirect("console:customer", pk=customer.pk)


@staff_only
@require_GET
def fee_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "console/customers/fees.html", {"fees": list(contact_fees())})


@staff_only
@require_GET
def fee_export(request: AuthedRequest) -> HttpResponse:
    header, rows = contact_fee_table(contact_fees())
    stamp = timezone.now().strftime("%Y%m%d")
    return csv_response(f"designated-contact-fees-{stamp}", header, rows)


@staff_only
@require_http_methods(["GET", "POST"])
def training_import(request: AuthedRequest) -> HttpResponse:
    post = request.method == "POST"
    form = TrainingImportForm(request.POST, request.FILES) if post else TrainingImportForm()
    errors: list[tuple[int, str]] = []
    status = 200
    if post:
        status = 400
        if form.is_valid():
            try:
                result = training_import_csv(
                    actor=request.user, text=form.cleaned_data["file"], ip=client_ip(request)
                )
            except TrainingImportRejected as exc:
                form.add_error(None, exc.message)
                errors, status = exc.errors, exc.status
            except DomainError as exc:
                refuse(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    f"Imported {result.created + result.updated} completion(s): "
                    f"{result.created} new, {result.updated} updated.",
                )
                return redirect("console:training_import")
    return render(
        request,
        "console/customers/training_import.html",
        {
            "form": form,
            "errors": errors,
            "courses": training_courses(),
            "is_admin": request.user.has_role(Role.ADMIN),
        },
        status=status,
    )
