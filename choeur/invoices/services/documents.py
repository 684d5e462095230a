"""PDF documents made on demand: the invoice readable PDF, the certificat de dépôt, the compte
rendu of a flux. Rendered each time (GET pages never write)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

import choeur.einvoice as einvoice
from choeur.invoices.models import Flux, Invoice


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


def invoice_pdf(invoice: Invoice) -> bytes | None:
    """The main document, or for a structured (E1) invoice a PDF rendered from its XML."""
    if invoice.main_document is not None:
        return invoice.main_document.read()
    if invoice.xml is None:
        return None
    return einvoice.render_pdf(einvoice.read(invoice.xml.read()))


def certificate_pdf(invoice: Invoice, context: dict[str, Any]) -> bytes:
    return html_to_pdf(
        render_to_string("invoices/pdf/certificate.html", {"invoice": invoice, **context})
    )


def flux_report_pdf(flux: Flux, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string("invoices/pdf/flux_report.html", {"flux": flux, **context}))
