"""API-wide guards: no NUL characters in input, and Cache-Control: no-store on answers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from .problems import problem_response


def _has_nul(request: HttpRequest) -> bool:
    """NUL characters cannot be stored (PostgreSQL refuses them in text): refuse them at the
    door, in the query string or in the body (raw or as the JSON escape)."""
    if "\x00" in request.META.get("QUERY_STRING", "") or any(
        "\x00" in value for values in request.GET.lists() for value in values[1]
    ):
        return True
    body = request.body if request.method in ("POST", "PUT", "PATCH") else b""
    return b"\x00" in body or b"\\u0000" in body


class ApiNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _has_nul(request):
            response = problem_response(
                request,
                status=400,
                code="null_character",
                title="Invalid characters",
                detail="The request contains a NUL character (\\u0000); remove it and retry.",
            )
        else:
            response = self.get_response(request)
        if request.path.startswith("/api/"):
            add_never_cache_headers(response)
        return response
