"""The supplier's writes of `/cpro/factures/v1/...`: `soumettre` (the « saisie API »), `completer`,
`recycler`, `traiterRejet`, over the services the web pages call (`invoice_submit`,
`invoice_complete`, `invoice_recycle`, `invoice_acknowledge_rejection`).

Everything a request names is resolved and checked before the first write, and each write runs
in one transaction: a refused request leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, NOT_FOUND, ApiError, ok
from choeur.api.models import UploadedPiece
from choeur.api.payload import body, date, integer, objects, text, value
from choeur.api.services import pieces_of
from choeur.api.views.base import CproView
from choeur.api.views.consult import supplier_invoice
from choeur.api.views.factures import _depositing_structure
from choeur.api.views.validator import soumettre_validators
from choeur.invoices import perms as invoice_perms
from choeur.invoices import selectors as invoice_selectors
from choeur.invoices.enums import (
    CadreFacturation,
    FluxStatus,
    InvoiceType,
    ModeDepot,
    TvaRegime,
)
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.checks import check_recipient_data
from choeur.invoices.services.deposit import Upload, flux_for_retry
from choeur.invoices.services.drafts import (
    Saisie,
    SaisieError,
    SaisieLine,
    build_pivot,
    invoice_draft_add_attachment,
    invoice_draft_save,
    invoice_submit,
)
from choeur.invoices.services.pdf import invoice_draft_from_pdf
from choeur.invoices.services.supplier import (
    InvoiceActionError,
    invoice_acknowledge_rejection,
    invoice_complete,
    invoice_recycle,
)
from choeur.invoices.services.validation_circuit import validation_request_attach
from choeur.structures.models import Structure
from choeur.structures.selectors import bank_accounts_valid_for

MAX_LINES = 200
MAX_IDEMPOTENCY_KEY = 255
UNITS = re.compile(r"\A[A-Z0-9]{1,3}\Z")
RATE = re.compile(r"([0-9]+(?:[.,][0-9]+)?)")
CENT = Decimal("0.01")
AMOUNT_MAX = Decimal(10) ** 11


def _text(data: Any, key: str, limit: int) -> str:
    return text(data, key, max_length=limit)


def _amount(data: Any, key: str, *, where: str) -> Decimal | None:
    raw = value(data, key)
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ApiError(BAD_REQUEST, f"{where} : le champ {key} doit être un nombre.")
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        raise ApiError(BAD_REQUEST, f"{where} : le champ {key} doit être un nombre.") from None
    if not amount.is_finite() or amount < 0:
        raise ApiError(BAD_REQUEST, f"{where} : le champ {key} doit être un nombre positif.")
    # The web form's bounds (15 digits, 4 decimals): the pivot and the database hold them.
    exponent = amount.as_tuple().exponent
    if amount >= AMOUNT_MAX or (isinstance(exponent, int) and exponent < -4):
        raise ApiError(
            BAD_REQUEST,
            f"{where} : le champ {key} dépasse {AMOUNT_MAX:,} ou compte plus de 4 décimales.".replace(
                ",", " "
            ),
        )
    return amount


def _pieces(request: Request, ids: list[int]) -> list[UploadedPiece]:
    """The account's own uploaded pieces (`ajouter/fichier`); another account's are not found."""
    pieces = {p.pk: p for p in pieces_of(request.user).filter(pk__in=ids).select_related("file")}
    missing = [pk for pk in ids if pk not in pieces]
    if missing:
        raise ApiError(
            NOT_FOUND,
            f"Pièce jointe {missing[0]} inconnue pour ce compte : déposez-la d'abord avec "
            "ajouter/fichier.",
        )
    return [pieces[pk] for pk in ids]


def _upload(piece: UploadedPiece) -> Upload:
    return Upload(piece.name, piece.file.read(), piece.content_type or "application/octet-stream")


def _complementary_ids(data: dict[str, Any]) -> list[int]:
    ids = []
    for item in value(data, "pieceJointeComplementaire") or []:
        if not isinstance(item, dict):
            raise ApiError(BAD_REQUEST, "pieceJointeComplementaire doit être une liste d'objets.")
        pk = integer(item, "pieceJointeComplementaireId")
        if pk is not None:
            ids.append(pk)
    return list(dict.fromkeys(ids))


def _principal_id(data: dict[str, Any]) -> int | None:
    """`pieceJointePrincipale` is an object for GO, an array of such objects for PHP (D7)."""
    raw = value(data, "pieceJointePrincipale")
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    ids = []
    for item in items:
        if not isinstance(item, dict):
            raise ApiError(BAD_REQUEST, "pieceJointePrincipale doit être un objet (ou une liste).")
        pk = integer(item, "pieceJointePrincipaleId")
        if pk is not None:
            ids.append(pk)
    if len(set(ids)) > 1:
        raise ApiError(BAD_REQUEST, "Une seule pièce jointe principale par facture.")
    return ids[0] if ids else None


def _supplier(request: Request, data: dict[str, Any]) -> Structure:
    wanted = integer(value(data, "fournisseur"), "idFournisseur")
    structure = _depositing_structure(request.user)
    if wanted is None or wanted == structure.pk:
        return structure
    for candidate in invoice_perms.sendable_structures(request.user):
        if candidate.pk == wanted:
            return candidate
    raise ApiError(NOT_FOUND, f"Structure fournisseur {wanted} inconnue ou non accessible.")


def _rate(line: dict[str, Any], where: str) -> Decimal:
    manual = _amount(line, "lignePosteTauxTvaManuel", where=where)
    if manual is not None:
        return manual
    code = _text(line, "lignePosteTauxTva", 20)
    if not code:
        return Decimal("0")
    found = RATE.search(str(code))
    if found is None:
        raise ApiError(BAD_REQUEST, f"{where} : taux de TVA illisible « {code} ».")
    return Decimal(found.group(1).replace(",", "."))


def _lines(data: dict[str, Any]) -> list[SaisieLine]:
    raw = value(data, "lignePoste") or []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ApiError(BAD_REQUEST, "lignePoste doit être une liste d'objets.")
    if not raw:
        raise ApiError(BAD_REQUEST, "Ajoutez au moins une ligne de poste (lignePoste).")
    if len(raw) > MAX_LINES:
        raise ApiError(BAD_REQUEST, f"{MAX_LINES} lignes de poste au plus.")
    lines = []
    for index, item in enumerate(raw, start=1):
        where = f"Ligne de poste {integer(item, 'lignePosteNumero') or index}"
        designation = _text(item, "lignePosteDenomination", 500)
        if not designation:
            raise ApiError(BAD_REQUEST, f"{where} : la dénomination est obligatoire.")
        quantity = _amount(item, "lignePosteQuantite", where=where)
        if quantity is None:
            raise ApiError(BAD_REQUEST, f"{where} : la quantité est obligatoire.")
        price = _amount(item, "lignePosteMontantUnitaireHT", where=where)
        if price is None:
            raise ApiError(BAD_REQUEST, f"{where} : le montant unitaire HT est obligatoire.")
        unit = (_text(item, "lignePosteUnite", 10) or "C62").upper()
        if not UNITS.match(unit):
            raise ApiError(
                BAD_REQUEST,
                f"{where} : unité « {unit} » inconnue (code UN/ECE recommandation 20, ex. C62).",
            )
        lines.append(
            SaisieLine(
                designation=designation,
                quantity=quantity,
                unit=unit,
                unit_price=price,
                vat_rate=_rate(item, where),
                discount=_amount(item, "lignePosteMontantRemiseHT", where=where) or Decimal("0"),
                reference=_text(item, "lignePosteReference", 100),
            )
        )
    return lines


def _choice(data: Any, key: str, choices: list[str], default: str) -> str:
    raw = (_text(data, key, 60) or default).upper()
    if raw not in choices:
        raise ApiError(BAD_REQUEST, f"Valeur « {raw} » inconnue pour {key} : {', '.join(choices)}.")
    return raw


def _check_declared_totals(data: dict[str, Any], pivot: Any) -> None:
    """The totals the client states must be those of its lines (the platform computes them)."""
    declared = value(data, "montantTotal") or {}
    if not isinstance(declared, dict):
        raise ApiError(BAD_REQUEST, "montantTotal doit être un objet.")
    if value(declared, "montantRemiseGlobaleTTC"):
        raise ApiError(
            BAD_REQUEST,
            "La remise globale TTC n'est pas prise en charge : portez la remise sur les lignes "
            "(lignePosteMontantRemiseHT).",
        )
    t = pivot.totals
    computed = {
        "montantHtTotal": t.tax_exclusive_amount,
        "montantTVA": t.vat_total_amount or Decimal("0"),
        "montantTtcTotal": t.tax_inclusive_amount,
        "montantAPayer": t.payable_amount,
    }
    for key, expected in computed.items():
        stated = _amount(declared, key, where="Montant total")
        if stated is not None and stated.quantize(CENT) != expected.quantize(CENT):
            raise ApiError(
                BAD_REQUEST,
                f"Montant total incohérent : {key} vaut {stated} alors que les lignes de poste "
                f"donnent {expected}.",
            )
    rows = value(data, "ligneTva") or []
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ApiError(BAD_REQUEST, "ligneTva doit être une liste d'objets.")
    by_rate = {(row.rate or Decimal("0")).normalize(): row for row in pivot.vat_breakdown}
    for index, row in enumerate(rows, start=1):
        where = f"Ligne de TVA {index}"
        rate = _amount(row, "ligneTvaTauxManuel", where=where)
        if rate is None and _text(row, "ligneTvaTaux", 20):
            found = RATE.search(_text(row, "ligneTvaTaux", 20))
            rate = Decimal(found.group(1).replace(",", ".")) if found else None
        base = _amount(row, "ligneTvaMontantBaseHtParTaux", where=where)
        tax = _amount(row, "ligneTvaMontantTvaParTaux", where=where)
        if base is None and tax is None:
            continue
        line = by_rate.get((rate or Decimal("0")).normalize())
        if line is None:
            raise ApiError(
                BAD_REQUEST, f"{where} : aucune ligne de poste n'a le taux de TVA {rate or 0} %."
            )
        for label, stated, expected in (
            ("la base HT", base, line.taxable_amount),
            ("la TVA", tax, line.tax_amount),
        ):
            if stated is not None and stated.quantize(CENT) != expected.quantize(CENT):
                raise ApiError(
                    BAD_REQUEST,
                    f"{where} incohérente : {label} au taux de {rate or 0} % vaut {stated} alors "
                    f"que les lignes de poste donnent {expected}.",
                )


def _saisie(request: Request, data: dict[str, Any], supplier: Structure) -> Saisie:
    number = _text(data, "numeroFactureSaisi", 100)
    if not number:
        raise ApiError(BAD_REQUEST, "Le numéro de facture (numeroFactureSaisi) est obligatoire.")
    issue_date = date(data, "dateFacture")
    if issue_date is None:
        raise ApiError(BAD_REQUEST, "La date de facture (dateFacture, AAAA-MM-JJ) est obligatoire.")
    destinataire = value(data, "destinataire") or {}
    code = re.sub(r"\s", "", _text(destinataire, "codeDestinataire", 40))
    if not code:
        raise ApiError(
            BAD_REQUEST, "Le destinataire (destinataire.codeDestinataire, SIRET) est obligatoire."
        )
    recipient, _candidates = invoice_selectors.recipient_lookup(code)
    if recipient is None:
        raise ApiError(
            BAD_REQUEST,
            f"Le destinataire {code} n'est pas référencé dans l'annuaire des structures publiques.",
        )
    service_code = _text(destinataire, "codeServiceExecutant", 100)
    references = value(data, "references") or {}
    engagement = _text(references, "numeroBonCommande", 50)
    outcome = check_recipient_data(
        recipient_ids=[recipient.identifier],
        service_code=service_code,
        engagement=engagement,
        issue_date=issue_date,
        supplier=supplier,
    )
    if outcome.problems:
        raise ApiError(BAD_REQUEST, " ".join(p.message for p in outcome.problems))
    cadre_code = _text(value(data, "cadreDeFacturation"), "codeCadreFacturation", 80)
    cadre = CadreFacturation.from_code(cadre_code or "A1_FACTURE_FOURNISSEUR")
    if cadre is None:
        raise ApiError(
            BAD_REQUEST,
            f"Le cadre de facturation « {cadre_code} » n'est pas accepté ici. Cadres acceptés : "
            + ", ".join(CadreFacturation.values)
            + ".",
        )
    bank_id = integer(value(data, "fournisseur"), "codeCoordonneesBancairesFournisseur")
    bank = None
    if bank_id is not None:
        bank = next((b for b in bank_accounts_valid_for(supplier) if b.pk == bank_id), None)
        if bank is None:
            raise ApiError(NOT_FOUND, f"Coordonnées bancaires {bank_id} inconnues ou non valides.")
    regime = _choice(references, "typeTva", list(TvaRegime.values), TvaRegime.TVA_SUR_DEBIT)
    currency = _text(references, "deviseFacture", 3).upper() or "EUR"
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ApiError(BAD_REQUEST, f"Devise « {currency} » illisible : un code ISO 4217 (EUR).")
    preceding_number = _text(references, "numeroFactureOrigine", 100)
    return Saisie(
        recipient=recipient,
        number=number,
        issue_date=issue_date,
        due_date=None,
        lines=_lines(data),
        service_code=service_code,
        engagement_number=engagement,
        cadre=cadre.value,
        type=_choice(references, "typeFacture", list(InvoiceType.values), InvoiceType.FACTURE),
        currency=currency,
        tva_regime=regime,
        exemption_reason=_text(references, "motifExonerationTva", 200),
        bank_account=bank,
        comment=_text(data, "commentaire", 2000),
        preceding_number=preceding_number,
        preceding_date=_preceding_date(supplier, preceding_number),
    )


def _preceding_date(supplier: Structure, number: str) -> dt.date | None:
    """BT-26 of an avoir: the date of the invoice it corrects, when the supplier deposited that
    invoice here. The API's payload has no field for it, and the reform's rules ask for it
    (BR-FR-CO-05): without it a French supplier's avoir is refused."""
    if not number:
        return None
    return (
        Invoice.objects.filter(supplier=supplier, number=number)
        .order_by("-issue_date")
        .values_list("issue_date", flat=True)
        .first()
    )


