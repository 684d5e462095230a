"""`/cpro/factures/v1/consulter/{fournisseur,recipiendaire}`: one invoice with its lines, VAT
recap, amounts and attachments, and `telecharger/groupe`.

GO reads the three consultations with one response type (wire contract D10): both answer the
same shape, each through its own selector (the supplier's invoices, the received ones).
"""

from __future__ import annotations

import base64
import io
import math
import zipfile
from typing import Any

from django.http import Http404
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, LIBELLE_OK, NOT_FOUND, ApiError, ok
from choeur.api.payload import MAX_PAGE, body, integer, objects, text, value
from choeur.api.views.base import CproView
from choeur.invoices.enums import AttachmentKind
from choeur.invoices.models import Attachment, Invoice
from choeur.invoices.selectors import invoice_get_for_supplier
from choeur.invoices.services import documents
from choeur.lifecycle.selectors import received_invoices
from choeur.lifecycle.services import invoice_mark_downloaded
from choeur.structures.models import Structure

UNKNOWN_INVOICE = "Facture inconnue pour ce compte."
SUB_PAGE_SIZE = 50
# A group download over 120 MB is refused with HTTP 413 on the real platform (reference C.6).
GROUP_MAX_BYTES = 120 * 1024 * 1024
GROUP_MAX_INVOICES = 100


def supplier_invoice(request: Request, invoice_id: int | None) -> Invoice:
    """The account's own (sent) invoice, or 20002: another structure's is simply not found."""
    if invoice_id is None:
        raise ApiError(BAD_REQUEST, "Le champ identifiantFactureCPP est obligatoire.")
    try:
        return invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    except Http404:
        raise ApiError(NOT_FOUND, UNKNOWN_INVOICE) from None


def received_invoice(request: Request, invoice_id: int | None) -> Invoice:
    if invoice_id is None:
        raise ApiError(BAD_REQUEST, "Le champ identifiantFactureCPP est obligatoire.")
    invoice = (
        received_invoices(request.user)
        .select_related("supplier", "recipient", "service", "flux", "main_document", "xml")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise ApiError(NOT_FOUND, UNKNOWN_INVOICE)
    return invoice


def _number(raw: Any) -> float:
    return float(raw) if raw not in (None, "") else 0.0


def _sub_page(params: Any, suffix: str, total: int) -> tuple[int, int, dict[str, int]]:
    """Paging of a sub-list with the suffixed keys GO sends (`nbResultatsParPageLignesPoste`...).
    GO doubles a word in one of them (`nbResultatsParPageListeListeRecapitulatifTVA`): both read."""
    size = (
        integer(params, f"nbResultatsParPage{suffix}")
        or integer(params, f"nbResultatsParPage{suffix.replace('Liste', 'ListeListe', 1)}")
        or SUB_PAGE_SIZE
    )
    size = max(1, min(size, 1000))
    page = integer(params, f"pageResultatDemandee{suffix}", minimum=1, maximum=MAX_PAGE) or 1
    start = (page - 1) * size
    return (
        start,
        start + size,
        {"size": size, "page": page, "pages": max(math.ceil(total / size), 1)},
    )


def _address(structure: Structure, prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}CodePays": structure.code_pays,
        f"{prefix}CodePostal": structure.code_postal,
        f"{prefix}Complement1": structure.complement_adresse_1,
        f"{prefix}Complement2": structure.complement_adresse_2,
        f"{prefix}Detail": structure.adresse,
        f"{prefix}Ville": structure.ville,
    }


def _validators(invoice: Invoice) -> dict[str, Any]:
    """An A9/A12 invoice's validators (`codeValideur1`, `dateValidation1`...), for every
    consultation (wire contract D10: one response type)."""
    from choeur.api.views.validator import validator_fields

    return validator_fields(getattr(invoice, "validation", None))


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[1].upper() if "." in name else ""


