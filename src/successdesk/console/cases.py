"""Staff pages for cases: recent cases, telephone intake, the case page and its actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from successdesk.accounts.http import AuthedRequest
from successdesk.accounts.selectors import (
    customer_active,
    customer_user_by_email,
    customers_active_choices,
    staff_choices,
    staff_member,
)
from successdesk.cases.conversation import comment_add, diagnostics_request
from successdesk.cases.forms import DiagnosticsForm, PhoneCaseForm, StaffReplyForm, StatusForm
from successdesk.cases.lifecycle import case_assign, case_transition
from successdesk.cases.selectors import (
    attachment_get,
    case_get,
    case_thread,
    cases_filter,
    cases_newest_page,
    cases_visible_to,
)
from successdesk.domain.errors import DomainError, InvalidCursor, NotFound
from successdesk.domain.intake import SEVERITIES
from successdesk.domain.lifecycle import CaseStatus
from successdesk.intake.phone import phone_line
from successdesk.intake.services import CaseDraft, case_open_phone
from successdesk.web import attachment_response, flash_refusal, parse_id, refuse, staff_only

from .rows import list_rows

LIST_PAGE_SIZE = 50
STATUS_CHOICES = [("open", "Open"), ("", "All")] + [(s.value, s.label) for s in CaseStatus]


@staff_only
def case_list(request: AuthedRequest) -> HttpResponse:
    """Every case the staff member may see, newest first, filtered, a keyset page at a time."""
    status = request.GET.get("status", "open")
    status = status if status in dict(STATUS_CHOICES) else "open"
    severity = parse_id(request.GET.get("severity"))
    severity = severity if severity in SEVERITIES else None
    q = request.GET.get("q", "").strip()[:200]
    filters = {"q": q, "status": status, "severity": severity or ""}
    context: dict[str, Any] = {
        "filters": filters,
        "statuses": STATUS_CHOICES,
        "severities": [(n, f"Severity {n}") for n in SEVERITIES],
        "filter_query": urlencode(filters),
        "rows": [],
    }
    qs = cases_filter(cases_visible_to(request.user), status=status, severity=severity, q=q)
    try:
        page = cases_newest_page(qs, limit=LIST_PAGE_SIZE, cursor=request.GET.get("cursor"))
    except InvalidCursor as exc:
        return render(
            request, "console/cases/list.html", {**context, "error": exc.message}, status=400
        )
    context.update(page=page, rows=list_rows(page.cases))
    return render(request, "console/cases/list.html", context)


@staff_only
@require_http_methods(["GET", "POST"])
def phone_intake(request: AuthedRequest) -> HttpResponse:
    """A triage agent logs a telephone call as a case (Severity 1 is accepted here)."""
    form = PhoneCaseForm(request.POST or None)
    form.fields["customer"].widget.choices = [("", "—"), *customers_active_choices()]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = customer_active(data["customer"])
        caller = customer_user_by_email(customer, data["caller_email"])
        try:
            if customer is None:
                raise NotFound("Choose one of the customers listed.", field="customer")
            case = case_open_phone(
                customer=customer,
                requester=caller,
                created_by=request.user,
                draft=CaseDraft(
                    subject=data["subject"],
                    description=data["description"],
                    severity=data["severity"],
                    category=data["category"],
                    requester_name=data["caller_name"],
                    requester_email=data["caller_email"],
                    requester_phone=data["callback_number"],
                    call_notes=data["notes"],
                ),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            messages.success(request, f"Case {case.number} is logged. Give the caller this number.")
            return redirect("console:case", number=case.number)
    return render(
        request,
        "console/cases/phone.html",
        {"form": form, "phone": phone_line(timezone.now())},
    )


def _case_page(request: AuthedRequest, case: Any, **forms: Any) -> HttpResponse:
    comments, attachments, events = case_thread(case=case, user=request.user)
    return render(
        request,
        "console/cases/detail.html",
        {
            "case": case,
            "comments": comments,
            "attachments": attachments,
            "events": events,
            "reply_form": forms.get("reply_form") or StaffReplyForm(),
            "status_form": forms.get("status_form") or StatusForm(case=case),
            "diagnostics_form": forms.get("diagnostics_form") or DiagnosticsForm(),
            "staff": staff_choices(),
        },
    )


@staff_only
@require_http_methods(["GET", "POST"])
def case_detail(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get(user=request.user, number=number)
    if request.method == "POST":
        form = StaffReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                comment_add(
                    case=case,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    internal=form.cleaned_data["internal"],
                    attachments=form.cleaned_data["attachments"],
                )
            except DomainError as exc:
                refuse(form, exc)
            else:
                note = "Internal note added." if form.cleaned_data["internal"] else "Reply sent."
                messages.success(request, note)
                return redirect("console:case", number=case.number)
        return _case_page(request, case, reply_form=form)
    return _case_page(request, case)


@staff_only
@require_POST
def case_status(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get(user=request.user, number=number)
    form = StatusForm(request.POST, case=case)
    if form.is_valid():
        try:
            case_transition(
                case=case,
                to=form.cleaned_data["status"],
                by=request.user,
                resolution=form.cleaned_data["resolution"] or None,
                summary=form.cleaned_data["summary"] or None,
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            return redirect("console:case", number=case.number)
    return _case_page(request, case, status_form=form)


@staff_only
@require_POST
def case_reassign(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get(user=request.user, number=number)
    assignee = staff_member(parse_id(request.POST.get("assignee")))
    with flash_refusal(request):
        case_assign(case=case, assignee=assignee, by=request.user)
    return redirect("console:case", number=case.number)


@staff_only
@require_POST
def case_diagnostics(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get(user=request.user, number=number)
    form = DiagnosticsForm(request.POST)
    if form.is_valid():
        try:
            diagnostics_request(
                case=case,
                by=request.user,
                summary=form.cleaned_data["summary"],
                steps=form.cleaned_data["steps"].splitlines(),
                information=form.cleaned_data["information"].splitlines(),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            messages.success(request, "Diagnostics requested: the case waits on the customer.")
            return redirect("console:case", number=case.number)
    return _case_page(request, case, diagnostics_form=form)


@staff_only
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    found = attachment_get(user=request.user, pk=pk)
    return attachment_response(
        found.file.open("rb"), name=found.original_name, content_type=found.content_type
    )
