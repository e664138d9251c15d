"""Staff pages for service requests and fair usage, and the case page's controls for
excluded requests and remote access."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from successdesk.accounts.http import AuthedRequest
from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role
from successdesk.cases.models import Case
from successdesk.cases.remote_access import (
    remote_access_active,
    remote_access_request,
    remote_access_revoke,
)
from successdesk.cases.selectors import case_get
from successdesk.domain.errors import DomainError, NotFound
from successdesk.domain.labels import code_label
from successdesk.domain.service_flow import RequestStatus, ServiceKind, allowed_next
from successdesk.service_requests.exclusions import case_exclusion_confirm, case_exclusion_override
from successdesk.service_requests.forms import AdvanceForm, ExtraForm
from successdesk.service_requests.models import ServiceRequest
from successdesk.service_requests.selectors import (
    request_get,
    request_history,
    requests_filter,
    requests_visible_to,
    usage_board,
)
from successdesk.service_requests.services import (
    service_request_advance,
    service_request_assign,
    usage_extra_grant,
)
from successdesk.web import refuse, staff_member, staff_only


def _request(request: AuthedRequest, pk: int) -> ServiceRequest:
    try:
        return request_get(user=request.user, number=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _case(request: AuthedRequest, number: str) -> Case:
    try:
        return case_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- Service requests ---------------------------------------------------------------------


@staff_only
def request_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    kind = request.GET.get("kind", "")
    qs = requests_filter(
        requests_visible_to(request.user), status=status or None, kind=kind or None
    ).order_by("created_at", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "console/services/list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": list(RequestStatus),
            "kinds": list(ServiceKind),
        },
    )


def _detail(
    request: AuthedRequest, item: ServiceRequest, form: AdvanceForm | None = None
) -> HttpResponse:
    attachments, events = request_history(item)
    staff = User.objects.filter(customer__isnull=True, is_active=True).order_by("full_name")
    if item.is_advisory:
        staff = staff.filter(groups__name=Role.SPECIALIST)
    return render(
        request,
        "console/services/detail.html",
        {
            "item": item,
            "attachments": attachments,
            "events": events,
            "form": form or AdvanceForm(),
            "targets": sorted(allowed_next(item.status)),
            "staff": staff,
        },
    )


@staff_only
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, _request(request, pk))


@staff_only
@require_POST
def request_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _request(request, pk)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            item = service_request_advance(
                request=item,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                recommendations=form.cleaned_data["recommendations"],
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            messages.success(request, f"{item.number} is now {item.get_status_display().lower()}.")
            return redirect("console:service_request", pk=item.pk)
    return _detail(request, item, form)


@staff_only
@require_POST
def request_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _request(request, pk)
    assignee = staff_member(request.POST.get("assignee"))
    try:
        service_request_assign(request=item, assignee=assignee, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:service_request", pk=item.pk)


@staff_only
def usage(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "console/services/usage.html",
        {
            "rows": usage_board(timezone.now()),
            "kinds": list(ServiceKind),
            "form": ExtraForm(),
            "may_grant": request.user.has_role(Role.ADMIN),
        },
    )


@staff_only
@require_POST
def usage_extra(request: AuthedRequest) -> HttpResponse:
    form = ExtraForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a customer, a kind, an amount from 1 to 20 and a reason.")
        return redirect("console:usage")
    customer = Customer.objects.filter(pk=form.cleaned_data["customer"]).first()
    try:
        if customer is None:
            raise NotFound("No such customer.")
        extra = usage_extra_grant(
            customer=customer,
            kind=form.cleaned_data["kind"],
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{customer.name}: +{extra.amount} {code_label(extra.pool).lower()} "
            f"for {extra.month:%B %Y}.",
        )
    return redirect("console:usage")


# --- Case page controls -------------------------------------------------------------------


@staff_only
@require_POST
def case_exclusion(request: AuthedRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    kind = request.POST.get("kind", "")
    try:
        if request.POST.get("decision") == "confirm":
            case_exclusion_confirm(case=case, kind=kind, by=request.user)
            messages.success(request, "Answered with the standard answer; the case is resolved.")
        else:
            case_exclusion_override(
                case=case, kind=kind, by=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, "Overridden: handle it as a normal case.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:case", number=case.number)


@staff_only
@require_POST
def remote_access_ask(request: AuthedRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    hours = request.POST.get("hours", "")
    try:
        remote_access_request(
            case=case,
            by=request.user,
            target=request.POST.get("target", ""),
            reason=request.POST.get("reason", ""),
            # An unreadable number is 0 hours, which the service refuses with its reason.
            duration=timedelta(hours=int(hours) if re.fullmatch(r"[0-9]{1,3}", hours) else 0),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Access requested: the customer approves or denies it.")
    return redirect("console:case", number=case.number)


@staff_only
@require_POST
def remote_access_end(request: AuthedRequest, number: str, pk: int) -> HttpResponse:
    case = _case(request, number)
    try:
        remote_access_revoke(case=case, grant_id=pk, by=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:case", number=case.number)


@staff_only
def remote_access_details(request: AuthedRequest, number: str, pk: int) -> HttpResponse:
    """The access details of an active grant of this case; 404 for anything else."""
    case = _case(request, number)
    try:
        view = remote_access_active(case=case, grant_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "console/services/remote_access.html", {"case": case, "g": view})
