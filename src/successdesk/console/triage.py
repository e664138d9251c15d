"""Staff pages for triage: the triage queue, team queues, my cases, the triage panel's
actions and the live SLA badges."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from successdesk.accounts.http import AuthedRequest
from successdesk.cases.models import Case
from successdesk.cases.selectors import case_get
from successdesk.domain.errors import DomainError, InvalidCursor
from successdesk.triage.badges import badges_by_case, badges_of
from successdesk.triage.errors import UnknownTeam
from successdesk.triage.forms import LinkCustomerForm, TriageForm, panel_context
from successdesk.triage.selectors import (
    queue_mine,
    queue_page,
    queue_team,
    queue_triage,
    team_get,
    teams_overview,
)
from successdesk.triage.services import case_link_customer, case_triage, case_verify_sender
from successdesk.web import refuse, staff_only

from .rows import queue_rows

PAGE_SIZE = 50
QUEUE_TEMPLATE = "console/triage/queue.html"


def _queue(
    request: AuthedRequest, cases: QuerySet[Case], *, queue: str, title: str, explanation: str
) -> HttpResponse:
    """One keyset page of a queue; htmx polls get the rows alone (fresh SLA badges)."""
    context: dict[str, Any] = {"title": title, "explanation": explanation, "rows": []}
    try:
        page = queue_page(cases, queue=queue, cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    except InvalidCursor as exc:
        return render(request, QUEUE_TEMPLATE, {**context, "error": exc.message}, status=400)
    badges = badges_by_case(page.cases, timezone.now())
    context.update(page=page, rows=queue_rows(page.cases, badges))
    template = f"{QUEUE_TEMPLATE}#rows" if request.htmx else QUEUE_TEMPLATE
    return render(request, template, context)


@staff_only
@require_GET
def triage_queue(request: AuthedRequest) -> HttpResponse:
    return _queue(
        request,
        queue_triage(),
        queue="triage",
        title="Triage queue",
        explanation="New cases waiting to be documented and routed, unverified senders too.",
    )


@staff_only
@require_GET
def team_queues(request: AuthedRequest) -> HttpResponse:
    return render(request, "console/triage/teams.html", {"teams": teams_overview()})


@staff_only
@require_GET
def team_queue(request: AuthedRequest, slug: str) -> HttpResponse:
    try:
        team = team_get(slug)
    except UnknownTeam as exc:  # an input error elsewhere (API), a missing page here
        raise Http404(exc.message) from exc
    return _queue(
        request,
        queue_team(team),
        queue=team.slug,
        title=f"{team.name} queue",
        explanation="New, triaged and in-progress cases routed to the team.",
    )


@staff_only
@require_GET
def my_cases(request: AuthedRequest) -> HttpResponse:
    return _queue(
        request,
        queue_mine(request.user),
        queue="mine",
        title="My cases",
        explanation="Open cases assigned to you, those waiting on the customer too.",
    )


def _triage_page(
    request: AuthedRequest,
    case: Case,
    *,
    form: TriageForm | None = None,
    link_form: LinkCustomerForm | None = None,
    verify_error: str = "",
) -> HttpResponse:
    context = panel_context(
        case, request.user, form=form, link_form=link_form, verify_error=verify_error
    )
    return render(request, "console/triage/case.html", context, status=400)


@staff_only
def case_triage_page(request: AuthedRequest, number: str) -> HttpResponse:
    """Document and route a case (the panel on the case page posts here)."""
    case = case_get(user=request.user, number=number)
    if request.method != "POST":
        return redirect("console:case", number=case.number)
    form = TriageForm.for_case(case, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = case_triage(
                case=case,
                by=request.user,
                category=data["category"],
                product_area=data["product_area"],
                severity=data["severity"],
                notes=data["notes"],
                team=data["team"],
                override=data["override"],
            )
        except DomainError as exc:
            refuse(form, exc)
        else:
            team = done.team.name if done.team else "no team"
            who = done.assignee.get_full_name() if done.assignee else "nobody yet"
            messages.success(request, f"Case {done.number} is triaged: {team}, assigned to {who}.")
            return redirect("console:case", number=done.number)
    return _triage_page(request, case, form=form)


@staff_only
@require_POST
def case_link(request: AuthedRequest, number: str) -> HttpResponse:
    """Link an unverified sender's case to its customer."""
    case = case_get(user=request.user, number=number)
    form = LinkCustomerForm(request.POST)
    if form.is_valid():
        try:
            case_link_customer(case=case, customer=form.cleaned_data["customer"], by=request.user)
        except DomainError as exc:
            refuse(form, exc)
        else:
            messages.success(request, f"Case {case.number} is linked; its SLA clocks run.")
            return redirect("console:case", number=case.number)
    return _triage_page(request, case, link_form=form)


@staff_only
@require_POST
def case_verify(request: AuthedRequest, number: str) -> HttpResponse:
    """Verify an unverified public message as sent by the customer user its address
    names (the sender did not confirm it, but triage knows it is theirs)."""
    case = case_get(user=request.user, number=number)
    try:
        done = case_verify_sender(case=case, by=request.user)
    except DomainError as exc:
        return _triage_page(request, case, verify_error=exc.message)
    who = done.requester.get_full_name() if done.requester else done.requester_email
    messages.success(
        request, f"Case {done.number} is verified as {who}'s: it is in {done.customer}'s portal."
    )
    return redirect("console:case", number=done.number)


@staff_only
@require_GET
def sla_badges(request: AuthedRequest, number: str) -> HttpResponse:
    """The case's SLA badges alone (htmx polls this every 45 seconds)."""
    case = case_get(user=request.user, number=number)
    badges = badges_of(case, timezone.now())
    return render(request, "triage/_sla_badges.html", {"case": case, "badges": badges})
