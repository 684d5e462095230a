"""Download of the CDAR message of one status-history row, for the supplier and the recipient."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from choeur.invoices import selectors as invoice_selectors
from choeur.invoices.models import Invoice, InvoiceStatusChange
from choeur.lifecycle import selectors
from choeur.lifecycle.cdar import cdar_filename, cdar_for_change


def _invoice_for(user: object, invoice_id: int) -> Invoice:
    """The invoice as its supplier or its recipient sees it; anyone else gets a 404."""
    try:
        return invoice_selectors.invoice_get_for_supplier(user=user, invoice_id=invoice_id)
    except Http404:
        return selectors.invoice_get_for_recipient(user=user, invoice_id=invoice_id)


@login_required
@require_GET
def history_cdar(request: HttpRequest, invoice_id: int, change_id: int) -> HttpResponse:
    invoice = _invoice_for(request.user, invoice_id)
    change = (
        InvoiceStatusChange.objects.filter(invoice=invoice, pk=change_id)
        .select_related("detail", "invoice__supplier", "invoice__recipient")
        .first()
    )
    data = cdar_for_change(change=change) if change is not None else None
    if change is None or data is None:
        raise Http404
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{cdar_filename(change)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
