"""Refusals of the packages app."""

from __future__ import annotations

from successdesk.domain.errors import Conflict


class NoCurrentSubscription(Conflict):
    """The customer has no subscription whose term covers the day."""

    code = "no_current_subscription"
    status = 409
    title = "No current subscription"

    def __init__(self, customer_name: str) -> None:
        super().__init__(
            f"{customer_name} has no subscription covering today, so no package applies. "
            "Ask your account manager to start or renew the subscription."
        )
