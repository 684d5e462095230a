"""The validator circuit over `/cpro/factures/v1/...` (cadres A9, A12; reference C.10):
`rechercher/valideur`, `consulter/valideur`, `traiter/factureAValider`,
`recuperer/statutsFactureVisibles/valideur` for the validator, `corriger/valideur/facture` for
the supplier; the same services as the pages of « Factures à valider »."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, NOT_FOUND, ApiError, no_result, ok
from choeur.api.payload import (
    Paging,
    body,
    choice,
    date,
    integer,
    string_list,
    text,
    value,
)
from choeur.api.views.base import CproView
from choeur.api.views.consult import invoice_document, supplier_invoice
from choeur.api.views.factures import amount_filters, deposit_day_filters
from choeur.invoices.enums import CadreFacturation, InvoiceType
from choeur.invoices.models import Invoice, InvoiceValidation
from choeur.invoices.services.validation_circuit import (
    VISIBLE_TO_VALIDATOR,
    ValidationAction,
    ValidationRefused,
    current_validator,
    invoice_validation_treat,
    invoice_validator_correct,
    invoices_to_validate,
    validators_check,
)
from choeur.structures.enums import IdentifierType
from choeur.structures.models import Structure


def _day(value: Any) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def validator_fields(validation: InvoiceValidation | None) -> dict[str, Any]:
    """The validators' part of `cadreDeFacturation` (`codeValideur1`, `dateValidation1`...)."""
    fields: dict[str, Any] = {}
    if validation is None:
        return fields
    for level, structure, service, day in (
        (1, validation.validator_1, validation.service_1, validation.validated_1_at),
        (2, validation.validator_2, validation.service_2, validation.validated_2_at),
    ):
        if structure is None:
            continue
        fields[f"idValideur{level}"] = structure.pk
        fields[f"codeValideur{level}"] = structure.identifier
        fields[f"typeIdentifiantValideur{level}"] = structure.identifier_type
        fields[f"raisonSocialeValideur{level}"] = structure.raison_sociale
        if service is not None:
            fields[f"codeServiceValideur{level}"] = service.code
        if day:
            fields[f"dateValidation{level}"] = _day(day)
    return fields


def _row(invoice: Invoice) -> dict[str, Any]:
    validator = current_validator(invoice)
    service = invoice.service
    return {
        "idFacture": invoice.pk,
        "numeroFacture": invoice.number,
        "typeFacture": invoice.type,
        "typeDemandePaiement": "FACTURE",
        "statut": invoice.status,
        "dateFacture": _day(invoice.issue_date),
        "dateDepot": _day(timezone.localdate(invoice.created_at)),
        "idFournisseur": invoice.supplier_id,
        "identifiantFournisseur": invoice.supplier.identifier,
        "typeIdentifiantFournisseur": invoice.supplier.identifier_type,
        "designationFournisseur": invoice.supplier.raison_sociale,
        "idDestinataire": invoice.recipient_id,
        "identifiantDestinataire": invoice.recipient.identifier,
        "typeIdentifiantDestinataire": invoice.recipient.identifier_type,
        "designationDestinataire": invoice.recipient.raison_sociale,
        "idServiceExecutant": service.pk if service else 0,
        "codeServiceExecutant": service.code if service else "",
        "nomServiceExecutant": service.name if service else "",
        "idValideur": validator.pk if validator else 0,
        "identifiantValideur": validator.identifier if validator else "",
        "typeIdentifiantValideur": validator.identifier_type if validator else "",
        "designationValideur": validator.raison_sociale if validator else "",
        "numeroEngagement": invoice.engagement_number,
        "devise": invoice.currency,
        "montantHT": float(invoice.total_ht),
        "montantTTC": float(invoice.total_ttc),
        "montantAPayer": float(invoice.amount_due),
    }


