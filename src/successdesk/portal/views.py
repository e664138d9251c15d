from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from successdesk.accounts.http import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    if request.user.customer_id is None:
        raise Http404
    return render(request, "portal/home.html", {"customer": request.user.customer})
