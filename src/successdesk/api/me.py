"""GET /api/v1/me: who the caller is."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from successdesk.accounts.roles import Role

from .problems import problem_responses
from .schemas import CustomerRef

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    email: str
    name: str
    customer: CustomerRef | None
    roles: list[Role]
    is_staff: bool


@router.get("/me", response={200: MeOut, **problem_responses(401)}, summary="The signed-in user")
def me_get(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    customer = user.customer
    return MeOut(
        id=user.pk,
        email=user.email,
        name=user.get_full_name(),
        customer=CustomerRef(id=customer.pk, name=customer.name, slug=customer.slug)
        if customer
        else None,
        roles=sorted(user.roles),
        is_staff=user.is_vendor_staff,
    )