class RechercherValideur(CproView):
    """The invoices the account's structures validate, newest first (`pagination`)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        paging = Paging(value(data, "pagination"), where="pagination")
        invoices: Any = invoices_to_validate(request.user)
        integer(data, "idUtilisateurCourant")
        for key, lookup in (
            ("idStructureValideur", None),
            ("idFournisseur", "supplier_id"),
            ("idDestinataire", "recipient_id"),
            ("idServiceExecutant", "service_id"),
        ):
            wanted = integer(data, key)
            if not wanted:
                continue
            if lookup is None:
                invoices = invoices.filter(
                    Q(validation__validator_1_id=wanted, validation__level=1)
                    | Q(validation__validator_2_id=wanted, validation__level=2)
                )
            else:
                invoices = invoices.filter(**{lookup: wanted})
        for key in ("idServiceFournisseur", "idStructureMoa", "idStructureMoe"):
            integer(data, key)
        number = text(data, "numeroFacture")
        if number:
            invoices = invoices.filter(number__icontains=number)
        engagement = text(data, "numeroEngagement")
        if engagement:
            invoices = invoices.filter(engagement_number__icontains=engagement)
        text(data, "numeroMarche")
        kind = choice(data, "typeDemandePaiement", ("FACTURE", "FACTURE_TRAVAUX"))
        if kind == "FACTURE_TRAVAUX":
            invoices = invoices.none()
        statuses = string_list(data, "statutCourant", choices=list(VISIBLE_TO_VALIDATOR))
        if statuses:
            invoices = invoices.filter(status__in=statuses)
        types = string_list(data, "listeTypeFacture", choices=InvoiceType.values)
        if types:
            invoices = invoices.filter(type__in=types)
        string_list(data, "listeTypeFactureTravaux")
        cadre = value(data, "cadreFacturation")
        if isinstance(cadre, dict):
            code = choice(
                cadre, "codeCadreFacturation", CadreFacturation.values, where="cadreFacturation"
            )
            if code:
                invoices = invoices.filter(cadre=code)
        for key, lookup in (
            ("periodeDateFactureDu", "issue_date__gte"),
            ("periodeDateFactureAu", "issue_date__lte"),
        ):
            raw = text(data, key)
            day = date({key: raw[:10]}, key) if raw else None
            if day is not None:
                invoices = invoices.filter(**{lookup: day})
        invoices = deposit_day_filters(invoices, data)
        invoices = amount_filters(invoices, data)
        invoices = invoices.order_by("-created_at", "-pk")
        total = invoices.count()
        if total == 0:
            return no_result(listeFactures=[], parametresRetour=paging.retour(0))
        start, end = paging.slice(total)
        rows = [_row(invoice) for invoice in invoices[start:end]]
        return ok(LIBELLE_OK, listeFactures=rows, parametresRetour=paging.retour(total))


def _to_validate(request: Request, invoice_id: int | None) -> Invoice:
    if invoice_id is None:
        raise ApiError(BAD_REQUEST, "L'identifiant de la facture est obligatoire.")
    invoice = invoices_to_validate(request.user).filter(pk=invoice_id).first()
    if invoice is None:
        raise ApiError(NOT_FOUND, "Facture inconnue pour ce compte.")
    return invoice


class ConsulterValideur(CproView):
    """One invoice to validate, in the shape of the supplier's and recipient's consultation
    (wire contract D10), its validators in `cadreDeFacturation`."""

    def post(self, request: Request) -> Response:
        data = body(request)
        integer(data, "idUtilisateurCourant")
        text(data, "codeLangue")
        invoice = _to_validate(request, integer(data, "identifiantFactureCPP"))
        facture = invoice_document(
            invoice,
            lines_paging=value(data, "rechercheLignePoste"),
            pj_paging=value(data, "recherchePj"),
            tva_paging=value(data, "rechercheligneTvaRecap"),
        )
        return ok(LIBELLE_OK, facture=facture)


class TraiterFactureAValider(CproView):
    """VALIDATION or REFUS (`motifRefus` a code of `recuperer/motifs/refus/Facture/AValider`,
    `complementInfo`, `idPieceJointe` from `ajouter/fichier`)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        invoice = _to_validate(request, integer(data, "idFacture"))
        action = text(data, "action", max_length=30).upper()
        if action not in (ValidationAction.VALIDATION, ValidationAction.REFUS):
            raise ApiError(
                BAD_REQUEST,
                f"Action « {action} » impossible sur une facture à valider : VALIDATION ou REFUS.",
            )
        reason = text(data, "motifRefus", max_length=40).upper()
        comment = text(data, "complementInfo", max_length=2000)
        piece = integer(data, "idPieceJointe")
        wanted = integer(data, "idValideur")
        text(data, "typeValideur", max_length=40)
        validator = current_validator(invoice)
        if wanted and (validator is None or wanted != validator.pk):
            raise ApiError(
                BAD_REQUEST,
                f"La structure {wanted} n'est pas le valideur attendu de cette facture.",
            )
        try:
            invoice_validation_treat(
                invoice=invoice,
                user=request.user,
                action=action,
                reason_code=reason,
                comment=comment,
                attachment_id=piece or None,
            )
        except ValidationRefused as refused:
            code = NOT_FOUND if refused.code == "ATTACHMENT_UNKNOWN" else BAD_REQUEST
            raise ApiError(code, refused.message) from None
        return ok(
            LIBELLE_OK,
            idFacture=invoice.pk,
            numeroFacture=invoice.number,
            statutFacture=invoice.status,
            dateTraitement=_day(timezone.localdate()),
        )


