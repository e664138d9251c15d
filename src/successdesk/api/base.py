"""The API v1 object: authentication, problem+json errors, and the resource routers."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.operation import Operation

from successdesk.domain.errors import DomainError

from . import cases, me
from .auth import API_AUTH
from .problems import (
    PROBLEM_CONTENT_TYPE,
    TYPED,
    Problem,
    ValidationProblem,
    problem_response,
)

log = logging.getLogger(__name__)


class SuccessDeskAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document says what the answers really are: every error is
    ``application/problem+json`` (typed per refusal where it carries members of its own),
    every operation may answer 401 (bad token) and 422 (invalid input), and operation ids
    are the endpoint functions' names (``cases_list``), short and stable."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        ref = "#/components/schemas/{model}"
        problem = {"$ref": ref.format(model=Problem.__name__)}
        invalid = {"anyOf": [{"$ref": ref.format(model=ValidationProblem.__name__)}, problem]}
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                # ninja keys its responses by int, JSON by string: one key per status.
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                # Answers any operation of this kind can give, declared once here.
                implied = {"401": "Unauthorized"} if operation.get("security") else {}
                if "requestBody" in operation:
                    implied |= {"400": "Bad Request (malformed body)", "422": "Invalid input"}
                if operation.get("parameters"):
                    implied |= {"400": "Bad Request (e.g. a NUL character)", "422": "Invalid input"}
                if "{" in path:
                    implied["404"] = "Not Found"
                for status, description in implied.items():
                    responses.setdefault(status, {"description": description})
                for status, response in responses.items():
                    if not status.startswith(("4", "5")):
                        continue
                    # What the endpoint declared (a typed problem or a union of them), or
                    # the common shape; always served as problem+json.
                    content: dict[str, dict[str, Any]] = response.get("content") or {}
                    media: dict[str, Any] = next(iter(content.values()), {})
                    declared = media.get("schema")
                    if declared is None:
                        declared = invalid if status == "422" else problem
                    response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": declared}}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        models: tuple[type[Problem], ...] = (Problem, *TYPED)
        for model in models:
            for name, definition in _json_schemas(model, ref).items():
                components.setdefault(name, definition)
        return schema


def _json_schemas(model: type[Problem], ref: str) -> dict[str, Any]:
    """The model's JSON schema and those it refers to, keyed by component name."""
    definition = model.model_json_schema(ref_template=ref)
    nested = definition.pop("$defs", {})
    return {model.__name__: definition, **nested}


api = SuccessDeskAPI(
    title="SuccessDesk API",
    version="1",
    description=(
        "Open and follow support cases, service requests and entitlements. Authenticate with "
        "`Authorization: Bearer <token>`. Errors are `application/problem+json` (RFC 9457) "
        "with a stable `code`."
    ),
    auth=API_AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = exc.as_problem()
    return problem_response(
        request,
        status=body.pop("status"),
        code=body.pop("code"),
        title=body.pop("title"),
        detail=body.pop("detail"),
        **body,
    )


def _field(loc: Any) -> str:
    """The member an error is about, dotted: ninja's `body`/`payload` left out, and a union
    member's tag (`user_id` of `user_id`) said once."""
    parts: list[str] = []
    for part in (str(p) for p in loc if p not in ("body", "payload")):
        if not parts or parts[-1] != part:
            parts.append(part)
    return ".".join(parts)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field(err.get("loc", ())),
            "message": err.get("msg", "invalid"),
            "type": err.get("type", "invalid"),
        }
        for err in exc.errors
    ]
    first = errors[0] if errors else {"field": "", "message": "invalid"}
    return problem_response(
        request,
        status=422,
        code="validation_error",
        title="Invalid input",
        detail=f"{first['field'] or 'request'}: {first['message']}",
        field=first["field"] or None,
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        status=401,
        code="unauthenticated",
        title="Authentication required",
        detail="Send `Authorization: Bearer <token>` with a valid, un-revoked API token.",
        headers={"WWW-Authenticate": 'Bearer realm="successdesk"'},
    )


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return problem_response(
        request, status=403, code="forbidden", title="Forbidden", detail=str(exc) or "Forbidden"
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(
        request, status=404, code="not_found", title="Not found", detail="No such resource."
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 403 and "CSRF" in detail:
        return problem_response(
            request,
            status=403,
            code="csrf_failed",
            title="CSRF check failed",
            detail=(
                "A browser session's request needs its CSRF token (the `X-CSRFToken` header); "
                "API clients send `Authorization: Bearer <token>` instead."
            ),
        )
    code = {400: "bad_request", 403: "forbidden", 405: "method_not_allowed", 429: "rate_limited"}
    return problem_response(
        request,
        status=exc.status_code,
        code=code.get(exc.status_code, "http_error"),
        title="Request refused",
        detail=detail,
    )


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("Unexpected API error on %s", request.path)
    return problem_response(
        request,
        status=500,
        code="internal_error",
        title="Internal error",
        detail="Something failed on our side; nothing was saved. Try again later.",
    )


def _register_routers() -> None:
    api.add_router("/", me.router)
    api.add_router("/", "successdesk.api.entitlements.router")
    api.add_router("/", "successdesk.api.designated_contacts.router")
    api.add_router("/", cases.router)
    api.add_router("/", "successdesk.api.queue.router")
    api.add_router("/", "successdesk.api.service_requests.router")


_register_routers()
