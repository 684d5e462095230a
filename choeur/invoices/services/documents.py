"""PDF documents made on demand: the invoice readable PDF, the certificat de dépôt, the compte
rendu of a flux. The invoice's PDF rendered from its XML is kept after its first rendering (a
derived file, not a state change: no audit row); the others are rendered each time."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

import choeur.einvoice as einvoice
from choeur.core.files import stored_file_create
from choeur.invoices.models import Flux, Invoice


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


def invoice_pdf(invoice: Invoice) -> bytes | None:
    """The main document, or for a structured (E1) invoice a PDF rendered from its XML: rendered
    on the first download (seconds of WeasyPrint) and kept, so the next ones read a file."""
    if invoice.main_document is not None:
        return invoice.main_document.read()
    if invoice.xml is None:
        return None
    if invoice.rendered_pdf is not None:
        return invoice.rendered_pdf.read()
    data = einvoice.render_pdf(einvoice.read(invoice.xml.read()))
    stored = stored_file_create(
        data=data, name=f"facture-{invoice.number}.pdf", content_type="application/pdf"
    )
    # Two first downloads at once both render: the first one kept is the invoice's.
    if Invoice.objects.filter(pk=invoice.pk, rendered_pdf__isnull=True).update(rendered_pdf=stored):
        invoice.rendered_pdf = stored
    return data


def certificate_pdf(invoice: Invoice, context: dict[str, Any]) -> bytes:
    return html_to_pdf(
        render_to_string("invoices/pdf/certificate.html", {"invoice": invoice, **context})
    )


def flux_report_pdf(flux: Flux, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string("invoices/pdf/flux_report.html", {"flux": flux, **context}))
