"""Reads of the claims' pages, scoped to what the user may see (others' requests: 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from choeur.claims import perms
from choeur.claims.enums import CADRE_OF_KIND, CLAIM_CADRES, RECIPIENT_FLAG
from choeur.claims.models import Claim
from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Invoice
from choeur.lifecycle.selectors import received_invoices, status_label
from choeur.structures.models import Structure


def payment_request_type_condition(kind: str) -> Q:
    """The invoices of one `typeDemandePaiement` (reference C.3): FACTURE (no works circuit,
    neither A3 nor A21), FACTURE_TRAVAUX (a works invoice), MEMOIRE_JUSTICE (A3),
    DEMANDE_REMBOURSEMENT (A21). An empty kind: all."""
    if not kind:
        return Q()
    if kind == "FACTURE":
        return Q(works__isnull=True) & ~Q(cadre__in=CLAIM_CADRES)
    if kind == "FACTURE_TRAVAUX":
        return Q(works__isnull=False)
    return Q(cadre=CADRE_OF_KIND[kind])


def recipients_for(kind: str) -> QuerySet[Structure]:
    """The public, active structures flagged as receiving `kind` (the recipient choices)."""
    return Structure.objects.filter(
        is_public=True, is_active=True, **{RECIPIENT_FLAG[kind]: True}
    ).order_by("raison_sociale", "identifier")


def claims_sent(user: Any, kind: str) -> QuerySet[Claim]:
    ids = [s.pk for s in perms.depositor_structures(user, kind)]
    return (
        Claim.objects.filter(kind=kind, supplier_id__in=ids)
        .select_related("flux", "invoice", "supplier", "recipient")
        .prefetch_related("flux__invoices")
    )


def claims_received(user: Any, kind: str) -> QuerySet[Claim]:
    """The requests of `kind` integrated for the user's recipient structures, within what
    « Factures reçues » lets him see (its services)."""
    ids = [s.pk for s in perms.recipient_structures(user, kind)]
    visible = received_invoices(user).filter(cadre=CADRE_OF_KIND[kind], recipient_id__in=ids)
    pks = visible.values("pk")
    return (
        Claim.objects.filter(kind=kind)
        .filter(
            Q(invoice__in=pks)
            # a saisie's claim whose invoice is not linked yet: the one of its flux
            | Q(invoice__isnull=True, flux__invoices__flux_position=0, flux__invoices__in=pks)
        )
        .select_related("flux", "invoice", "supplier", "recipient")
        .prefetch_related("flux__invoices")
        .distinct()
    )


def claim_get_for_supplier(*, user: Any, kind: str, claim_id: int) -> Claim:
    claim = claims_sent(user, kind).filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    return claim


def claim_get_for_recipient(*, user: Any, kind: str, claim_id: int) -> tuple[Claim, Invoice]:
    claim = claims_received(user, kind).filter(pk=claim_id).first()
    invoice = invoice_of(claim) if claim is not None else None
    if claim is None or invoice is None:
        raise Http404
    return claim, invoice


def invoice_of(claim: Claim) -> Invoice | None:
    """The claim's invoice (none while its flux is integrating, or when it was rejected)."""
    if claim.invoice_id is not None:
        return claim.invoice
    invoices = [i for i in claim.flux.invoices.all() if i.flux_position == 0]
    return invoices[0] if invoices else None


@dataclass(frozen=True)
class ClaimRow:
    claim: Claim
    invoice: Invoice | None
    status: str
    status_label: str


def row_of(claim: Claim) -> ClaimRow:
    invoice = invoice_of(claim)
    if invoice is not None:
        return ClaimRow(claim, invoice, invoice.status, status_label(invoice.status))
    if claim.flux.status == FluxStatus.IN_REJETE:
        return ClaimRow(claim, None, "IN_REJETE", "Rejetée au dépôt (voir le compte rendu)")
    return ClaimRow(claim, None, claim.flux.status, "En cours d'intégration")
