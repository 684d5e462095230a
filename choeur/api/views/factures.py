"""`/cpro/factures/v1/...` and the flux reports of `/cpro/transverses/v1/consulterCR*`.

The API calls the same services as the web pages: `flux_deposit`, the invoice selectors.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import (
    BAD_REQUEST,
    LIBELLE_OK,
    LIBELLE_OK_REFERENTIEL,
    NO_RESULT,
    NOT_FOUND,
    ApiError,
    ok,
)
from choeur.api.payload import Paging, body, integer, value
from choeur.api.views.base import CproView
from choeur.invoices import perms as invoice_perms
from choeur.invoices.enums import InvoiceStatus, ModeDepot
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.selectors import InvoiceFilters, flux_for_user, invoices_for_supplier
from choeur.invoices.services.deposit import DepositRefused, Upload, flux_deposit
from choeur.structures.models import Structure
from choeur.structures.selectors import bank_accounts_valid_for

NO_STRUCTURE = "Ce compte n'est rattaché à aucune structure qui dépose des factures."
MAX_IDEMPOTENCY_KEY = 255


def rfc3339(moment: dt.datetime | None) -> str | None:
    """Go's time.Time reads RFC 3339: keep the offset, milliseconds are welcome."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="milliseconds")


def _depositing_structure(user: Any) -> Structure:
    account = getattr(user, "technical_account", None)
    if account is not None:
        return account.structure  # type: ignore[no-any-return]
    structures = invoice_perms.sendable_structures(user)
    if not structures:
        raise ApiError(BAD_REQUEST, NO_STRUCTURE, http_status=403)
    return structures[0]


def _decode(data: dict[str, Any], key: str) -> bytes:
    raw = value(data, key)
    if not isinstance(raw, str):
        raise ApiError(BAD_REQUEST, f"Le champ {key} (fichier encodé en base 64) est obligatoire.")
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            BAD_REQUEST, f"Le champ {key} n'est pas un contenu base 64 valide."
        ) from None


class DeposerFlux(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        content = _decode(data, "fichierFlux")
        name = str(value(data, "nomFichier") or "flux.xml")
        syntax = str(value(data, "syntaxeFlux") or "")
        try:
            flux = flux_deposit(
                user=request.user,
                supplier=_depositing_structure(request.user),
                upload=Upload(name=name, data=content),
                mode_depot=ModeDepot.UPLOAD_API,
                declared_syntax=syntax,
                idempotency_key=request.headers.get("Idempotency-Key", "")[:MAX_IDEMPOTENCY_KEY],
            )
        except DepositRefused as exc:
            raise ApiError(BAD_REQUEST, exc.message) from None
        return ok(
            LIBELLE_OK_REFERENTIEL,
            numeroFluxDepot=flux.numero,
            dateDepot=f"{timezone.localdate(flux.created_at):%Y-%m-%d}",
            syntaxeFlux=flux.declared_syntax or syntax,
        )


def _flux(request: Request, data: dict[str, Any]) -> Flux:
    numero = value(data, "numeroFluxDepot")
    if not numero:
        raise ApiError(BAD_REQUEST, "Le champ numeroFluxDepot est obligatoire.")
    flux = flux_for_user(user=request.user).filter(numero=str(numero)).first()
    if flux is None:
        raise ApiError(NOT_FOUND, f"Flux {numero} inconnu pour ce compte.")
    return flux


def _interface(flux: Flux) -> str:
    return flux.declared_syntax or "CHOEUR_DEPOT"


class ConsulterCR(CproView):
    def post(self, request: Request) -> Response:
        flux = _flux(request, body(request))
        return ok(
            LIBELLE_OK,
            numeroFluxDepot=flux.numero,
            dateDepotFlux=rfc3339(flux.created_at),
            dateHeureEtatCourantFlux=rfc3339(flux.status_changed_at),
            etatCourantFlux=flux.status,
            nomFichierFlux=flux.filename,
            codeInterfaceFlux=_interface(flux),
            designationPartenaire=flux.supplier.raison_sociale,
            codeAppliPartenaire="",
        )


class ConsulterCRDetaille(CproView):
    def post(self, request: Request) -> Response:
        flux = _flux(request, body(request))
        report = flux.report or {}
        erreurs_dp = []
        for item in report.get("items", []):
            for error in item.get("errors", []):
                erreurs_dp.append(
                    {
                        "numeroDP": item.get("number", ""),
                        "identifiantFournisseur": flux.supplier.identifier,
                        "identifiantDestinataire": item.get("recipient", ""),
                        "libelleErreurDP": _error_text(error),
                    }
                )
        erreurs_techniques = [
            {
                "codeErreur": str(e.get("rule_id", "")),
                "libelleErreur": _error_text(e),
                "natureErreur": "REJET",
            }
            for e in report.get("errors", [])
        ]
        return ok(
            LIBELLE_OK,
            codeInterfaceDepotFlux=_interface(flux),
            dateDepotFlux=rfc3339(flux.created_at),
            dateHeureEtatCourantFlux=rfc3339(flux.status_changed_at),
            etatCourantDepotFlux=flux.status,
            nomFichier=flux.filename,
            listeErreurDP=erreurs_dp,
            listeErreurTechnique=erreurs_techniques,
        )


def _error_text(error: dict[str, Any]) -> str:
    rule = error.get("rule_id", "")
    message = error.get("message", "") or error.get("message_fr", "")
    where = error.get("location", "")
    text = f"[{rule}] {message}" if rule else str(message)
    return f"{text} ({where})" if where else text


def _decimal(data: dict[str, Any], key: str) -> Decimal | None:
    raw = value(data, key)
    if raw is None:
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise ApiError(BAD_REQUEST, f"Le champ {key} doit être un montant.") from None


def _date(data: dict[str, Any], key: str) -> dt.date | None:
    raw = value(data, key)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise ApiError(BAD_REQUEST, f"Le champ {key} doit être une date AAAA-MM-JJ.") from None


def invoice_row(invoice: Invoice) -> dict[str, Any]:
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "typeFacture": invoice.type,
        "typeDemandePaiement": "FACTURE",
        "dateFacture": f"{invoice.issue_date:%Y-%m-%d}",
        "dateDepot": f"{timezone.localdate(invoice.created_at):%Y-%m-%d}",
        "dateHeureEtatCourant": rfc3339(invoice.status_changed_at),
        "statut": invoice.status,
        "idDestinataire": invoice.recipient_id,
        "codeDestinataire": invoice.recipient.identifier,
        "designationDestinataire": invoice.recipient.raison_sociale,
        "idServiceExecutant": invoice.service_id or 0,
        "codeServiceExecutant": invoice.service.code if invoice.service else "",
        "nomServiceExecutant": invoice.service.name if invoice.service else "",
        "codeFournisseur": invoice.supplier.identifier,
        "designationFournisseur": invoice.supplier.raison_sociale,
        "typeIdentifiantFournisseur": invoice.supplier.identifier_type,
        "numeroBonCommande": invoice.engagement_number,
        "numeroFluxDepot": invoice.flux.numero,
        "modeDepot": invoice.mode_depot,
        "devise": invoice.currency,
        "montantHT": float(invoice.total_ht),
        "montantTTC": float(invoice.total_ttc),
        "montantAPayer": float(invoice.amount_due),
        "rejetTraite": invoice.rejection_processed_at is not None,
    }


