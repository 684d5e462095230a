"""What « Mon espace » shows of invoicing: the first invoice, guided, while none was sent."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from choeur.invoices import perms
from choeur.invoices.models import Invoice
from choeur.structures import perms as structure_perms


def first_invoice_guide(user: Any) -> dict[str, Any] | None:
    """The guide to the first invoice, for a user who may deposit for structures none of whose
    invoices reached the platform yet (a first flux rejected whole still gets the guide)."""
    structures = perms.sendable_structures(user)
    if not structures or Invoice.objects.filter(supplier__in=structures).exists():
        return None
    technical = [s for s in structures if structure_perms.can_manage_technical_accounts(user, s)]
    return {
        "structures": structures,
        "saisie_url": reverse("invoices:saisie"),
        "pdf_url": reverse("invoices:upload_pdf"),
        "flux_url": reverse("invoices:upload"),
        "directory_url": reverse("directory:search"),
        "technical_accounts_url": (
            reverse("structures:technical_accounts", args=[technical[0].pk]) if technical else ""
        ),
    }