def _report_text(flux: Flux) -> str:
    messages = []
    report = flux.report or {}
    for item in report.get("items", []):
        for error in item.get("errors") or []:
            rule = error.get("rule_id", "")
            messages.append(f"[{rule}] {error.get('message', '')}" if rule else error["message"])
    for error in report.get("errors", []):
        messages.append(str(error.get("message", "")))
    return " ".join(messages[:10])


def _answer(flux: Flux, supplier: Structure, number: str = "") -> Response:
    # Integration runs after the commit (in this process without a broker).
    flux.refresh_from_db()
    invoice = flux.invoices.order_by("flux_position").first()
    if invoice is None and flux.status in (FluxStatus.IN_REJETE, FluxStatus.IN_INCIDENTE):
        raise ApiError(
            BAD_REQUEST,
            f"La facture a été rejetée (flux {flux.numero}) : {_report_text(flux)}".strip(),
        )
    return ok(
        LIBELLE_OK,
        identifiantFactureCPP=invoice.pk if invoice else 0,
        numeroFacture=invoice.number if invoice else number,
        dateDepot=f"{timezone.localdate(flux.created_at):%Y-%m-%d}",
        # Without an in-process integration the invoice is still being integrated.
        statutFacture=invoice.status if invoice else "DEPOSEE",
        identifiantStructure=supplier.identifier,
        empreinteCertificatDepot=invoice.fingerprint if invoice else flux.original.sha256,
        numeroFluxDepot=flux.numero,
    )


