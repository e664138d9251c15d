"""Customer pages for service requests, the excluded-request check, the content library
and remote-access consent on a case."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from successdesk.accounts.http import AuthedRequest
from successdesk.cases.remote_access import remote_access_decide, remote_access_revoke
from successdesk.cases.selectors import case_get
from successdesk.domain.errors import DomainError, NotFound
from successdesk.library.models import ContentItem
from successdesk.library.selectors import ip_notice, item_get, items_search, library_access
from successdesk.library.services import content_download
from successdesk.service_requests.exclusions import exclusion_check
from successdesk.service_requests.forms import ServiceRequestForm
from successdesk.service_requests.selectors import (
    attachment_get,
    request_get,
    request_history,
    requests_filter,
    requests_visible_to,
    usage_view,
)
from successdesk.service_requests.services import service_request_submit
from successdesk.web import attachment_response, customer_only, flash_refusal, refuse

# --- Service requests ---------------------------------------------------------------------


@customer_only
def request_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = requests_filter(requests_visible_to(request.user), status=status or None)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    usage = usage_view(request.user.customer, timezone.now())  # type: ignore[arg-type]
    return render(
        request, "portal/services/list.html", {"page": page, "status": status, "usage": usage}
    )


@customer_only
@require_http_methods(["GET", "POST"])
def request_new(request: AuthedRequest) -> HttpResponse:
    """The form says what is left this month before anything is typed; kinds whose pool is
    used up (or not in the package) are not offered."""
    usage = usage_view(request.user.customer, timezone.now())  # type: ignore[arg-type]
    form = ServiceRequestForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
    )
    form.limit_kinds(usage.open_kinds())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = service_request_submit(
                requester=request.user,
                kind=data["kind"],
                details=data["details"],
                attachments=data["attachments"],
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            messages.success(request, f"Request {item.number} is submitted.")
            return redirect("portal:service_request", pk=item.pk)
    return render(request, "portal/services/new.html", {"form": form, "usage": usage})


@customer_only
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = request_get(user=request.user, number=pk)
    attachments, events = request_history(item)
    return render(
        request,
        "portal/services/detail.html",
        {"item": item, "attachments": attachments, "events": events},
    )


@customer_only
def request_attachment(request: AuthedRequest, pk: int) -> FileResponse:
    found = attachment_get(user=request.user, pk=pk)
    return attachment_response(
        found.file.open("rb"), name=found.original_name, content_type=found.content_type
    )


@customer_only
@require_POST
def exclusion_hint(request: AuthedRequest) -> HttpResponse:
    """htmx: what the text being typed seems to ask for that the package excludes."""
    post = request.POST
    hints = exclusion_check(
        customer=request.user.customer,
        subject=post.get("subject", ""),
        description=post.get("description", "") or post.get("details", ""),
    )
    return render(request, "portal/services/_exclusion_hints.html", {"hints": hints})


# --- Remote-access consent (on the case page) ---------------------------------------------


@customer_only
@require_POST
def remote_access_answer(request: AuthedRequest, number: str, pk: int) -> HttpResponse:
    case = case_get(user=request.user, number=number)
    action = request.POST.get("action", "")
    with flash_refusal(request):
        if action == "revoke":
            remote_access_revoke(case=case, grant_id=pk, by=request.user)
            messages.success(request, "Access is revoked: it ended now.")
        else:
            grant = remote_access_decide(
                case=case,
                grant_id=pk,
                by=request.user,
                approve=action == "approve",
                access_details=request.POST.get("access_details", ""),
            )
            messages.success(
                request,
                f"Access approved until {timezone.localtime(grant.expires_at):%a %d %b %H:%M %Z}."
                if grant.expires_at
                else "Access denied: nothing will be accessed.",
            )
    return redirect("portal:case", number=case.number)


# --- Campaign content library -------------------------------------------------------------


def _library_refusal(request: AuthedRequest, exc: DomainError) -> HttpResponse:
    return render(
        request,
        "portal/services/library_refused.html",
        {"message": exc.message, "included_in": exc.extra.get("included_in", [])},
        status=403,
    )


@customer_only
def library(request: AuthedRequest) -> HttpResponse:
    try:
        library_access(request.user, timezone.now())
    except DomainError as exc:
        return _library_refusal(request, exc)
    q, kind, tag = (request.GET.get(k, "")[:200] for k in ("q", "kind", "tag"))
    page = Paginator(items_search(q=q, kind=kind, tag=tag), 24).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/services/library.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "tag": tag,
            "kinds": ContentItem.Kind.choices,
            "notice": ip_notice(),
        },
    )


@customer_only
def library_item(request: AuthedRequest, slug: str) -> HttpResponse:
    try:
        library_access(request.user, timezone.now())
    except DomainError as exc:
        return _library_refusal(request, exc)
    item = item_get(slug=slug)
    return render(
        request, "portal/services/library_item.html", {"item": item, "notice": ip_notice()}
    )


@customer_only
def library_download(request: AuthedRequest, slug: str) -> HttpResponseBase:
    try:
        found = content_download(user=request.user, slug=slug)
    except NotFound:
        raise  # no such item: 404 (customer_only)
    except DomainError as exc:
        return _library_refusal(request, exc)
    response = attachment_response(
        io.BytesIO(found.content), name=found.name, content_type=found.content_type
    )
    response["X-Content-Notice"] = ip_notice()
    return response
