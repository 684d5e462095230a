from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from choeur.invoices.services.deposit import Upload


def upload_of(file: Any) -> Upload:
    data = b"".join(file.chunks())
    return Upload(file.name, data, getattr(file, "content_type", "") or "application/octet-stream")


def menu(request: HttpRequest, current: str) -> list[dict[str, Any]]:
    entries = [
        ("list", "invoices:list", _("Factures émises")),
        ("synthese", "invoices:synthese", _("Synthèse")),
        ("saisie", "invoices:saisie", _("Saisir une facture")),
        ("pdf", "invoices:upload_pdf", _("Déposer une facture PDF")),
        ("upload", "invoices:upload", _("Déposer un flux")),
        ("drafts", "invoices:drafts", _("Brouillons")),
        ("flux", "invoices:flux_list", _("Suivi des flux")),
    ]
    return [
        {"url": reverse(name), "label": label, "active": key == current}
        for key, name, label in entries
    ]
