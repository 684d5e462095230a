"""French number and date formats, shared by templates, emails and exports."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

_NBSP = "\u202f"  # narrow no-break space, the French thousands separator
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "XPF": "XPF"}


def format_number(value: Decimal, *, decimals: int | None = None, max_decimals: int = 4) -> str:
    """French separators: `Decimal("1234.5")` -> « 1 234,5 ».

    `decimals` fixes the count (amounts: 2); without it the significant ones are kept, at most
    `max_decimals` (quantities and unit prices: « 2,5 », « 0,125 »).
    """
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    else:
        value = value.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
        # normalize() may write 1E+3: the "f" format below never does.
        value = value.normalize()
    sign = "-" if value < 0 else ""
    integer, _, fraction = format(abs(value), "f").partition(".")
    groups: list[str] = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    text = _NBSP.join(groups) or "0"
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def format_amount(amount: Decimal, currency: str = "EUR") -> str:
    """`Decimal("1234.56")` -> « 1 234,56 € » (2 decimals, French separators)."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{format_number(amount, decimals=2)}\u00a0{symbol}"


def format_unit_price(amount: Decimal, currency: str = "EUR") -> str:
    """A unit price has 2 decimals at least and keeps up to 4 (BT-146 allows more than the
    amounts' 2): « 12,35 € », « 0,1234 € », « 1 250,00 € »."""
    text = format_number(amount)
    whole, _, fraction = text.partition(",")
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{whole},{fraction.ljust(2, '0')}\u00a0{symbol}"


def format_rate(rate: Decimal) -> str:
    """A VAT rate as French invoices print it: « 20 % », « 5,5 % », « 2,1 % »."""
    return f"{format_number(rate, max_decimals=3)}\u00a0%"


def plural_count(count: int, language: str = "fr") -> int:
    """The number to give ngettext so that French is French: 0 and 1 are singular (« 0 facture »).

    The source strings are French and no French catalog is compiled, so gettext falls back to
    the English rule (only 1 is singular). Other languages keep their catalog's rule.
    """
    if language.startswith("fr") and abs(count) < 2:
        return 1
    return count


def format_date(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")
