"""The recipient's side of `/cpro/factures/v1/...`: search, process, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, NO_RESULT, NOT_FOUND, ApiError, ok
from choeur.api.payload import Paging, body, integer, value
from choeur.api.views.base import CproView
from choeur.api.views.factures import _date, _decimal, invoice_row
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice
from choeur.invoices.selectors import invoice_get_for_supplier
from choeur.lifecycle.models import RecipientProcessing
from choeur.lifecycle.selectors import received_invoices
from choeur.lifecycle.services import ActionRefused, invoice_apply_action
from choeur.lifecycle.transitions import Actor


def _received(request: Request) -> Any:
    downloaded = RecipientProcessing.objects.filter(
        invoice=OuterRef("pk"), downloaded_at__isnull=False
    )
    return (
        received_invoices(request.user)
        .select_related("supplier", "recipient", "service", "flux")
        .annotate(is_downloaded=Exists(downloaded))
    )


class RechercherRecipiendaire(CproView):
    """Invoices received by the account's structures. This endpoint puts the paging at the top
    level of the answer, unlike the others (wire contract §1, Paging)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(value(data, "paramRecherche"))
        invoices = _received(request)
        if value(data, "idDestinataire"):
            invoices = invoices.filter(recipient_id=integer(data, "idDestinataire"))
        if value(data, "idServiceExecutant"):
            invoices = invoices.filter(service_id=integer(data, "idServiceExecutant"))
        if value(data, "numeroFacture"):
            invoices = invoices.filter(number__icontains=str(value(data, "numeroFacture")))
        if value(data, "numeroBonCommande"):
            invoices = invoices.filter(
                engagement_number__icontains=str(value(data, "numeroBonCommande"))
            )
        statuses = [s for s in (value(data, "statutCourant") or []) if s in InvoiceStatus.values]
        if statuses:
            invoices = invoices.filter(status__in=statuses)
        types = [t for t in (value(data, "listeTypeFacture") or []) if t]
        if types:
            invoices = invoices.filter(type__in=types)
        suppliers = [
            integer(s, "idFournisseur")
            for s in (value(data, "listeFournisseurs") or [])
            if isinstance(s, dict)
        ]
        if any(suppliers):
            invoices = invoices.filter(supplier_id__in=[s for s in suppliers if s])
        for key, lookup in (
            ("periodeDateFactureDu", "issue_date__gte"),
            ("periodeDateFactureAu", "issue_date__lte"),
            ("periodeDateDepotDu", "created_at__date__gte"),
            ("periodeDateDepotAu", "created_at__date__lte"),
        ):
            day = _date(data, key)
            if day is not None:
                invoices = invoices.filter(**{lookup: day})
        for key, lookup in (
            ("montantTTCMin", "total_ttc__gte"),
            ("montantTTCMax", "total_ttc__lte"),
        ):
            amount = _decimal(data, key)
            if amount is not None:
                invoices = invoices.filter(**{lookup: amount})
        # A boolean filter that GO always sends: only `true` restricts (false means « all »).
        if data.get("factureTelechargeeParDestinataire") is True:
            invoices = invoices.filter(is_downloaded=True)
        invoices = invoices.order_by("-created_at", "-pk")
        total = invoices.count()
        if total == 0:
            raise ApiError(*NO_RESULT)
        start, end = paging.slice(total)
        rows = []
        for invoice in invoices[start:end]:
            row = invoice_row(invoice)
            row["idFacture"] = row.pop("identifiantFactureCPP")
            row["factureTelechargeeParDestinataire"] = invoice.is_downloaded
            rows.append(row)
        return ok(LIBELLE_OK, listeFactures=rows, **paging.retour(total))


class TraiterRecue(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        invoice_id = integer(data, "idFacture")
        new_status = str(value(data, "nouveauStatut") or "")
        if invoice_id is None or not new_status:
            raise ApiError(BAD_REQUEST, "Les champs idFacture et nouveauStatut sont obligatoires.")
        invoice = received_invoices(request.user).filter(pk=invoice_id).first()
        if invoice is None:
            raise ApiError(NOT_FOUND, "Facture inconnue pour ce compte.")
        if new_status not in InvoiceStatus.values:
            raise ApiError(BAD_REQUEST, f"Statut inconnu : « {new_status} ».")
        try:
            invoice_apply_action(
                invoice=invoice,
                to_status=new_status,
                actor_user=request.user,
                actor_kind=Actor.RECIPIENT,
                reason=str(value(data, "motif") or ""),
                mandat_number=str(value(data, "numeroDPMandat") or ""),
            )
        except ActionRefused as exc:
            raise ApiError(BAD_REQUEST, exc.message) from None
        return ok(
            LIBELLE_OK,
            idFacture=invoice.pk,
            numeroFacture=invoice.number,
            nouveauStatut=new_status,
            dateTraitement=f"{timezone.localdate():%Y-%m-%d}",
        )


def _minute(moment: dt.datetime) -> str:
    # GO reads history timestamps as "YYYY-MM-DD HH:MM".
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class ConsulterHistorique(CproView):
    """A supplier's or a recipient's invoice, with its status history."""

    def post(self, request: Request) -> Response:
        data = body(request)
        invoice_id = integer(data, "idFacture")
        invoice: Invoice | None = (
            received_invoices(request.user).filter(pk=invoice_id).first() if invoice_id else None
        )
        if invoice is None and invoice_id:
            try:
                invoice = invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
            except Exception:  # noqa: BLE001 - Http404: not the account's invoice
                invoice = None
        if invoice is None:
            raise ApiError(NOT_FOUND, "Facture inconnue pour ce compte.")
        changes = list(
            invoice.status_changes.select_related("actor").order_by("-created_at", "-pk")
        )
        statuts = [
            {
                "histoStatutId": change.pk,
                "histoStatutCode": change.to_status,
                "histoStatutCommentaire": change.reason,
                "histoStatutDatePassage": _minute(change.created_at),
                "histoStatutUtilisateurEmail": getattr(change.actor, "email", ""),
                "histoStatutUtilisateurNom": getattr(change.actor, "last_name", ""),
                "histoStatutUtilisateurPrenom": getattr(change.actor, "first_name", ""),
                "histoStatutUtilisateurTelephone": "",
            }
            for change in changes
        ]
        return ok(
            LIBELLE_OK,
            idFacture=invoice.pk,
            numeroFacture=invoice.number,
            modeDepot=invoice.mode_depot,
            statutCourantCode=invoice.status,
            derniereAction={
                "derniereActionCode": invoice.status,
                "derniereActionId": changes[0].pk if changes else 0,
            },
            historiquesDesStatuts={
                "histoStatut": statuts,
                "nbResultatsParPageHistoStatut": len(statuts),
                "pageCouranteHistoStatut": 1,
                "pagesHistoStatut": 1,
                "totalHistoStatut": len(statuts),
            },
            historiquesDesActionsUtilisateurs={
                "histoAction": [],
                "nbResultatsParPageHistoAction": 0,
                "pageCouranteHistoAction": 1,
                "pagesHistoAction": 1,
                "totalHistoAction": 0,
            },
            historiquesDesEvenementsComplementaires={
                "evenement": [],
                "nbResultatsParPageEvenement": 0,
                "pageCouranteEvenement": 1,
                "pagesEvenement": 1,
                "totalEvenement": 0,
            },
        )
