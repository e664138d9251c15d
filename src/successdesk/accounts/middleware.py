"""Sessions: idle expiry renewed at most once a minute, and an absolute lifetime."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .audit import audit_record
from .network import client_ip


class SessionTimeoutMiddleware:
    """Ends a session past its absolute lifetime; keeps an active one alive.

    Django's idle expiry (``SESSION_COOKIE_AGE``) runs from the session's last save. Saving
    it on every request (``SESSION_SAVE_EVERY_REQUEST``) costs a write and a commit per
    page; here an active session is saved when its last renewal is over
    ``SESSION_RENEW_SECONDS`` old, so it expires after ``SESSION_COOKIE_AGE`` of
    inactivity, give or take that much.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("signed_in_at")
            limit = settings.SESSION_ABSOLUTE_SECONDS
            now = timezone.now().timestamp()
            if started is None or now - float(started) > limit:
                logout(request)
            elif now - float(request.session.get("renewed_at", 0)) > settings.SESSION_RENEW_SECONDS:
                request.session["renewed_at"] = now  # modified: saved with a new expiry
        return self.get_response(request)


PROTECTED_PREFIXES = ("/portal/", "/console/", "/api/v1/", "/admin/")


class DeniedAccessAuditMiddleware:
    """Every denied access is in the audit log: 401 and 403 anywhere, and 404 answers on
    protected areas (another customer's objects answer 404, never 403)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        protected = request.path.startswith(PROTECTED_PREFIXES)
        if status in (401, 403) or (status == 404 and protected):
            user = getattr(request, "auth", None) or getattr(request, "user", None)
            audit_record(
                action="access.denied",
                actor=user if getattr(user, "is_authenticated", False) else None,
                target=request.path,
                ip=client_ip(request),
                status=status,
                method=request.method,
            )
        return response


class UserTimeZoneMiddleware:
    """Show times in the customer's time zone (customer users) or the vendor's (staff)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        user = getattr(request, "user", None)
        name = settings.VENDOR_PHONE_TIME_ZONE
        if user is not None and user.is_authenticated and user.customer_id is not None:
            name = user.customer.time_zone
        try:
            timezone.activate(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
