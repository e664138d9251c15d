"""Report pages for vendor staff; each exports its table as CSV with ``?format=csv``."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from successdesk.accounts.http import AuthedRequest
from successdesk.web import csv_response, staff_only

from . import selectors, tables
from .forms import PeriodForm, SlaPeriodForm
from .selectors import Period
from .tables import Table


def _query(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


def _page(
    request: AuthedRequest,
    *,
    name: str,
    title: str,
    explanation: str,
    table: Table | None,
    form: PeriodForm | None = None,
) -> HttpResponse:
    if table is not None and request.GET.get("format") == "csv":
        return csv_response(name, table.header, table.rows)
    context = {
        "title": title,
        "explanation": explanation,
        "form": form,
        "csv_query": _query(request),
        "header": table.header if table else None,
        "table": table.rows if table else [],
        "chart": table.chart if table else None,
    }
    return render(request, "reports/report.html", context, status=200 if table else 400)


def _period_report(
    request: AuthedRequest,
    name: str,
    title: str,
    explanation: str,
    build: Callable[[Period], Table],
) -> HttpResponse:
    form = PeriodForm(request.GET)
    table = build(form.period()) if form.is_valid() else None
    return _page(request, name=name, title=title, explanation=explanation, table=table, form=form)


@staff_only
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "reports/index.html")


@staff_only
@require_GET
def sla(request: AuthedRequest) -> HttpResponse:
    form = SlaPeriodForm(request.GET)
    table = None
    if form.is_valid():
        by = form.cleaned_data["by"]
        table = tables.attainment_table(selectors.sla_attainment(form.period(), by=by), by)
    return _page(
        request,
        name="sla-attainment",
        title="SLA attainment",
        explanation=(
            "Cases opened in the period that have SLA clocks. Met: within the due time; "
            "missed: after it, or still missing once it passed; pending: not due yet. "
            "Attainment is met ÷ (met + missed)."
        ),
        table=table,
        form=form,
    )


@staff_only
@require_GET
def volume(request: AuthedRequest) -> HttpResponse:
    return _period_report(
        request,
        "case-volume",
        "Case volume",
        "Cases opened in the period by channel and severity.",
        lambda p: tables.volume_table(selectors.case_volume(p)),
    )


@staff_only
@require_GET
def first_response(request: AuthedRequest) -> HttpResponse:
    return _period_report(
        request,
        "first-response-times",
        "First-response times",
        "Elapsed time (not business time) from opening to the first staff reply, for cases "
        "opened in the period.",
        lambda p: tables.first_response_table(selectors.first_response_times(p)),
    )


@staff_only
@require_GET
def usage(request: AuthedRequest) -> HttpResponse:
    return _period_report(
        request,
        "fair-usage",
        "Fair usage",
        "Admin tasks and advisory reviews counted per customer in the months the period "
        "touches, against the monthly limit of the package current at its end.",
        lambda p: tables.usage_table(selectors.usage_by_customer(p)),
    )


@staff_only
@require_GET
def contacts(request: AuthedRequest) -> HttpResponse:
    return _page(
        request,
        name="designated-contacts",
        title="Designated contacts",
        explanation=(
            "Active designated contacts by customer, in the order they were named; those "
            "beyond the number the package includes are billed."
        ),
        table=tables.roster_table(selectors.contact_roster()),
    )