def invoice_document(
    invoice: Invoice, *, lines_paging: Any, pj_paging: Any, tva_paging: Any
) -> dict[str, Any]:
    """The `facture` object of `ConsulterFactureResponse` (wire contract §6)."""
    lines = list(invoice.lines.order_by("position"))
    start, end, lp = _sub_page(lines_paging, "LignesPoste", len(lines))
    postes = [
        {
            "lignePosteNumero": line.position,
            "lignePosteReference": line.reference,
            "lignePosteDenomination": line.designation,
            "lignePosteQuantite": float(line.quantity),
            "lignePosteUniteLibelle": line.unit,
            "lignePosteMontantUnitaireHT": float(line.unit_price),
            "lignePosteMontantRemiseHT": float(line.discount),
            "lignePosteMontantHtApresRemise": float(line.net_amount),
            "lignePosteTauxTva": f"{line.vat_rate}" if line.vat_rate is not None else "",
            "lignePosteTauxTvaManuel": float(line.vat_rate or 0),
        }
        for line in lines[start:end]
    ]
    attachments: list[Attachment] = list(invoice.attachments.select_related("file"))
    a_start, a_end, ap = _sub_page(pj_paging, "ListePieceJointe", len(attachments))
    pieces = [
        {
            "pieceJointeId": a.pk,
            "pieceJointeDesignation": a.name,
            "pieceJointeExtension": _extension(a.name),
            "pieceJointeTypeCode": a.kind,
            "pieceJointeTypeLibelle": str(AttachmentKind(a.kind).label),
            "pieceJointeIdLiaison": a.pk,
        }
        for a in attachments[a_start:a_end]
    ]
    vat = list(invoice.vat_breakdown or [])
    t_start, t_end, tp = _sub_page(tva_paging, "ListeRecapitulatifTVA", len(vat))
    tva = [
        {
            "ligneTvaTauxRefCode": str(row.get("category", "")),
            "ligneTvaTauxRefLibelle": f"{row.get('rate') or 0} %",
            "ligneTvaTauxRefValeur": _number(row.get("rate")),
            "ligneTvaTauxManuel": _number(row.get("rate")),
            "ligneTvaMontantBaseHtParTaux": _number(row.get("base")),
            "ligneTvaMontantTvaParTaux": _number(row.get("tax")),
        }
        for row in vat[t_start:t_end]
    ]
    principal = next((a for a in attachments if a.kind == AttachmentKind.PRINCIPALE), None)
    total_size = sum(a.file.size for a in attachments)
    references: dict[str, Any] = {
        "codeDeviseFacture": invoice.currency,
        "typeFacture": invoice.type,
        "numeroBonCommande": invoice.engagement_number,
        "dateFacture": f"{invoice.issue_date:%Y-%m-%d}",
        "dateDepot": f"{timezone.localdate(invoice.created_at):%Y-%m-%d}",
        "dateCreationFacture": f"{timezone.localtime(invoice.created_at):%Y-%m-%d %H:%M}",
        "tailleTotalePiecesJointes": float(total_size),
    }
    if invoice.tva_regime:
        references["typeTva"] = invoice.tva_regime
    if invoice.due_date is not None:
        references["dateEcheancePaiement"] = f"{invoice.due_date:%Y-%m-%d}"
    supplier, recipient, service = invoice.supplier, invoice.recipient, invoice.service
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "modeDepot": invoice.mode_depot,
        "commentaire": invoice.comment,
        "cadreDeFacturation": {"codeCadreFacturation": invoice.cadre, **_validators(invoice)},
        "destinataire": {
            "idDestinataire": recipient.pk,
            "codeDestinataire": recipient.identifier,
            "libelleDestinataire": recipient.raison_sociale,
            "destinataireEtat": "ACTIF" if recipient.is_active else "INACTIF",
            "idServiceExecutant": service.pk if service else 0,
            "codeServiceExecutant": service.code if service else "",
            "libelleServiceExecutant": service.name if service else "",
            **_address(recipient, "adresseDestinataire"),
        },
        "fournisseur": {
            "idFournisseur": supplier.pk,
            "codeFournisseur": supplier.identifier,
            "designationFournisseur": supplier.raison_sociale,
            "typeIdentifiantFournisseur": supplier.identifier_type,
            "coordBancairesFournisseurCompteBancaire": invoice.bank_account,
            **_address(supplier, "adresseFournisseur"),
        },
        "references": references,
        "montantTotal": {
            "montantHtTotal": float(invoice.total_ht),
            "montantTVA": float(invoice.total_tva),
            "montantTtcTotal": float(invoice.total_ttc),
            "montantTtcAvantRemiseGlobalTTC": float(invoice.total_ttc),
            "montantRemiseGlobaleTTC": 0.0,
            "montantAPayer": float(invoice.amount_due),
        },
        "lignesDePoste": {
            "lignePoste": postes,
            "nbResultatsParPageLignesPoste": lp["size"],
            "pageCouranteLignesPoste": lp["page"],
            "pagesLignesPoste": lp["pages"],
            "totalLignesPoste": len(lines),
        },
        "recapitulatifDeTva": {
            "ligneTva": tva,
            "nbResultatsParPageLignesRecapitulativesTVA": tp["size"],
            "pageCouranteLignesRecapitulativesTVA": tp["page"],
            "pagesLignesRecapitulativesTVA": tp["pages"],
            "totalLignesRecapitulativesTVA": len(vat),
        },
        "listeDesPiecesJointes": {
            "pieceJointe": pieces,
            "nbResultatsParPageListePiecesJointe": ap["size"],
            "pageCouranteListePiecesJointe": ap["page"],
            "pagesListePiecesJointe": ap["pages"],
            "totalListePiecesJointe": len(attachments),
        },
        "pieceJointePrincipale": {
            "idPieceJointePrincipale": principal.pk if principal else 0,
            "idLiaisonPieceJointePrincipale": principal.pk if principal else 0,
        },
    }


