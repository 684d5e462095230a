"""Works invoices (CCAG Travaux) over the API: `facturesTravaux/v1/rechercher` and `consulter`,
the cadres per `typeDemandePaiement` and the structures active in « Factures de travaux »
(reference C.3, C.10, E.3). The same selectors and services as the pages (choeur.works)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, NOT_FOUND, ApiError, no_result, ok
from choeur.api.payload import (
    Paging,
    body,
    boolean,
    choice,
    integer,
    moment,
    string_list,
    text,
    value,
)
from choeur.api.views.base import CproView
from choeur.invoices.enums import CadreFacturation, InvoiceStatus
from choeur.works import perms
from choeur.works.enums import WORKS_CADRES, TypeFactureTravaux, WorksRole
from choeur.works.models import WorksInvoice
from choeur.works.services import deadline_of

# E.2: « 20007 GFT_MSG_01.075 (works search, no result) ».
WORKS_NO_RESULT = (20007, "GFT_MSG_01.075")
PAYMENT_REQUEST_TYPES = ("FACTURE", "FACTURE_TRAVAUX", "MEMOIRE_JUSTICE", "DEMANDE_REMBOURSEMENT")
# The cadres of each `typeDemandePaiement` (reference C.3), those this platform accepts.
_BY_TYPE_PREFIXES = {
    "FACTURE": ("A1", "A2", "A9", "A12"),
    "MEMOIRE_JUSTICE": ("A3",),
    "DEMANDE_REMBOURSEMENT": ("A21",),
}
SORTS = {
    "NumeroFactureTravaux": "invoice__number",
    "DateDepot": "invoice__created_at",
    "MontantTTC": "invoice__total_ttc",
    "StatutFactureTravaux": "invoice__status",
}


def cadres_for(kind: str) -> list[str]:
    """The cadres of `typeDemandePaiement` `kind` ("" for all), in the reference's order."""
    if not kind:
        return list(CadreFacturation.values)
    if kind == "FACTURE_TRAVAUX":
        return [c for c in CadreFacturation.values if c in WORKS_CADRES]
    prefixes = _BY_TYPE_PREFIXES[kind]
    return [c for c in CadreFacturation.values if c.split("_", 1)[0] in prefixes]


class RecupererCadreFacturation(CproView):
    """`transverses/v1/recuperer/cadrefacturation {typeDemandePaiement}`: the cadres allowed
    for one type of payment request, every cadre when it is absent."""

    def post(self, request: Request) -> Response:
        kind = choice(body(request), "typeDemandePaiement", PAYMENT_REQUEST_TYPES)
        rows = [{"codeCadreFacturation": c} for c in cadres_for(kind)]
        if not rows:
            return no_result(listeCadreFacturation=[])
        return ok(LIBELLE_OK, listeCadreFacturation=rows)


class StructuresActivesFactureTravaux(CproView):
    """The active structures this account works for in « Factures de travaux »."""

    def post(self, request: Request) -> Response:
        body(request)
        rows = [
            {
                "idStructureCPP": s.pk,
                "identifiant": s.identifier,
                "designationStructure": s.raison_sociale,
            }
            for s in perms.works_structures(request.user)
            if s.is_active
        ]
        if not rows:
            return no_result(listeStructures=[])
        return ok(LIBELLE_OK, listeStructures=rows)


def _works_no_result(**fields: Any) -> Response:
    code, libelle = WORKS_NO_RESULT
    return Response({"codeRetour": code, "libelle": libelle, **fields}, status=200)


def _row(works: WorksInvoice) -> dict[str, Any]:
    invoice = works.invoice
    deadline = deadline_of(works)
    return {
        "idFactureTravaux": invoice.pk,
        "numeroFactureTravaux": invoice.number,
        "statutFactureTravaux": invoice.status,
        "typeFactureTravaux": works.type_facture_travaux,
        "cadreFacturation": works.cadre,
        "dateFactureTravaux": invoice.issue_date.isoformat(),
        "dateDepot": timezone.localdate(invoice.created_at).isoformat(),
        "dateHeureEtatCourant": timezone.localtime(invoice.status_changed_at).isoformat(),
        "montantHT": float(invoice.total_ht),
        "montantTTC": float(invoice.total_ttc),
        "devise": invoice.currency,
        "idFournisseur": invoice.supplier_id,
        "identifiantFournisseur": invoice.supplier.identifier,
        "designationFournisseur": invoice.supplier.raison_sociale,
        "idStructureMoe": works.moe_id,
        "designationMoe": works.moe.raison_sociale if works.moe else None,
        "idStructureMoa": works.moa_id,
        "designationMoa": works.moa.raison_sociale,
        "idDestinataire": invoice.recipient_id,
        "identifiantDestinataire": invoice.recipient.identifier,
        "designationDestinataire": invoice.recipient.raison_sociale,
        "numeroEngagementJuridique": invoice.engagement_number,
        "numeroMarche": works.contract.contract_number,
        "dateFinDelai": timezone.localtime(deadline).isoformat() if deadline else None,
    }


