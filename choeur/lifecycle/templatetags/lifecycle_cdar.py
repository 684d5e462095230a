"""`{% cdar_url invoice row forloop.counter0 as url %}`: the « message CDAR » link of a history row.

The supplier's page gives the history rows themselves; the recipient's page gives dicts in
`selectors.history_of` order, so the row is found by its position in that same order (one
query per page, kept in the render context). "" when the row's status has no reform code.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from choeur.invoices.models import Invoice, InvoiceStatusChange
from choeur.lifecycle.reform_codes import reform_status_for

register = template.Library()


def _url(invoice_id: int, change_id: int, to_status: str) -> str:
    if reform_status_for(to_status) is None:
        return ""
    return reverse("lifecycle:history_cdar", args=[invoice_id, change_id])


@register.simple_tag(takes_context=True)
def cdar_url(context: Any, invoice: Invoice, row: Any, position: int | None = None) -> str:
    if isinstance(row, InvoiceStatusChange):
        return _url(invoice.pk, row.pk, row.to_status)
    key = ("lifecycle_cdar", invoice.pk)
    rows = context.render_context.get(key)
    if rows is None:
        rows = list(
            InvoiceStatusChange.objects.filter(invoice=invoice)
            .order_by("created_at", "pk")
            .values_list("pk", "to_status")
        )
        context.render_context[key] = rows
    if position is None or not 0 <= position < len(rows):
        return ""
    change_id, to_status = rows[position]
    return _url(invoice.pk, change_id, to_status)