class RecupererStatutsVisiblesValideur(CproView):
    def post(self, request: Request) -> Response:
        integer(body(request), "idUtilisateurCourant")
        return ok(
            LIBELLE_OK,
            listeStatutFacture=[{"codeStatutFacture": code} for code in VISIBLE_TO_VALIDATOR],
        )


class CorrigerValideurFacture(CproView):
    """The supplier names the right validator of an invoice sent back for a wrong one: by
    `idStructure`, or by `identifiantStructure` (+ `typeIdentifiantStructure`, SIRET)."""

    def post(self, request: Request) -> Response:
        data = body(request)
        invoice = supplier_invoice(request, integer(data, "idFacture"))
        structure_id = integer(data, "idStructure")
        identifier = text(data, "identifiantStructure", max_length=20)
        kind = text(data, "typeIdentifiantStructure", max_length=20).upper()
        if kind and kind not in IdentifierType.values:
            raise ApiError(BAD_REQUEST, f"Type d'identifiant inconnu : « {kind} ».")
        if structure_id and not identifier:
            found = Structure.objects.filter(pk=structure_id).first()
            if found is None:
                raise ApiError(NOT_FOUND, f"Structure {structure_id} inconnue.")
            identifier = found.identifier
        if not identifier:
            raise ApiError(
                BAD_REQUEST,
                "Le nouveau valideur est obligatoire (idStructure ou identifiantStructure).",
            )
        try:
            invoice_validator_correct(invoice=invoice, user=request.user, identifier=identifier)
        except ValidationRefused as refused:
            raise ApiError(BAD_REQUEST, refused.message) from None
        return ok(LIBELLE_OK, idFacture=invoice.pk)


def soumettre_validators(data: dict[str, Any], cadre: str, supplier: Structure) -> Any:
    """`soumettre`'s `cadreDeFacturation{codeStructureValideur, codeServiceValideur}` checked
    for A9/A12 (refused for any other cadre); Chœur also reads `codeStructureValideur2` /
    `codeServiceValideur2`, the mandataire of a subcontractor of a co-contractor."""
    cadre_data = value(data, "cadreDeFacturation")
    if cadre_data is not None and not isinstance(cadre_data, dict):
        raise ApiError(BAD_REQUEST, "cadreDeFacturation doit être un objet JSON.")
    fields = {
        key: text(cadre_data, key, max_length=100, where="cadreDeFacturation")
        for key in (
            "codeStructureValideur",
            "codeServiceValideur",
            "codeStructureValideur2",
            "codeServiceValideur2",
        )
    }
    try:
        return validators_check(
            cadre=cadre,
            supplier=supplier,
            identifier_1=fields["codeStructureValideur"],
            service_1=fields["codeServiceValideur"],
            identifier_2=fields["codeStructureValideur2"],
            service_2=fields["codeServiceValideur2"],
        )
    except ValidationRefused as refused:
        raise ApiError(BAD_REQUEST, refused.message) from None
