from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from successdesk.portal.nav import PortalNav
from successdesk.portal.nav import portal_nav as nav_of

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_nav(context: Any) -> PortalNav:
    """The portal navigation's flags for the signed-in user (see ``successdesk.portal.nav``)."""
    return nav_of(context["request"].user, timezone.now())