class ConsulterFournisseur(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        invoice = supplier_invoice(request, integer(data, "identifiantFactureCPP"))
        facture = invoice_document(
            invoice,
            lines_paging=value(data, "pLignesPoste"),
            pj_paging=value(data, "pListePiecesJointes"),
            tva_paging=value(data, "pLigneRecapTva"),
        )
        return ok(LIBELLE_OK, facture=facture)


class ConsulterRecipiendaire(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        invoice = received_invoice(request, integer(data, "identifiantFactureCPP"))
        facture = invoice_document(
            invoice,
            lines_paging=value(data, "rechercheLignePoste"),
            pj_paging=value(data, "recherchePj"),
            tva_paging=value(data, "rechercheligneTvaRecap"),
        )
        return ok(LIBELLE_OK, facture=facture)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80] or "facture"


class TelechargerGroupe(CproView):
    """Several invoices in one zip (base 64 in `fichierResultat`). The declared request shape
    (wire contract D8): `listeFacture[{idFacture}]`, `format` PDF or XML (PIVOT), and
    `avecPiecesJointesComplementaires` OUI/NON. A recipient's download marks each invoice
    downloaded, as the « Télécharger » button does."""

    def post(self, request: Request) -> Response:
        data = body(request)
        wanted = [
            integer(item, "idFacture", where="listeFacture")
            for item in objects(data, "listeFacture")
        ]
        ids = [pk for pk in wanted if pk]
        if not ids:
            raise ApiError(BAD_REQUEST, "Indiquez au moins une facture dans listeFacture.")
        if len(ids) > GROUP_MAX_INVOICES:
            raise ApiError(
                BAD_REQUEST, f"{GROUP_MAX_INVOICES} factures au plus par téléchargement groupé."
            )
        fmt = (text(data, "format", max_length=10) or "PDF").upper()
        if fmt not in ("PDF", "XML", "PIVOT"):
            raise ApiError(BAD_REQUEST, f"Format inconnu : « {fmt} » (PDF, XML ou PIVOT).")
        with_pj = (text(data, "avecPiecesJointesComplementaires", max_length=3) or "NON").upper()
        if with_pj not in ("OUI", "NON"):
            raise ApiError(
                BAD_REQUEST, "Le champ avecPiecesJointesComplementaires vaut OUI ou NON."
            )
        received = {
            i.pk: i
            for i in received_invoices(request.user)
            .select_related("main_document", "xml")
            .filter(pk__in=ids)
        }
        found: list[tuple[Invoice, bool]] = []
        for pk in dict.fromkeys(ids):
            if pk in received:
                found.append((received[pk], True))
                continue
            found.append((supplier_invoice(request, pk), False))
        buffer = io.BytesIO()
        size = 0
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for invoice, _as_recipient in found:
                base = f"{invoice.pk}_{_safe(invoice.number)}"
                if fmt == "PDF":
                    content = documents.invoice_pdf(invoice)
                    name = f"{base}.pdf"
                else:
                    content = invoice.xml.read() if invoice.xml is not None else None
                    name = f"{base}.xml"
                if content is None:
                    raise ApiError(
                        BAD_REQUEST,
                        f"La facture {invoice.number} n'a pas de document au format {fmt}.",
                    )
                size += len(content)
                archive.writestr(name, content)
                if with_pj == "OUI":
                    for attachment in invoice.attachments.select_related("file"):
                        content = attachment.file.read()
                        size += len(content)
                        archive.writestr(
                            f"{base}/{attachment.pk}_{_safe(attachment.name)}", content
                        )
                if size > GROUP_MAX_BYTES:
                    raise ApiError(
                        413,
                        "Le téléchargement groupé dépasse 120 Mo : demandez moins de factures.",
                        http_status=413,
                    )
        for invoice, as_recipient in found:
            if as_recipient:
                invoice_mark_downloaded(invoice=invoice, user=request.user)
        return ok(LIBELLE_OK, fichierResultat=base64.b64encode(buffer.getvalue()).decode())
