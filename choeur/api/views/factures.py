"""`/cpro/factures/v1/...` and the flux reports of `/cpro/transverses/v1/consulterCR*`.

The API calls the same services as the web pages: `flux_deposit`, the invoice selectors.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import (
    BAD_REQUEST,
    LIBELLE_OK,
    LIBELLE_OK_REFERENTIEL,
    NOT_FOUND,
    ApiError,
    no_result,
    ok,
)
from choeur.api.payload import (
    Paging,
    body,
    boolean,
    choice,
    date,
    decimal,
    integer,
    moment,
    objects,
    string_list,
    text,
    value,
)
from choeur.api.views.base import CproView
from choeur.claims.enums import type_demande_paiement
from choeur.invoices import perms as invoice_perms
from choeur.invoices.enums import (
    AttachmentKind,
    CadreFacturation,
    InvoiceStatus,
    InvoiceType,
    ModeDepot,
)
from choeur.invoices.models import Attachment, Flux, Invoice, InvoiceStatusChange
from choeur.invoices.selectors import InvoiceFilters, flux_for_user, invoices_for_supplier
from choeur.invoices.services import documents
from choeur.invoices.services.archive import archive_kind
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
    if raw is not None and not isinstance(raw, str):
        raise ApiError(
            BAD_REQUEST, f"Le champ {key} doit être une chaîne (le fichier encodé en base 64)."
        )
    if not isinstance(raw, str):
        raise ApiError(BAD_REQUEST, f"Le champ {key} (fichier encodé en base 64) est obligatoire.")
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            BAD_REQUEST, f"Le champ {key} n'est pas un contenu base 64 valide."
        ) from None


def default_filename(content: bytes) -> str:
    """The name of a flux deposited without `nomFichier` (optional in GO's request): its kind,
    read from its first bytes as integration reads it, never a guess such as « flux.xml »."""
    kind = archive_kind(content)
    if kind is not None:
        return f"flux.{kind}"
    head = content[:1024]
    if b"%PDF-" in head:
        return "flux.pdf"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "flux.xml"
    return "flux"


class DeposerFlux(CproView):
    """A flux file in base 64. `nomFichier` is optional (GO omits it when empty): without it the
    name follows the detected kind (`flux.pdf`, `flux.xml`, `flux.zip`...)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        content = _decode(data, "fichierFlux")
        syntax = text(data, "syntaxeFlux", max_length=60)
        boolean(data, "avecSignature")
        integer(data, "idUtilisateurCourant")
        name = text(data, "nomFichier") or default_filename(content)
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
    numero = text(data, "numeroFluxDepot", max_length=60)
    if not numero:
        raise ApiError(BAD_REQUEST, "Le champ numeroFluxDepot est obligatoire.")
    flux = flux_for_user(user=request.user).filter(numero=numero).first()
    if flux is None:
        raise ApiError(NOT_FOUND, f"Flux {numero} inconnu pour ce compte.")
    return flux


def _interface(flux: Flux) -> str:
    return flux.declared_syntax or "CHOEUR_DEPOT"


def report_pdf(flux: Flux) -> str:
    """`fichierCR`: the compte rendu the portal offers as a PDF (« Suivi des flux »), base 64."""
    report = flux.report or {}
    data = documents.flux_report_pdf(
        flux, {"report_errors": report.get("errors", []), "items": report.get("items", [])}
    )
    return base64.b64encode(data).decode()


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
            fichierCR=report_pdf(flux),
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


def with_list_fields(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """What the search rows read beyond the invoice: `taille` (its document, PDF or XML, and its
    complementary attachments, in bytes) and `commentaireEtatCourant` (the reason given with the
    current status), each one subquery rather than a query per row."""
    extras = (
        Attachment.objects.filter(invoice=OuterRef("pk"))
        .exclude(kind=AttachmentKind.PRINCIPALE)
        .values("invoice")
        .annotate(size=Sum("file__size"))
        .values("size")
    )
    reason = InvoiceStatusChange.objects.filter(invoice=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return invoices.select_related(
        "deposited_by", "validation__validator_1", "validation__validator_2"
    ).annotate(
        list_size=Coalesce("main_document__size", "xml__size", Value(0))
        + Coalesce(Subquery(extras, output_field=IntegerField()), Value(0)),
        list_comment=Subquery(reason.values("reason")[:1]),
    )


def invoice_row(invoice: Invoice) -> dict[str, Any]:
    """The fields both searches (`rechercher/fournisseur`, `rechercher/recipiendaire`) answer."""
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "typeFacture": invoice.type,
        "typeDemandePaiement": type_demande_paiement(invoice.cadre),
        "dateFacture": f"{invoice.issue_date:%Y-%m-%d}",
        "dateDepot": f"{timezone.localdate(invoice.created_at):%Y-%m-%d}",
        "dateHeureEtatCourant": rfc3339(invoice.status_changed_at),
        "statut": invoice.status,
        "commentaireEtatCourant": getattr(invoice, "list_comment", None) or "",
        "idDestinataire": invoice.recipient_id,
        "codeDestinataire": invoice.recipient.identifier,
        "designationDestinataire": invoice.recipient.raison_sociale,
        "idServiceExecutant": invoice.service_id or 0,
        "codeServiceExecutant": invoice.service.code if invoice.service else "",
        "nomServiceExecutant": invoice.service.name if invoice.service else "",
        "codeFournisseur": invoice.supplier.identifier,
        "designationFournisseur": invoice.supplier.raison_sociale,
        "typeIdentifiantFournisseur": invoice.supplier.identifier_type,
        "codeServiceFournisseur": "",
        "nomServiceFournisseur": "",
        "numeroBonCommande": invoice.engagement_number,
        "numeroMarche": "",
        "numeroFluxDepot": invoice.flux.numero,
        "modeDepot": invoice.mode_depot,
        "devise": invoice.currency,
        "montantHT": float(invoice.total_ht),
        "montantTTC": float(invoice.total_ttc),
        "montantAPayer": float(invoice.amount_due),
        "taille": int(getattr(invoice, "list_size", 0) or 0),
        "rejetTraite": invoice.rejection_processed_at is not None,
    }


def _creator_name(invoice: Invoice) -> str:
    user = invoice.deposited_by
    if user is None:
        return ""
    return f"{user.last_name} {user.first_name}".strip()


def supplier_row(invoice: Invoice) -> dict[str, Any]:
    """A row of `rechercher/fournisseur`: the `ListeFactures` of the reference (E.4) and GO's
    `RechercherFactureParFournisseurResponse`. Chœur has no factor (affactureur): those fields
    are empty strings. The validators of an A9/A12 invoice (its validation circuit) fill
    `codeValideur1/2`...; a person's name does not apply (a validator is a structure), and the
    dates (`dateValidation1/2`) are left out, as GO reads a date only in the form AAAA-MM-JJ."""
    validation = getattr(invoice, "validation", None)
    validators: dict[str, str] = {}
    for rank, structure in (
        (1, validation.validator_1 if validation else None),
        (2, validation.validator_2 if validation else None),
    ):
        if structure is not None:
            validators[f"codeValideur{rank}"] = structure.identifier
            validators[f"raisonSocialeValideur{rank}"] = structure.raison_sociale
            validators[f"typeIdentifiantValideur{rank}"] = structure.identifier_type
    return {
        **invoice_row(invoice),
        "nomPrenomUtilisateurCreateur": _creator_name(invoice),
        "numeroFactureOrigine": "",
        "affactureurCode": "",
        "affactureurRaisonSociale": "",
        "affactureurTypeIdentifiant": "",
        "coordBancairesFournisseurCompteBancaire": invoice.bank_account,
        "coordBancairesFournisseurCleIban": "",
        "coordBancairesFournisseurCleRib": "",
        "coordBancairesFournisseurCodeBanque": "",
        "coordBancairesFournisseurCodePays": invoice.bank_account[:2].upper()
        if invoice.bank_account[:2].isalpha()
        else "",
        "coordBancairesFournisseurNomCb": "",
        **{
            f"{field}{rank}": ""
            for rank in (1, 2)
            for field in (
                "codeValideur",
                "nomValideur",
                "prenomValideur",
                "raisonSocialeValideur",
                "typeIdentifiantValideur",
            )
        },
        **validators,
    }


def status_change_period(invoices: QuerySet[Invoice], data: dict[str, Any]) -> QuerySet[Invoice]:
    """`periodeDateHeureEtatCourantDu/Au`: the invoices whose status changed in the period, how
    integrations poll for what is new (C.10). RFC 3339 date-times; a plain date covers its day."""
    since = moment(data, "periodeDateHeureEtatCourantDu")
    until = moment(data, "periodeDateHeureEtatCourantAu", end_of_day=True)
    if since is not None and until is not None and since > until:
        raise ApiError(
            BAD_REQUEST,
            "La période est inversée : periodeDateHeureEtatCourantDu est après "
            "periodeDateHeureEtatCourantAu.",
        )
    if since is not None:
        invoices = invoices.filter(status_changed_at__gte=since)
    if until is not None:
        invoices = invoices.filter(status_changed_at__lte=until)
    return invoices


def amount_filters(invoices: QuerySet[Invoice], data: dict[str, Any]) -> QuerySet[Invoice]:
    """`montantHTMin/Max`, `montantTTCMin/Max`, `montantApayerMin/Max` (GO spells the last one
    `montantAPayerMin` for the validator's search: both read)."""
    for field, keys in (
        ("total_ht", ("montantHT",)),
        ("total_ttc", ("montantTTC",)),
        ("amount_due", ("montantApayer", "montantAPayer")),
    ):
        for key in keys:
            low, high = decimal(data, f"{key}Min"), decimal(data, f"{key}Max")
            if low is not None:
                invoices = invoices.filter(**{f"{field}__gte": low})
            if high is not None:
                invoices = invoices.filter(**{f"{field}__lte": high})
    return invoices


def deposit_day_filters(invoices: QuerySet[Invoice], data: dict[str, Any]) -> QuerySet[Invoice]:
    since = date(data, "periodeDateDepotDu")
    until = date(data, "periodeDateDepotAu")
    zone = timezone.get_current_timezone()
    if since is not None:
        invoices = invoices.filter(
            created_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone)
        )
    if until is not None:
        invoices = invoices.filter(
            created_at__lt=dt.datetime.combine(
                until + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            )
        )
    return invoices


class RechercherFournisseur(CproView):
    """The supplier's own invoices; GO sends every filter, empty ones mean « no filter »."""

    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(
            value(data, "rechercheFactureParFournisseur"), where="rechercheFactureParFournisseur"
        )
        filters = InvoiceFilters(
            number=text(data, "numeroFacture"),
            flux=text(data, "numeroFluxDepot"),
            date_from=date(data, "periodeDateFactureDu"),
            date_to=date(data, "periodeDateFactureAu"),
            supplier_id=integer(data, "idFournisseur"),
        )
        invoices = invoices_for_supplier(user=request.user, filters=filters)
        statuses = string_list(data, "statutCourant", choices=InvoiceStatus.values)
        if statuses:
            invoices = invoices.filter(status__in=statuses)
        invoice_type = choice(data, "typeFacture", InvoiceType.values)
        if invoice_type:
            invoices = invoices.filter(type=invoice_type)
        mode = choice(data, "modeDepot", ModeDepot.values)
        if mode:
            invoices = invoices.filter(mode_depot=mode)
        engagement = text(data, "numeroBonCommande")
        if engagement:
            invoices = invoices.filter(engagement_number__icontains=engagement)
        cadre = choice(
            value(data, "cadreFacturation"),
            "codeCadreFacturation",
            CadreFacturation.values,
            where="cadreFacturation",
        )
        if cadre:
            invoices = invoices.filter(cadre=cadre)
        # GO always sends these booleans: only `true` restricts (false means « all »).
        if boolean(data, "rejetTraite"):
            invoices = invoices.filter(rejection_processed_at__isnull=False)
        boolean(data, "recupererTaille")
        recipients = [
            integer(r, "idDestinataire", where="listeDestinataire")
            for r in objects(data, "listeDestinataire")
        ]
        if any(recipients):
            invoices = invoices.filter(recipient_id__in=[r for r in recipients if r])
        invoices = deposit_day_filters(invoices, data)
        invoices = amount_filters(invoices, data)
        invoices = status_change_period(invoices, data)
        total = invoices.count()
        if total == 0:
            return no_result(listeFactures=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        return ok(
            LIBELLE_OK,
            listeFactures=[supplier_row(i) for i in with_list_fields(invoices)[start:end]],
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
