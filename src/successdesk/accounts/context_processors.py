from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def vendor(request: HttpRequest) -> dict[str, Any]:
    """The vendor's name, support phone and languages, for every page."""
    return {
        "vendor_name": settings.VENDOR_NAME,
        "vendor_phone": settings.VENDOR_SUPPORT_PHONE,
        "vendor_languages": settings.VENDOR_LANGUAGES,
    }
