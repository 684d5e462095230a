"""The recipient's side of `/cpro/factures/v1/...`: search, process, history."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, NOT_FOUND, ApiError, no_result, ok
from choeur.api.payload import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    Paging,
    body,
    boolean,
    choice,
    date,
    integer,
    objects,
    string_list,
    text,
    value,
)
from choeur.api.views.base import CproView
from choeur.api.views.factures import (
    amount_filters,
    deposit_day_filters,
    invoice_row,
    status_change_period,
    with_list_fields,
)
from choeur.claims.selectors import payment_request_type_condition
from choeur.core.models import AuditLog
from choeur.invoices.enums import CadreFacturation, InvoiceStatus, InvoiceType
from choeur.invoices.models import Invoice
from choeur.invoices.selectors import invoice_get_for_supplier
from choeur.lifecycle.models import RecipientProcessing
from choeur.lifecycle.selectors import received_invoices
from choeur.lifecycle.services import ActionRefused, invoice_apply_action
from choeur.lifecycle.transitions import Actor

# `typeDemandePaiement` (reference C.3); Pastell asks for FACTURE then FACTURE_TRAVAUX.
# A history block's page size when the request gives none.
DEFAULT_SIZE = 50
PAYMENT_REQUEST_TYPES = ("FACTURE", "FACTURE_TRAVAUX", "MEMOIRE_JUSTICE", "DEMANDE_REMBOURSEMENT")


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
        paging = Paging(value(data, "paramRecherche"), where="paramRecherche")
        # Annotated with `is_downloaded` (hence Any: the stubs do not follow annotations).
        invoices: Any = _received(request)
        recipient = integer(data, "idDestinataire")
        if recipient:
            invoices = invoices.filter(recipient_id=recipient)
        service = integer(data, "idServiceExecutant")
        if service:
            invoices = invoices.filter(service_id=service)
        number = text(data, "numeroFacture")
        if number:
            invoices = invoices.filter(number__icontains=number)
        engagement = text(data, "numeroBonCommande")
        if engagement:
            invoices = invoices.filter(engagement_number__icontains=engagement)
        text(data, "numeroMarche")
        kind = choice(data, "typeDemandePaiement", PAYMENT_REQUEST_TYPES)
        if kind:
            # Invoices, works invoices, mémoires de justice (A3), remboursements TIC (A21).
            invoices = invoices.filter(payment_request_type_condition(kind))
        statuses = string_list(data, "statutCourant", choices=InvoiceStatus.values)
        if statuses:
            invoices = invoices.filter(status__in=statuses)
        types = string_list(data, "listeTypeFacture", choices=InvoiceType.values)
        if types:
            invoices = invoices.filter(type__in=types)
        string_list(data, "listeTypeFactureTravaux")
        cadre = choice(data, "cadreFacturation", CadreFacturation.values)
        if cadre:
            invoices = invoices.filter(cadre=cadre)
        suppliers = [
            integer(s, "idFournisseur", where="listeFournisseurs")
            for s in objects(data, "listeFournisseurs")
        ]
        if any(suppliers):
            invoices = invoices.filter(supplier_id__in=[s for s in suppliers if s])
        for key, lookup in (
            ("periodeDateFactureDu", "issue_date__gte"),
            ("periodeDateFactureAu", "issue_date__lte"),
        ):
            day = date(data, key)
            if day is not None:
                invoices = invoices.filter(**{lookup: day})
        invoices = deposit_day_filters(invoices, data)
        invoices = amount_filters(invoices, data)
        invoices = status_change_period(invoices, data)
        # A boolean filter that GO always sends: only `true` restricts (false means « all »).
        if boolean(data, "factureTelechargeeParDestinataire"):
            invoices = invoices.filter(is_downloaded=True)
        boolean(data, "rechercheSirenFournisseur")
        boolean(data, "recupererTaille")
        invoices = invoices.order_by("-created_at", "-pk")
        total = invoices.count()
        if total == 0:
            return no_result(listeFactures=[], **paging.retour(0))
        start, end = paging.slice(total)
        rows = []
        listed: Any = with_list_fields(invoices)[start:end]
        for invoice in listed:
            row = invoice_row(invoice)
            row["idFacture"] = row.pop("identifiantFactureCPP")
            row["factureTelechargeeParDestinataire"] = invoice.is_downloaded
            rows.append(row)
        return ok(LIBELLE_OK, listeFactures=rows, **paging.retour(total))


class TraiterRecue(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        invoice_id = integer(data, "idFacture")
        new_status = text(data, "nouveauStatut", max_length=60)
        if invoice_id is None or not new_status:
            raise ApiError(BAD_REQUEST, "Les champs idFacture et nouveauStatut sont obligatoires.")
        integer(data, "idUtilisateurCourant")
        reason = text(data, "motif", max_length=2000)
        mandat = text(data, "numeroDPMandat", max_length=50)
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
                reason=reason,
                mandat_number=mandat,
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


# The audit rows that are user actions of the platform's vocabulary (reference C.9: action codes
# TELECHARGEMENT_FACTURE, ACQUITTEMENT_REJET, ACQUITTEMENT_SUSPENSION, TRAITEMENT_REJET).
ACTION_CODES = {
    "invoice.download": "TELECHARGEMENT_FACTURE",
    "invoice.acknowledge_rejection": "TRAITEMENT_REJET",
}


def _user_actions(invoice: Invoice) -> list[AuditLog]:
    """The invoice's user actions, newest first (the invoice is already one the account sees)."""
    return list(
        AuditLog.objects.filter(
            object_type=Invoice._meta.label_lower,
            object_id=str(invoice.pk),
            action__in=list(ACTION_CODES),
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def _history_page(params: Any, suffix: str, total: int, where: str) -> tuple[int, int, int, int]:
    """Paging of one history block with GO's suffixed keys (`nbResultatsParPageListeHistoStatut`
    ...); PHP's flat `nbResultatsMaximum` sets the size of every block (D9)."""
    size = integer(params, f"nbResultatsParPage{suffix}", minimum=1, where=where) or DEFAULT_SIZE
    size = min(size, MAX_PAGE_SIZE)
    page = integer(
        params, f"pageResultatDemandee{suffix}", minimum=1, maximum=MAX_PAGE, where=where
    )
    page = page or 1
    start = (page - 1) * size
    return start, start + size, size, page


class ConsulterHistorique(CproView):
    """A supplier's or a recipient's invoice, with its status history and its user actions
    (downloads, rejections processed): `derniereAction` is the latest of those actions, left
    out while there is none (PHP accepts only the four action codes there)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        invoice_id = integer(data, "idFacture")
        integer(data, "idEspace")
        integer(data, "idUtilisateurCourant")
        flat = integer(data, "nbResultatsMaximum", minimum=1)
        invoice: Invoice | None = (
            received_invoices(request.user).filter(pk=invoice_id).first() if invoice_id else None
        )
        if invoice is None and invoice_id:
            try:
                invoice = invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
            except Http404:  # not the account's invoice
                invoice = None
        if invoice is None:
            raise ApiError(NOT_FOUND, "Facture inconnue pour ce compte.")
        changes = list(
            invoice.status_changes.select_related("actor").order_by("-created_at", "-pk")
        )
        key = "paramRechercheHistoStatuts"
        s_start, s_end, s_size, s_page = _history_page(
            value(data, key) or ({"nbResultatsParPageListeHistoStatut": flat} if flat else None),
            "ListeHistoStatut",
            len(changes),
            key,
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
            for change in changes[s_start:s_end]
        ]
        actions = _user_actions(invoice)
        key = "paramRechercheHistoActionsUtilisateurs"
        a_start, a_end, a_size, a_page = _history_page(
            value(data, key) or ({"nbResultatsParPageListeHistoAction": flat} if flat else None),
            "ListeHistoAction",
            len(actions),
            key,
        )
        histo_actions = [
            {
                "histoActionId": action.pk,
                "histoActionCode": ACTION_CODES[action.action],
                "histoActionDateHeure": _minute(action.created_at),
                "histoActionUtilisateurEmail": getattr(action.actor, "email", ""),
                "histoActionUtilisateurNom": getattr(action.actor, "last_name", ""),
                "histoActionUtilisateurPrenom": getattr(action.actor, "first_name", ""),
                "histoActionUtilisateurTelephone": "",
            }
            for action in actions[a_start:a_end]
        ]
        value(data, "paramRechercheHistoEvenementsComplementaires")
        extra: dict[str, Any] = {}
        if actions:
            extra["derniereAction"] = {
                "derniereActionCode": ACTION_CODES[actions[0].action],
                "derniereActionId": actions[0].pk,
            }
        return ok(
            LIBELLE_OK,
            idFacture=invoice.pk,
            numeroFacture=invoice.number,
            modeDepot=invoice.mode_depot,
            statutCourantCode=invoice.status,
            **extra,
            historiquesDesStatuts={
                "histoStatut": statuts,
                "nbResultatsParPageHistoStatut": s_size,
                "pageCouranteHistoStatut": s_page,
                "pagesHistoStatut": max(math.ceil(len(changes) / s_size), 1),
                "totalHistoStatut": len(changes),
            },
            historiquesDesActionsUtilisateurs={
                "histoAction": histo_actions,
                "nbResultatsParPageHistoAction": a_size,
                "pageCouranteHistoAction": a_page,
                "pagesHistoAction": max(math.ceil(len(actions) / a_size), 1),
                "totalHistoAction": len(actions),
            },
            historiquesDesEvenementsComplementaires={
                "evenement": [],
                "nbResultatsParPageEvenement": DEFAULT_SIZE,
                "pageCouranteEvenement": 1,
                "pagesEvenement": 1,
                "totalEvenement": 0,
            },
        )
