"""Types shared by several API modules: the enums that requests and answers both use.

Request bodies are strict (``"2"``, ``true`` or ``2.0`` is not a severity); answers use the
same types so that the OpenAPI document gives a generated client enums, not plain strings.
"""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, Strict, WithJsonSchema

from successdesk.domain.intake import CATEGORIES, SEVERITIES

SEVERITY_VALUES = sorted(SEVERITIES)

# Text that must say something: at least one character that is not whitespace, whitespace
# being what Python's str.strip() removes (the services strip, then refuse what is empty).
# The characters are listed, not written `\S`: regex engines disagree on what `\s` is.
HAS_TEXT = "[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def _one_of_the_categories(value: str) -> str:
    if value not in CATEGORIES:
        raise ValueError(f"category must be one of: {', '.join(CATEGORIES)}")
    return value


Severity = Annotated[
    int,
    Strict(),
    Field(ge=min(SEVERITY_VALUES), le=max(SEVERITY_VALUES)),
    WithJsonSchema(
        {
            "type": "integer",
            "enum": SEVERITY_VALUES,
            "title": "Severity",
            "description": "1 critical … 4 question; 1 must be phoned in.",
        }
    ),
]
"""A case's severity: the integer 1, 2, 3 or 4 (not ``true``, ``3.0`` or ``"3"``)."""

Category = Annotated[
    str,
    Strict(),
    AfterValidator(_one_of_the_categories),
    WithJsonSchema(
        {
            "type": "string",
            "enum": list(CATEGORIES),
            "title": "Category",
            "description": "What the case is about (the web form's choices).",
        }
    ),
]
"""What a requester says a case is about: one of the web form's choices."""

QuotaKind = Literal["admin_task", "advisory_review"]
Pool = Literal["admin_task", "advisory_review", "service_requests"]


class CustomerRef(Schema):
    id: int
    name: str
    slug: str