class Soumettre(CproView):
    """« Saisie API »: an invoice described in JSON becomes the EN 16931 pivot and is deposited
    as the web saisie does (`invoice_submit`). With a principal PDF (`DEPOT_PDF_API`), the PDF is
    the invoice and the typed data travels beside it, as the web « Déposer une facture PDF »."""

    def post(self, request: Request) -> Response:
        data = body(request)
        supplier = _supplier(request, data)
        key = request.headers.get("Idempotency-Key", "")[:MAX_IDEMPOTENCY_KEY].strip()
        if key:
            # A retried request (its answer was lost) gets the first answer, before any check
            # that the first deposit itself would now fail (its number is taken).
            first = flux_for_retry(user=request.user, key=key)
            if first is not None:
                return _answer(first, first.supplier)
        mode = _choice(
            data, "modeDepot", [ModeDepot.SAISIE_API, ModeDepot.DEPOT_PDF_API], ModeDepot.SAISIE_API
        )
        principal_id = _principal_id(data)
        if mode == ModeDepot.DEPOT_PDF_API and principal_id is None:
            raise ApiError(
                BAD_REQUEST,
                "Le mode DEPOT_PDF_API demande la facture PDF en pièce jointe principale "
                "(pieceJointePrincipale, déposée avec ajouter/fichier).",
            )
        saisie = _saisie(request, data, supplier)
        validators = soumettre_validators(data, saisie.cadre, supplier)  # A9/A12
        if Invoice.objects.filter(
            supplier=supplier, number=saisie.number, issue_year=saisie.issue_date.year
        ).exists():
            raise ApiError(
                BAD_REQUEST,
                f"Une facture n° {saisie.number} de cette structure existe déjà pour cette année : "
                "choisissez un autre numéro.",
            )
        _check_declared_totals(data, build_pivot(supplier=supplier, saisie=saisie))
        principal = _pieces(request, [principal_id])[0] if principal_id is not None else None
        extras = _pieces(request, _complementary_ids(data))
        try:
            with transaction.atomic():
                draft = None
                if principal is not None:
                    draft = invoice_draft_from_pdf(
                        user=request.user, supplier=supplier, upload=_upload(principal)
                    )
                elif extras:
                    draft = invoice_draft_save(
                        user=request.user, supplier=supplier, data={"number": saisie.number}
                    )
                for piece in extras:
                    assert draft is not None
                    invoice_draft_add_attachment(
                        user=request.user, draft=draft, upload=_upload(piece)
                    )
                flux = invoice_submit(
                    user=request.user,
                    supplier=supplier,
                    saisie=saisie,
                    draft=draft,
                    idempotency_key=key,
                    typed_mode=ModeDepot.SAISIE_API,
                    pdf_mode=ModeDepot.DEPOT_PDF_API,
                )
                validation_request_attach(flux=flux, choice=validators)
        except SaisieError as exc:
            raise ApiError(BAD_REQUEST, exc.message) from None
        return _answer(flux, supplier, saisie.number)


