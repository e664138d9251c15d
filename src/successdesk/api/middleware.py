"""The API's edge, outermost of the middleware: every answer under ``/api/`` that is an error
is ``application/problem+json``, whoever produced it (an unknown path's 404, a refused
``Host`` header's 400, a body over the size limit, a 405, a CSRF refusal, a 500 page), NUL
characters are refused at the door, and nothing is cached.

It is also the API's lean path: a request under ``/api/`` that carries an
``Authorization: Bearer`` header goes through ``settings.API_MIDDLEWARE`` (security headers,
host validation, the denied-access audit), not through the page stack (sessions, CSRF,
messages, htmx, axes, session timeouts): a bearer request has no session to load, no cookie
to set and no form to protect. Requests authenticated by the browser's session (and every
other request) take the whole ``MIDDLEWARE`` stack, CSRF included. Every JSON answer under
``/api/`` carries ``Content-Security-Policy: default-src 'none'`` (a JSON document loads
nothing), whichever path it took."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

from .problems import PROBLEM_CONTENT_TYPE, problem_response

API_PREFIX = "/api/"

# The codes of the answers that the API's own handlers did not shape (see _problem_for).
CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "content_too_large",
    500: "internal_error",
}
DETAILS = {
    400: "The request could not be understood.",
    403: "The request was refused (a browser session needs its CSRF token).",
    404: "There is no such endpoint: see /api/v1/docs for the endpoints of API v1.",
    405: "This path does not answer this method: see the `Allow` header.",
    500: "Something failed on our side; nothing was saved. Try again later.",
}
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After", "Vary")
# A JSON answer loads nothing and is framed by nobody.
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
CSP_HEADER = "Content-Security-Policy"


def _has_nul(request: HttpRequest) -> bool:
    """NUL characters cannot be stored (PostgreSQL refuses them in text): refuse them at the
    door, in the query string or in the body (raw or as the JSON escape)."""
    if "\x00" in request.META.get("QUERY_STRING", "") or any(
        "\x00" in value for values in request.GET.lists() for value in values[1]
    ):
        return True
    body = request.body if request.method in ("POST", "PUT", "PATCH") else b""
    return b"\x00" in body or b"\\u0000" in body


def _too_large(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return limit is not None and length > limit


def _host_refused(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return True
    return False


def _problem_for(request: HttpRequest, response: HttpResponseBase) -> HttpResponse:
    """The problem+json answer for an error answer that is not one already."""
    status = response.status_code
    code = CODES.get(status, "http_error")
    detail = DETAILS.get(status, HTTPStatus(status).phrase if status in HTTPStatus else "Error")
    if status == 400 and _host_refused(request):
        code, detail = "disallowed_host", "The Host header names a host this server does not serve."
    elif status == 400 and _too_large(request):
        status, code = 413, CODES[413]
    if status == 413:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is larger than {limit} bytes: send a smaller one."
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    problem = problem_response(request, status=status, code=code, title=title, detail=detail)
    for name in KEPT_HEADERS:
        if name in response:
            problem[name] = response[name]
    problem.cookies = response.cookies
    return problem


def is_bearer(request: HttpRequest) -> bool:
    """Whether the request authenticates with a bearer token (the scheme as django-ninja's
    ``HttpBearer`` reads it: case-insensitive)."""
    header: str = request.META.get("HTTP_AUTHORIZATION", "")
    return header[:7].lower() == "bearer "


class LeanHandler(BaseHandler):
    """Django's request handler with its own middleware list (sync, as the WSGI stack is):
    URL resolution, views, ``process_view``/``process_exception`` hooks and the conversion
    of exceptions to answers are Django's own."""

    def __init__(self, middleware: list[str] | tuple[str, ...]) -> None:
        super().__init__()
        self.middleware = tuple(middleware)
        self.load_middleware()

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Callable[..., object]] = []
        self._template_response_middleware: list[Callable[..., object]] = []
        self._exception_middleware: list[Callable[..., object]] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(self.middleware):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        # Sync only (as the WSGI stack is): its chain answers, never awaits.
        self.lean = cast(
            Callable[[HttpRequest], HttpResponseBase],
            LeanHandler(settings.API_MIDDLEWARE)._middleware_chain,
        )

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        if not is_bearer(request):
            return self.get_response(request)
        # No session: the token decides who the caller is (django-ninja sets request.user).
        request.user = AnonymousUser()
        return self.lean(request)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if _too_large(request):
            response: HttpResponseBase = _problem_for(request, HttpResponse(status=413))
        elif _has_nul(request):
            response = problem_response(
                request,
                status=400,
                code="null_character",
                title="Invalid characters",
                detail="The request contains a NUL character (\\u0000); remove it and retry.",
            )
        else:
            response = self._respond(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            PROBLEM_CONTENT_TYPE
        ):
            response = _problem_for(request, response)
        if response.get("Content-Type", "").startswith(("application/json", PROBLEM_CONTENT_TYPE)):
            response[CSP_HEADER] = JSON_CSP
        add_never_cache_headers(response)
        return response
