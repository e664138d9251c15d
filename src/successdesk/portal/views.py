from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from successdesk.accounts.http import AuthedRequest
from successdesk.web import customer_only

from .home import customer_home


@customer_only
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """Open cases (those waiting on the customer first), designated contacts, the package
    and this month's fair usage left."""
    customer = request.user.customer
    if customer is None:  # not reached behind customer_only; for the types
        raise Http404
    home = customer_home(user=request.user, customer=customer, at=timezone.now())
    return render(request, "portal/home.html", {"home": home})