class RechercherFournisseur(CproView):
    """The supplier's own invoices; GO sends every filter, empty ones mean « no filter »."""

    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(value(data, "rechercheFactureParFournisseur"))
        filters = InvoiceFilters(
            number=str(value(data, "numeroFacture") or ""),
            flux=str(value(data, "numeroFluxDepot") or ""),
            date_from=_date(data, "periodeDateFactureDu"),
            date_to=_date(data, "periodeDateFactureAu"),
            amount_min=_decimal(data, "montantTTCMin"),
            amount_max=_decimal(data, "montantTTCMax"),
        )
        invoices = invoices_for_supplier(user=request.user, filters=filters)
        statuses = [s for s in (value(data, "statutCourant") or []) if s in InvoiceStatus.values]
        if statuses:
            invoices = invoices.filter(status__in=statuses)
        invoice_type = value(data, "typeFacture")
        if invoice_type:
            invoices = invoices.filter(type=invoice_type)
        recipients = [
            integer(r, "idDestinataire")
            for r in (value(data, "listeDestinataire") or [])
            if isinstance(r, dict)
        ]
        if any(recipients):
            invoices = invoices.filter(recipient_id__in=[r for r in recipients if r])
        total = invoices.count()
        if total == 0:
            raise ApiError(*NO_RESULT)
        start, end = paging.slice(total)
        return ok(
            LIBELLE_OK,
            listeFactures=[invoice_row(invoice) for invoice in invoices[start:end]],
            parametresRetour=paging.retour(total),
        )


class RecupererCoordBancValides(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        wanted = integer(data, "idStructure")
        structure = _depositing_structure(request.user)
        if wanted is not None and wanted != structure.pk:
            readable = {s.pk: s for s in invoice_perms.readable_structures(request.user)}
            if wanted not in readable:
                raise ApiError(NOT_FOUND, "Structure inconnue ou non accessible à ce compte.")
            structure = readable[wanted]
        accounts = [
            {"idCoordonneeBancaire": account.pk, "nomCoordonneeBancaire": account.label}
            for account in bank_accounts_valid_for(structure)
        ]
        return ok(LIBELLE_OK_REFERENTIEL, listeCoordonneeBancaire=accounts)
