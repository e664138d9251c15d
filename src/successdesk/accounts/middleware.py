"""Absolute session lifetime on top of Django's idle expiry (SESSION_COOKIE_AGE)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("signed_in_at")
            limit = settings.SESSION_ABSOLUTE_SECONDS
            if started is None or timezone.now().timestamp() - float(started) > limit:
                logout(request)
        return self.get_response(request)
