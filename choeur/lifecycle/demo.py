"""Demo processing: the demo public structure has worked on some of the invoices it received.

Runs after the invoices demo (which deposits invoices); uses `invoice_apply_action` like the
pages do, so the history, audit rows and emails are the real ones. Idempotent: invoices that
already carry a recipient action are left as they are.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from choeur.accounts.models import User
from choeur.invoices.models import Invoice
from choeur.lifecycle.models import StatusChangeDetail
from choeur.lifecycle.services import ActionRefused, invoice_apply_action

PUBLIC_EMAIL = "acheteur@choeur.localhost"  # the accounts demo's public-structure manager

# What happens to the 1st, 2nd... invoice waiting for the demo recipient.
PLAN: list[list[tuple[str, dict[str, str]]]] = [
    [("SERVICE_FAIT", {})],
    [("SUSPENDUE", {"reason": "Merci de joindre le bon de livraison signé."})],
    [("SERVICE_FAIT", {}), ("MANDATEE", {"mandat_number": "2026-000123"})],
    [("MISE_EN_PAIEMENT", {})],
]


def load(*, stdout: Any) -> None:
    agent = User.objects.filter(email__iexact=PUBLIC_EMAIL).first()
    if agent is None:
        stdout.write("  cycle de vie : pas de compte de structure publique de démonstration\n")
        return
    touched = StatusChangeDetail.objects.filter(change__invoice=OuterRef("pk"))
    waiting = list(
        Invoice.objects.filter(recipient__rattachements__user=agent, status="MISE_A_DISPOSITION")
        .annotate(touched=Exists(touched))
        .filter(touched=False)
        .order_by("pk")[: len(PLAN)]
    )
    already = StatusChangeDetail.objects.filter(change__actor=agent).exists()
    if already:
        stdout.write("  cycle de vie : factures de démonstration déjà traitées\n")
        return
    done = 0
    for invoice, steps in zip(waiting, PLAN, strict=False):
        for to_status, extra in steps:
            try:
                invoice_apply_action(
                    invoice=invoice,
                    to_status=to_status,
                    actor_user=agent,
                    actor_kind="RECIPIENT",
                    **extra,
                )
            except ActionRefused as refused:
                stdout.write(f"  cycle de vie : {invoice.number} : {refused.message}\n")
                break
        else:
            done += 1
    stdout.write(f"  cycle de vie : {done} facture(s) de démonstration traitée(s)\n")
