"""Issue 16: WeasyPrint logged « Unknown rendering option: lang » on every invoice PDF."""

from __future__ import annotations

import io
import logging
from typing import Any

import pikepdf

from choeur.einvoice import render_pdf
from choeur.einvoice.samples import sample_invoice


def test_rendering_a_pdf_logs_no_unknown_option_and_keeps_the_language(caplog: Any) -> None:
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        pdf = render_pdf(sample_invoice())
    assert not [r for r in caplog.records if "Unknown rendering option" in r.getMessage()]
    # The language still reaches the PDF catalog, from <html lang="fr">.
    assert str(pikepdf.open(io.BytesIO(pdf)).Root.get("/Lang")) == "fr"
