"""Staff pages for service requests and fair usage, and the case page's controls for
excluded requests and remote access."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from successdesk.accounts.http import AuthedRequest
from successdesk.accounts.roles import Role
from successdesk.accounts.selectors import customer_get, staff_choices, staff_member
from successdesk.cases.remote_access import (
    remote_access_active,
    remote_access_request,
    remote_access_revoke,
)
from successdesk.cases.selectors import case_get
from successdesk.domain.errors import DomainError
from successdesk.domain.labels import code_label
from successdesk.domain.service_flow import RequestStatus, ServiceKind
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
from successdesk.web import flash_refusal, parse_id, refuse, staff_only

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
    staff = staff_choices(role=Role.SPECIALIST if item.is_advisory else None)
    return render(
        request,
        "console/services/detail.html",
        {
            "item": item,
            "attachments": attachments,
            "events": events,
            "form": form or AdvanceForm(item=item),
            "staff": staff,
        },
    )


@staff_only
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, request_get(user=request.user, number=pk))


@staff_only
@require_POST
def request_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    item = request_get(user=request.user, number=pk)
    form = AdvanceForm(request.POST, item=item)
    if form.is_valid():
        try:
            item = service_request_advance(
                service_request=item,
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
    item = request_get(user=request.user, number=pk)
    assignee = staff_member(parse_id(request.POST.get("assignee")))
    with flash_refusal(request):
        service_request_assign(service_request=item, assignee=assignee, by=request.user)
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
    try:
        customer = customer_get(form.cleaned_data["customer"])
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
    case = case_get(user=request.user, number=number)
    kind = request.POST.get("kind", "")
    with flash_refusal(request):
        if request.POST.get("decision") == "confirm":
            case_exclusion_confirm(case=case, kind=kind, by=request.user)
            messages.success(request, "Answered with the standard answer; the case is resolved.")
        else:
            case_exclusion_override(
                case=case, kind=kind, by=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, "Overridden: handle it as a normal case.")
    return redirect("console:case", number=case.number)


@staff_only
@require_POST
def remote_access_ask(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get(user=request.user, number=number)
    hours = request.POST.get("hours", "")
    with flash_refusal(request):
        remote_access_request(
            case=case,
            by=request.user,
            target=request.POST.get("target", ""),
            reason=request.POST.get("reason", ""),
            # An unreadable number is 0 hours, which the service refuses with its reason.
            duration=timedelta(hours=int(hours) if re.fullmatch(r"[0-9]{1,3}", hours) else 0),
        )
        messages.success(request, "Access requested: the customer approves or denies it.")
    return redirect("console:case", number=case.number)


@staff_only
@require_POST
def remote_access_end(request: AuthedRequest, number: str, pk: int) -> HttpResponse:
    case = case_get(user=request.user, number=number)
    with flash_refusal(request):
        remote_access_revoke(case=case, grant_id=pk, by=request.user)
    return redirect("console:case", number=case.number)


@staff_only
def remote_access_details(request: AuthedRequest, number: str, pk: int) -> HttpResponse:
    """The access details of an active grant of this case; 404 for anything else."""
    case = case_get(user=request.user, number=number)
    view = remote_access_active(case=case, grant_id=pk)
    return render(request, "console/services/remote_access.html", {"case": case, "g": view})
