"""A deactivated customer (``Customer.is_active`` false) signs nobody in (see
``backends.ActiveCustomerBackend``) and opens nothing: intake on every channel asks here."""

from __future__ import annotations

from successdesk.domain.errors import Conflict

from .models import Customer


class CustomerInactive(Conflict):
    code = "customer_inactive"
    status = 409
    title = "The customer is deactivated"


def customer_ensure_active(customer: Customer | None) -> None:
    """Refuse (CustomerInactive) anything opened for a deactivated customer."""
    if customer is not None and not customer.is_active:
        raise CustomerInactive(
            f"{customer.name}'s account is deactivated, so no case or request can be opened "
            "for it. A vendor admin can reactivate it (Django admin → Customers)."
        )
