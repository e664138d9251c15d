"""Customer pages for cases: list, open, read, reply, attach, resolve/reopen, download."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from successdesk.accounts.http import AuthedRequest
from successdesk.cases.conversation import comment_add
from successdesk.cases.forms import CaseForm, ReplyForm
from successdesk.cases.lifecycle import case_transition
from successdesk.cases.selectors import (
    attachment_get,
    case_get,
    case_thread,
    cases_filter,
    cases_visible_to,
)
from successdesk.contacts.selectors import follows_all_customer_cases, is_designated_contact
from successdesk.contacts.services import preference_follow_all_cases
from successdesk.domain.errors import DomainError
from successdesk.domain.lifecycle import customer_visible_label
from successdesk.intake.phone import phone_line
from successdesk.intake.services import CaseDraft, case_open_portal
from successdesk.web import attachment_response, customer_only, flash_refusal, refuse


@customer_only
def case_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    qs = cases_filter(
        cases_visible_to(request.user), status=status or None, q=request.GET.get("q")
    ).order_by("-created_at", "-id")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    for case in page:
        case.customer_label = customer_visible_label(case.status)  # type: ignore[attr-defined]
    designated = is_designated_contact(request.user)
    following = follows_all_customer_cases(request.user)
    return render(
        request,
        "portal/cases/list.html",
        {"page": page, "status": status, "designated": designated, "following": following},
    )


@customer_only
@require_POST
def follow_all_cases(request: AuthedRequest) -> HttpResponse:
    follow = request.POST.get("follow") == "1"
    with flash_refusal(request):
        preference_follow_all_cases(user=request.user, follow=follow)
        messages.success(
            request,
            "You will be e-mailed about every case." if follow else "You follow your own cases.",
        )
    return redirect("portal:cases")


@customer_only
@require_http_methods(["GET", "POST"])
def case_new(request: AuthedRequest) -> HttpResponse:
    form = CaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_open_portal(
                requester=request.user,
                draft=CaseDraft(
                    subject=data["subject"],
                    description=data["description"],
                    severity=data["severity"],
                    category=data["category"],
                    steps_to_reproduce=data["steps_to_reproduce"],
                    attachments=data["attachments"],
                ),
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            messages.success(
                request, f"Case {case.number} is open. We e-mailed you a confirmation."
            )
            return redirect("portal:case", number=case.number)
    return render(
        request, "portal/cases/new.html", {"form": form, "phone": phone_line(timezone.now())}
    )


@customer_only
@require_http_methods(["GET", "POST"])
def case_detail(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get(user=request.user, number=number)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment_add(
                case=case,
                author=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            messages.success(request, "Your reply is sent.")
            return redirect("portal:case", number=case.number)
    comments, attachments, events = case_thread(case=case, user=request.user)
    return render(
        request,
        "portal/cases/detail.html",
        {
            "case": case,
            "status_label": customer_visible_label(case.status),
            "comments": comments,
            "attachments": attachments,
            "events": events,
            "form": form,
        },
    )


@customer_only
@require_POST
def case_resolve(request: AuthedRequest, number: str) -> HttpResponse:
    """The customer says the case is solved (an "other solution" in their words)."""
    case = case_get(user=request.user, number=number)
    with flash_refusal(request):
        case_transition(
            case=case,
            to="resolved",
            by=request.user,
            resolution="other",
            summary=request.POST.get("summary", "").strip() or "Solved, as the customer confirmed.",
        )
    return redirect("portal:case", number=number)


@customer_only
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    found = attachment_get(user=request.user, pk=pk)
    return attachment_response(
        found.file.open("rb"), name=found.original_name, content_type=found.content_type
    )
