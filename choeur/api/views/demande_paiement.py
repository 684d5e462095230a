"""`factures/v1/rechercher/demandePaiement` (reference E.3): every payment request the account's
structures see, whatever their role in it, through one search: supplier, recipient, validator
(A9/A12), MOE or MOA (works). Over the same reads as the pages of each role.

Chœur keeps every payment request (no archive): `dpOuDpArchive` `DP_ARCHIVE` finds nothing.
The answer has no paging in the platform's shape: at most RESULTS_MAX rows, the most recent
first, and `nombreResultatTotal` says how many matched.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import LIBELLE_OK, no_result, ok
from choeur.api.payload import body, choice, date, integer, text, value
from choeur.api.views.base import CproView
from choeur.api.views.factures import amount_filters, deposit_day_filters, status_change_period
from choeur.claims.enums import type_demande_paiement
from choeur.claims.selectors import payment_request_type_condition
from choeur.invoices.enums import CadreFacturation, InvoiceStatus, InvoiceType
from choeur.invoices.models import Invoice
from choeur.invoices.selectors import invoices_for_supplier
from choeur.lifecycle.selectors import received_invoices
from choeur.structures.selectors import structures_for_user

ROLES = ("FOURNISSEUR", "DESTINATAIRE", "VALIDATEUR", "MOE", "MOA")
TYPES = ("FACTURE", "FACTURE_TRAVAUX", "MEMOIRE_JUSTICE", "DEMANDE_REMBOURSEMENT")
RESULTS_MAX = 1000


def _of_role(user: Any, role: str) -> QuerySet[Invoice]:
    if role == "FOURNISSEUR":
        return invoices_for_supplier(user=user)
    if role == "DESTINATAIRE":
        return received_invoices(user)
    mine = structures_for_user(user).values("pk")
    if role == "VALIDATEUR":
        return Invoice.objects.filter(
            Q(validation__validator_1__in=mine) | Q(validation__validator_2__in=mine)
        )
    if role == "MOE":
        return Invoice.objects.filter(works__moe__in=mine)
    return Invoice.objects.filter(works__moa__in=mine)


def _party(data: dict[str, Any], key: str, name: str) -> tuple[int | None, str]:
    party = value(data, key) or {}
    return (
        integer(party, f"idStructure{name}", where=key),
        text(party, f"identifiantStructure{name}", where=key),
    )


def _row(invoice: Invoice, total: int) -> dict[str, Any]:
    validation = getattr(invoice, "validation", None)
    works = getattr(invoice, "works", None)
    service = invoice.service
    row: dict[str, Any] = {
        "idDemandePaiement": invoice.pk,
        "numeroDemandePaiement": invoice.number,
        "typeDemandePaiement": type_demande_paiement(invoice.cadre, works=works is not None),
        "cadreFacturation": invoice.cadre,
        "typeFacture": invoice.type,
        "etatCourant": invoice.status,
        "dateHeureEtatCourant": invoice.status_changed_at.isoformat(),
        "dateDepot": timezone.localdate(invoice.created_at).isoformat(),
        "dateFournisseur": invoice.issue_date.isoformat(),
        "montantHT": float(invoice.total_ht),
        "montantTTC": float(invoice.total_ttc),
        "montantAPayer": float(invoice.amount_due),
        "idStructureFournisseur": invoice.supplier_id,
        "identifiantStructureFournisseur": invoice.supplier.identifier,
        "idStructureDestinataire": invoice.recipient_id,
        "identifiantStructureDestinataire": invoice.recipient.identifier,
        "codeServiceDestinataire": service.code if service else "",
        "nomServiceDestinataire": service.name if service else "",
        "numeroBonCommande": invoice.engagement_number,
        "dpOuDpArchive": "DEMANDE_PAIEMENT",
        "nombreResultatTotal": str(total),
    }
    if service is not None:
        row["idServiceDestinataire"] = service.pk
    if validation is not None:
        row["idStructureValideur1"] = validation.validator_1_id
        if validation.validator_2_id:
            row["idStructureValideur2"] = validation.validator_2_id
    if works is not None:
        row["typeFactureTravaux"] = works.type_facture_travaux
        row["idStructureMoa"] = works.moa_id
        if works.moe_id:
            row["idStructureMoe"] = works.moe_id
    return row


class RechercherDemandePaiement(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        role = choice(data, "roleUtilisateur", ROLES)
        if role:
            found = _of_role(request.user, role)
        else:
            found = Invoice.objects.filter(
                Q(pk__in=invoices_for_supplier(user=request.user).values("pk"))
                | Q(pk__in=received_invoices(request.user).values("pk"))
                | Q(pk__in=_of_role(request.user, "VALIDATEUR").values("pk"))
                | Q(pk__in=_of_role(request.user, "MOE").values("pk"))
                | Q(pk__in=_of_role(request.user, "MOA").values("pk"))
            )
        kind = choice(data, "typeDemandePaiement", TYPES)
        if kind:
            found = found.filter(payment_request_type_condition(kind))
        if choice(data, "dpOuDpArchive", ("DEMANDE_PAIEMENT", "DP_ARCHIVE")) == "DP_ARCHIVE":
            found = found.none()
        cadre = choice(data, "cadreFacturation", CadreFacturation.values)
        if cadre:
            found = found.filter(cadre=cadre)
        status = choice(data, "statutCourant", InvoiceStatus.values)
        if status:
            found = found.filter(status=status)
        invoice_type = choice(data, "typeFacture", InvoiceType.values)
        if invoice_type:
            found = found.filter(type=invoice_type)
        number = text(data, "numeroFacture")
        if number:
            found = found.filter(number__icontains=number)
        engagement = text(data, "numeroBonCommande")
        if engagement:
            found = found.filter(engagement_number__icontains=engagement)
        for key, column in (("Destinataire", "recipient"), ("Fournisseur", "supplier")):
            pk, identifier = _party(data, f"structure{key}", key)
            if pk is not None:
                found = found.filter(**{f"{column}_id": pk})
            if identifier:
                found = found.filter(**{f"{column}__identifier": identifier})
        service = integer(data, "idServiceDestinataire")
        if service is not None:
            found = found.filter(service_id=service)
        since, until = (
            date(data, "periodeDateFournisseurDu"),
            date(data, "periodeDateFournisseurAu"),
        )
        if since is not None:
            found = found.filter(issue_date__gte=since)
        if until is not None:
            found = found.filter(issue_date__lte=until)
        found = status_change_period(deposit_day_filters(amount_filters(found, data), data), data)
        found = found.select_related(
            "supplier", "recipient", "service", "validation", "works"
        ).order_by("-created_at", "-pk")
        total = found.count()
        if total == 0:
            return no_result(listeDemandePaiement=[])
        rows = [_row(invoice, total) for invoice in found[:RESULTS_MAX]]
        return ok(LIBELLE_OK, listeDemandePaiement=rows)
