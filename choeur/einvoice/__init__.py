"""The EN 16931 core: pure Python, no Django (a test checks it).

The surface the rest of the platform uses:

    detect(data) -> Detected                 # syntax (ubl, cii, facturx) and profile
    read(data) -> Invoice                    # the typed EN 16931 pivot; ReadError if unreadable
    validate(data, profile=...) -> Report    # XSD + official rules; bad input gives a report
    write_ubl(invoice) -> bytes
    write_cii(invoice) -> bytes
    write_facturx(invoice, pdf=None) -> bytes   # PDF/A-3 with factur-x.xml embedded
    render_pdf(invoice) -> bytes             # a readable PDF for people

Modules: `model` (the pivot), `readers`, `writers`, `facturx`, `validation` (engines, rules,
reports), `security` (hardened parsing), `cli`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from choeur.einvoice.model import Invoice
    from choeur.einvoice.readers import Detected
    from choeur.einvoice.validation import Report


def detect(data: bytes) -> Detected:
    from choeur.einvoice.readers import detect as _detect

    detected: Detected = _detect(data)
    return detected


def read(data: bytes) -> Invoice:
    from choeur.einvoice.readers import read as _read

    invoice: Invoice = _read(data)
    return invoice


def validate(data: bytes, *, profile: str | None = None, **options: Any) -> Report:
    from choeur.einvoice.validation import validate as _validate

    report: Report = _validate(data, profile=profile, **options)
    return report


def write_ubl(invoice: Invoice) -> bytes:
    from choeur.einvoice.writers import write_ubl as _write

    data: bytes = _write(invoice)
    return data


def write_cii(invoice: Invoice) -> bytes:
    from choeur.einvoice.writers import write_cii as _write

    data: bytes = _write(invoice)
    return data


def write_facturx(invoice: Invoice, pdf: bytes | None = None) -> bytes:
    from choeur.einvoice.facturx import write_facturx as _write

    data: bytes = _write(invoice, pdf)
    return data


def render_pdf(invoice: Invoice) -> bytes:
    from choeur.einvoice.facturx import render_pdf as _render

    data: bytes = _render(invoice)
    return data