def _role(data: dict[str, Any]) -> str:
    return choice(data, "roleUtilisateur", WorksRole.values) or WorksRole.FOURNISSEUR.value


def _base(user: Any, role: str) -> QuerySet[WorksInvoice]:
    return WorksInvoice.objects.filter(perms.scope(user, role)).select_related(
        "invoice", "invoice__supplier", "invoice__recipient", "moe", "moa", "contract"
    )


class RechercherFacturesTravaux(CproView):
    """`facturesTravaux/v1/rechercher`: the works invoices of the account in one role
    (`roleUtilisateur` FOURNISSEUR, MOE or MOA), paged by `rechercheFactureTravaux`.
    `flagTelecharge` false lists those the MOE (or MOA) has not consulted yet, true those it has:
    how an integration polls (Pastell, reference C.10)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        role = _role(data)
        paging = Paging(value(data, "rechercheFactureTravaux"), where="rechercheFactureTravaux")
        rows = _base(request.user, role)
        number = text(data, "numeroFactureTravaux")
        if number:
            rows = rows.filter(invoice__number__icontains=number)
        statuses = string_list(data, "statutFactureTravaux", choices=InvoiceStatus.values)
        if statuses:
            rows = rows.filter(invoice__status__in=statuses)
        kinds = string_list(data, "typeFactureTravaux", choices=TypeFactureTravaux.values)
        if kinds:
            rows = rows.filter(type_facture_travaux__in=kinds)
        cadre = choice(data, "cadreFacturation", sorted(WORKS_CADRES))
        if cadre:
            rows = rows.filter(cadre=cadre)
        engagement = text(data, "numeroEngagementJuridique")
        if engagement:
            rows = rows.filter(invoice__engagement_number=engagement)
        since = moment(data, "periodeDateHeureEtatCourantDu")
        if since is not None:
            rows = rows.filter(invoice__status_changed_at__gte=since)
        until = moment(data, "periodeDateHeureEtatCourantAu", end_of_day=True)
        if until is not None:
            rows = rows.filter(invoice__status_changed_at__lte=until)
        downloaded = boolean(data, "flagTelecharge")
        if downloaded is not None and role != WorksRole.FOURNISSEUR:
            field = "downloaded_by_moe_at" if role == WorksRole.MOE else "downloaded_by_moa_at"
            rows = rows.filter(**{f"{field}__isnull": not downloaded})
        order = SORTS.get(paging.column or "", "invoice__created_at")
        rows = rows.order_by(f"-{order}" if paging.descending else order, "pk")
        total = rows.count()
        if not total:
            return _works_no_result(listeFacturesTravaux=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        return ok(
            LIBELLE_OK,
            listeFacturesTravaux=[_row(w) for w in rows[start:end]],
            parametresRetour=paging.retour(total),
        )


class ConsulterFactureTravaux(CproView):
    """`facturesTravaux/v1/consulter {idFactureTravaux, roleUtilisateur}`: one works invoice with
    its MOE and MOA documents. Consulting as MOE or MOA marks it downloaded for that role."""

    def post(self, request: Request) -> Response:
        data = body(request)
        role = _role(data)
        invoice_id = integer(data, "idFactureTravaux", minimum=1)
        if invoice_id is None:
            raise ApiError(BAD_REQUEST, "Le champ idFactureTravaux est obligatoire.")
        works = _base(request.user, role).filter(invoice_id=invoice_id).first()
        if works is None:
            raise ApiError(NOT_FOUND, f"Facture de travaux {invoice_id} inconnue pour ce compte.")
        if role != WorksRole.FOURNISSEUR:
            field = "downloaded_by_moe_at" if role == WorksRole.MOE else "downloaded_by_moa_at"
            WorksInvoice.objects.filter(Q(pk=works.pk), Q(**{f"{field}__isnull": True})).update(
                **{field: timezone.now()}
            )
        documents = [
            {
                "cadreFacturation": d.cadre,
                "typeFactureTravaux": d.type_facture_travaux,
                "roleEmetteur": d.role,
                "idStructureEmettrice": d.structure_id,
                "numeroDocument": d.number,
                "montantHT": float(d.amount_ht),
                "montantTTC": float(d.amount_ttc),
                "commentaire": d.comment,
                "procedureTacite": d.tacit,
                "dateDepot": timezone.localdate(d.created_at).isoformat(),
            }
            for d in works.documents.all()
        ]
        return ok(
            LIBELLE_OK,
            factureTravaux={
                **_row(works),
                "objetMarche": works.contract.label,
                "listeDocuments": documents,
            },
        )
