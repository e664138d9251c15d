"""Which of the portal's navigation links the signed-in customer user may open.

Each flag asks the same rule the page itself applies, so the navigation never offers a link
that answers "not available" (403): "Users" is for designated contacts, the content library
for packages that include it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from successdesk.accounts.models import User
from successdesk.contacts.powers import designated_contact_required
from successdesk.domain.errors import DomainError
from successdesk.library.selectors import library_access


@dataclass(frozen=True)
class PortalNav:
    users: bool
    library: bool


def _allowed(check: Callable[[], object]) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


def portal_nav(user: User, at: datetime) -> PortalNav:
    """The links ``user`` may follow at ``at`` (every flag False for staff: not their portal)."""
    if user.customer_id is None:
        return PortalNav(users=False, library=False)
    return PortalNav(
        users=_allowed(lambda: designated_contact_required(user)),
        library=_allowed(lambda: library_access(user, at)),
    )
