from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from successdesk.accounts.http import AuthedRequest

from .home import customer_home


@never_cache
@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """Open cases (those waiting on the customer first), designated contacts, the package
    and this month's fair usage left."""
    customer = request.user.customer
    if customer is None:  # vendor staff: the portal is not theirs
        raise Http404
    home = customer_home(user=request.user, customer=customer, at=timezone.now())
    return render(request, "portal/home.html", {"home": home})
