"""Money shown to people: always with its currency. Pure."""

from __future__ import annotations

from decimal import Decimal


def format_money(amount: Decimal | int | str, currency: str) -> str:
    """``1,250.00 USD``: two decimals, thousands grouped, the ISO 4217 code after."""
    return f"{Decimal(amount):,.2f} {currency}".strip()
