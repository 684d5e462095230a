"""French formatting for templates: « 1 234,56 € », « 5,5 % », JJ/MM/AAAA, unit and VAT names.

Emails and exports use the same functions (`choeur.core.formats`) and the same tables name the
codes (`choeur.einvoice.codes`): a page never shows « C62 », « S » or « 20.00 % »."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

from choeur.core.formats import (
    format_amount,
    format_date,
    format_number,
    format_rate,
    format_unit_price,
    plural_count,
)
from choeur.einvoice.codes import unit_name, vat_category_name

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


def _decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def prix_unitaire(value: object, currency: str = "EUR") -> str:
    """Unit price: `{{ line.unit_price|prix_unitaire:invoice.currency }}` -> « 12,35 € »."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return format_unit_price(number, currency)


@register.filter
def nombre(value: object) -> str:
    """A quantity or a count: « 1 000 », « 2,5 » (no trailing zeros, French separators)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return format_number(number)


@register.filter
def taux(value: object) -> str:
    """VAT rate: `Decimal("20.00")` or `"5.50"` -> « 20 % », « 5,5 % »; none -> « »."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return format_rate(number)


@register.filter
def unite(code: object) -> str:
    """Unit of measure (UN/ECE Rec. 20/21): « C62 » -> « unité »; unknown codes as they are."""
    return unit_name(str(code or ""), get_language() or "fr")


@register.filter
def categorie_tva(code: object) -> str:
    """VAT category (UNTDID 5305): « S » -> « Taux normal »; unknown codes as they are."""
    return vat_category_name(str(getattr(code, "value", code) or ""), get_language() or "fr")


@register.filter
def pluriel(count: object) -> object:
    """The count that picks the plural form in `{% blocktranslate count %}`, so that 0 is
    singular in French; the number shown is passed apart:
    `{% blocktranslate count counter=n|pluriel with total=n|nombre %}{{ total }} facture{% plural %}…`
    """
    if isinstance(count, bool) or not isinstance(count, int):
        return count
    return plural_count(count, get_language() or "fr")


@register.filter
def date_fr(value: object) -> str:
    if isinstance(value, dt.date):
        return format_date(value)
    return "" if value is None else str(value)
