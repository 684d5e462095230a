"""French number and date formats, shared by templates, emails and exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

_NBSP = "\u202f"  # narrow no-break space, the French thousands separator
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "XPF": "XPF"}


def format_amount(amount: Decimal, currency: str = "EUR") -> str:
    """`Decimal("1234.56")` -> « 1 234,56 € » (2 decimals, French separators)."""
    sign = "-" if amount < 0 else ""
    integer, _, fraction = f"{abs(amount):.2f}".partition(".")
    groups: list[str] = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{sign}{_NBSP.join(groups)},{fraction}\u00a0{symbol}"


def format_date(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")
