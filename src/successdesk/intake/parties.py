"""Who a case opened by a signed-in user is for: the user's own customer, or, when vendor
staff open it for a customer (on the API, as on the telephone), the customer they choose."""

from __future__ import annotations

from dataclasses import dataclass

from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role
from successdesk.domain.errors import InvalidInput, NotFound, PermissionDenied

# Staff who open cases for customers: those who take calls and work cases, and admins.
OPENERS = frozenset({Role.TRIAGE_AGENT, Role.SUPPORT_AGENT, Role.ADMIN})


@dataclass(frozen=True, kw_only=True)
class Parties:
    customer: Customer
    requester: User | None


def case_parties(*, actor: User, customer_id: int | None) -> Parties:
    """The customer and requester of a case ``actor`` opens, ``customer_id`` being the
    customer they named (or None). A customer user opens cases for their own customer only;
    vendor staff with a role in ``OPENERS`` name an active customer."""
    if actor.customer_id is not None:
        if customer_id is not None and customer_id != actor.customer_id:
            raise InvalidInput(
                "You open cases for your own organisation only: leave `customer` out.",
                field="customer",
            )
        assert actor.customer is not None
        return Parties(customer=actor.customer, requester=actor)
    if not actor.has_role(*OPENERS):
        raise PermissionDenied(
            "Only triage agents, support agents and admins open cases for a customer."
        )
    if customer_id is None:
        raise InvalidInput(
            "Choose the customer this case is for: give `customer`, the customer's id.",
            field="customer",
        )
    customer = Customer.objects.filter(pk=customer_id, is_active=True).first()
    if customer is None:
        raise NotFound(f"There is no active customer with the id {customer_id}.", field="customer")
    return Parties(customer=customer, requester=None)
