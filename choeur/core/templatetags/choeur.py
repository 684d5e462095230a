"""French formatting for templates: « 1 234,56 € », JJ/MM/AAAA."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from choeur.core.formats import format_amount, format_date

register = template.Library()


@register.filter
def montant(value: object, currency: str = "EUR") -> str:
    """Amount in French: `{{ invoice.total|montant }}` -> « 1 234,56 € »."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_amount(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), currency)


@register.filter
def date_fr(value: object) -> str:
    if isinstance(value, dt.date):
        return format_date(value)
    return "" if value is None else str(value)