class Completer(CproView):
    """« Compléter » a SUSPENDUE invoice: a comment and/or pieces uploaded with ajouter/fichier."""

    def post(self, request: Request) -> Response:
        data = body(request)
        invoice = supplier_invoice(request, integer(data, "identifiantFactureCPP"))
        uploads = [_upload(p) for p in _pieces(request, _complementary_ids(data))]
        try:
            invoice_complete(
                invoice=invoice,
                actor=request.user,
                comment=_text(data, "commentaire", 2000),
                attachments=uploads,
            )
        except InvoiceActionError as exc:
            raise ApiError(BAD_REQUEST, exc.message) from None
        return ok(
            LIBELLE_OK,
            identifiantFactureCPP=invoice.pk,
            numeroFacture=invoice.number,
            dateTraitement=f"{timezone.localdate():%Y-%m-%d}",
        )


class Recycler(CproView):
    """« Recycler » an A_RECYCLER invoice: new recipient, service or engagement; what the request
    leaves empty keeps its current value (the web form starts from them too)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        invoice = supplier_invoice(request, integer(data, "identifiantFactureCPP"))
        destinataire = value(data, "destinataire") or {}
        reference = value(data, "reference") or value(data, "references") or {}
        if not isinstance(destinataire, dict) or not isinstance(reference, dict):
            raise ApiError(BAD_REQUEST, "destinataire et reference doivent être des objets.")
        service = _text(destinataire, "codeServiceExecutant", 100)
        engagement = _text(reference, "numeroBonCommande", 50)
        try:
            invoice_recycle(
                invoice=invoice,
                actor=request.user,
                recipient_siret=_text(destinataire, "codeDestinataire", 40)
                or invoice.recipient.identifier,
                service_code=service or (invoice.service.code if invoice.service else ""),
                engagement_number=engagement or invoice.engagement_number,
            )
        except InvoiceActionError as exc:
            raise ApiError(BAD_REQUEST, exc.message) from None
        return ok(
            LIBELLE_OK,
            identifiantFactureCPP=invoice.pk,
            numeroFacture=invoice.number,
            dateDepot=f"{timezone.localdate(invoice.created_at):%Y-%m-%d}",
            statutFacture=invoice.status,
        )


class TraiterRejet(CproView):
    """« Traiter le rejet » of REJETEE invoices: all or none (one refusal writes nothing)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        ids = [
            integer(item, "idDemandePaiement", where="listeDemandePaiement")
            for item in objects(data, "listeDemandePaiement")
        ]
        _text(data, "motifRejet", 2000)
        _text(data, "cpltInfos", 2000)
        wanted = list(dict.fromkeys(pk for pk in ids if pk))
        if not wanted:
            raise ApiError(
                BAD_REQUEST,
                "Indiquez au moins une facture (listeDemandePaiement.idDemandePaiement).",
            )
        invoices = [supplier_invoice(request, pk) for pk in wanted]
        with transaction.atomic():
            for invoice in invoices:
                try:
                    invoice_acknowledge_rejection(invoice=invoice, actor=request.user)
                except InvoiceActionError as exc:
                    raise ApiError(
                        BAD_REQUEST, f"Facture {invoice.number} : {exc.message}"
                    ) from None
        return ok(LIBELLE_OK)
