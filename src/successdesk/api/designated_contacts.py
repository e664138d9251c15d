"""Designated contacts: list, name, remove, transfer (the caller's own customer).

Naming a user who is already designated answers 200 with the existing designation instead
of 201, and repeating a transfer already done answers 200 with its designation: these
POSTs are idempotent by nature, so they need no ``Idempotency-Key``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Body, Field, Router, Schema, Status
from pydantic import Discriminator, Tag

from successdesk.accounts.models import User
from successdesk.accounts.network import client_ip
from successdesk.contacts.models import DesignatedContact, DesignatedContactFee
from successdesk.contacts.selectors import roster_of
from successdesk.contacts.services import (
    Designation,
    designated_contact_add,
    designated_contact_remove,
    designated_contact_transfer,
    roster_user,
)
from successdesk.domain.errors import NotFound

from .entitlements import caller_customer
from .problems import FeeConfirmationProblem, TrainingIncompleteProblem, problem_responses

router = Router(tags=["designated contacts"])
WHAT = "The designated-contacts API"


class PersonOut(Schema):
    id: int
    email: str
    name: str


class FeeOut(Schema):
    id: int
    position: int
    amount: str
    currency: str = Field(description="ISO 4217 code of `amount`")
    period_start: date
    period_end: date


class DesignatedContactOut(Schema):
    id: int
    user: PersonOut
    since: datetime
    designated_by: str | None
    replaces_id: int | None
    fee: FeeOut | None = None


class RosterOut(Schema):
    items: list[DesignatedContactOut]
    included: int | None = Field(description="Included in the package (null: no subscription)")
    extra_contact_fee: str | None
    currency: str = Field(description="ISO 4217 code of `extra_contact_fee`")
    next_is_billed: bool


class DesignateIn(Schema):
    """What both ways of naming a designated contact take."""

    confirm_fee: bool = Field(
        False,
        description="Confirm the fee when naming this contact is billed; without it such a "
        "request answers 409 `fee_confirmation_required` with the `amount` and `currency`.",
    )

    model_config = {"extra": "forbid", "strict": True}


class DesignateById(DesignateIn):
    user_id: int = Field(ge=1, description="The id of an active user of your organisation")


class DesignateByEmail(DesignateIn):
    email: str = Field(min_length=3, max_length=254, description="Their sign-in address")


def _designate_by(body: Any) -> str | None:
    """Which of the two bodies this is: exactly one of `user_id` or `email`."""
    if isinstance(body, dict):
        keys = set(body)
    elif isinstance(body, DesignateIn):
        keys = set(body.model_fields_set)
    else:
        return None
    found = keys & {"user_id", "email"}
    return found.pop() if len(found) == 1 else None


Designate = Annotated[
    Annotated[DesignateById, Tag("user_id")] | Annotated[DesignateByEmail, Tag("email")],
    Discriminator(
        _designate_by,
        custom_error_type="one_of",
        custom_error_message="give exactly one of user_id or email",
    ),
]
"""Exactly one of ``{"user_id": 12}`` or ``{"email": "ann@…"}`` (a ``oneOf``)."""


class TransferIn(Schema):
    from_id: int = Field(ge=1, description="The designation to transfer (its `id`)")
    to_user_id: int = Field(ge=1, description="The user who takes over")

    model_config = {"extra": "forbid", "strict": True}


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "email": user.email, "name": user.get_full_name()}


def _fee(fee: DesignatedContactFee | None) -> dict[str, Any] | None:
    if fee is None:
        return None
    return {
        "id": fee.pk,
        "position": fee.position,
        "amount": f"{fee.amount:.2f}",
        "currency": fee.currency,
        "period_start": fee.period_start,
        "period_end": fee.period_end,
    }


def _out(contact: DesignatedContact, fee: DesignatedContactFee | None = None) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "user": _person(contact.user),
        "since": contact.since,
        "designated_by": contact.designated_by.email if contact.designated_by else None,
        "replaces_id": contact.replaces_id,
        "fee": _fee(fee),
    }


def _answer(done: Designation) -> Status[dict[str, Any]]:
    return Status(201 if done.created else 200, _out(done.contact, done.fee))


def _designation(request: HttpRequest, pk: int) -> DesignatedContact:
    customer = caller_customer(request, WHAT)
    contact = (
        DesignatedContact.objects.select_related("customer", "user")
        .filter(pk=pk, customer=customer)
        .first()
    )
    if contact is None:
        raise NotFound(f"{customer.name} has no designated contact with the id {pk}.")
    return contact


@router.get(
    "/designated-contacts",
    response={200: RosterOut, **problem_responses(401, 404)},
    summary="Your designated contacts",
)
def contacts_list(request: HttpRequest) -> dict[str, Any]:
    roster = roster_of(caller_customer(request, WHAT), history=0)
    return {
        "items": [_out(c) for c in roster.contacts],
        "included": roster.included,
        "extra_contact_fee": str(roster.extra_contact_fee) if roster.extra_contact_fee else None,
        "currency": roster.currency,
        "next_is_billed": roster.next_is_billed,
    }


@router.post(
    "/designated-contacts",
    response={
        200: DesignatedContactOut,
        201: DesignatedContactOut,
        **problem_responses(
            401, 403, 404, 409, 422, typed=(TrainingIncompleteProblem, FeeConfirmationProblem)
        ),
    },
    summary="Name a designated contact",
    description=(
        "Give `user_id` or `email` of an active user of your organisation. Only designated "
        "contacts may do this (403 `roster_change_not_allowed`). The user must have completed "
        "the required training (422 `training_incomplete` lists the missing courses). A "
        "contact beyond those included is allowed and billed: the answer's `fee` is the fee "
        "record. Naming a billable contact needs `confirm_fee: true` (409 "
        "`fee_confirmation_required` with the `amount` and `currency` otherwise); a person is "
        "billed once per term however often they are named. Naming a user already designated "
        "answers 200 with the existing record."
    ),
)
def contacts_add(request: HttpRequest, payload: Body[Designate]) -> Status[dict[str, Any]]:
    customer = caller_customer(request, WHAT)
    user = roster_user(
        customer=customer,
        user_id=getattr(payload, "user_id", None),
        email=getattr(payload, "email", ""),
    )
    return _answer(
        designated_contact_add(
            actor=request.auth,  # type: ignore[attr-defined]
            customer=customer,
            user=user,
            ip=client_ip(request),
            confirm_fee=payload.confirm_fee,
        )
    )


# Declared before "/designated-contacts/{contact_id}": the first matching path wins.
@router.post(
    "/designated-contacts/transfer",
    response={
        200: DesignatedContactOut,
        201: DesignatedContactOut,
        **problem_responses(401, 403, 404, 409, 422, typed=(TrainingIncompleteProblem,)),
    },
    summary="Transfer a designated contact's responsibilities",
    description=(
        "In one step, ends designation `from_id` and names `to_user_id` (a trained user of "
        "your organisation); the vendor is notified. Repeating a transfer already done "
        "answers 200 with its designation."
    ),
)
def contacts_transfer(request: HttpRequest, payload: TransferIn) -> Status[dict[str, Any]]:
    contact = _designation(request, payload.from_id)
    to_user = roster_user(customer=contact.customer, user_id=payload.to_user_id)
    return _answer(
        designated_contact_transfer(
            actor=request.auth,  # type: ignore[attr-defined]
            contact=contact,
            to_user=to_user,
            ip=client_ip(request),
        )
    )


@router.delete(
    "/designated-contacts/{contact_id}",
    response={204: None, **problem_responses(401, 403, 404, 409, 422)},
    summary="Remove a designated contact",
    description=(
        "Ends the designation (it stays in the history). The last designated contact cannot "
        "be removed (409 `last_designated_contact`): name another one first, or transfer. "
        "Removing one already removed answers 204 again."
    ),
)
def contacts_remove(request: HttpRequest, contact_id: int) -> Status[None]:
    contact = _designation(request, contact_id)
    designated_contact_remove(
        actor=request.auth,  # type: ignore[attr-defined]
        contact=contact,
        ip=client_ip(request),
    )
    return Status(204, None)
