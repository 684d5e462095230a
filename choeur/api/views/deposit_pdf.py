"""`factures/v1/deposer/pdf`: a PDF invoice read as « Déposer une facture PDF » reads it (the
Factur-X XML when there is one, else the PDF's text, reference C.1), kept as one of the account's
pieces. The answer is the extract and the `pieceJointeId` that `soumettre` then names with
`modeDepot: DEPOT_PDF_API` (`pieceJointePrincipale`) to deposit the invoice.

Nothing is deposited here, and the checks are the web page's: a protected, damaged or foreign
Factur-X PDF is refused (20001), a file over 10 MB too (20003).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import BAD_REQUEST, FILE_TOO_LARGE, LIBELLE_OK, ApiError, ok
from choeur.api.payload import body, text, value
from choeur.api.services import PieceRefused, uploaded_piece_create
from choeur.api.views.base import CproView
from choeur.api.views.factures import _decode, _depositing_structure
from choeur.api.views.referentials import MAX_BASE64_CHARS
from choeur.invoices.services.deposit import Upload
from choeur.invoices.services.drafts import SaisieError
from choeur.invoices.services.pdf import invoice_pdf_prefill

# `formatDepot` (PHP IFormatDepot): a signed PDF is read as any other, its signature kept.
FORMATS_DEPOT = ("PDF_NON_SIGNE", "PDF_SIGNE_PADES", "PDF_SIGNE_XADES")
CENT = Decimal("0.01")


def _decimal(raw: Any) -> Decimal:
    try:
        return Decimal(str(raw or "0").replace(",", "."))
    except InvalidOperation:
        return Decimal("0")


def extract_amounts(lines: list[dict[str, Any]]) -> dict[str, float | None]:
    """HT, VAT and TTC of the pre-filled lines, as EN 16931 computes them: line nets rounded to
    the cent, VAT per rate on the sum of its bases (BR-CO-17). Nothing read, nothing answered."""
    if not lines:
        return dict.fromkeys(
            ("montantHtTotal", "montantTVA", "montantTtcAvantRemiseGlobalTTC", "montantAPayer")
        )
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        net = _decimal(line.get("quantity")) * _decimal(line.get("unit_price"))
        net -= _decimal(line.get("discount"))
        bases[_decimal(line.get("vat_rate"))] += net.quantize(CENT, ROUND_HALF_UP)
    ht = sum(bases.values(), Decimal("0"))
    tva = sum(
        ((base * rate / 100).quantize(CENT, ROUND_HALF_UP) for rate, base in bases.items()),
        Decimal("0"),
    )
    return {
        "montantHtTotal": float(ht),
        "montantTVA": float(tva),
        "montantTtcAvantRemiseGlobalTTC": float(ht + tva),
        "montantAPayer": float(ht + tva),
    }


class DeposerPdf(CproView):
    def post(self, request: Request) -> Response:
        data = body(request)
        supplier = _depositing_structure(request.user)
        fmt = (text(data, "formatDepot") or FORMATS_DEPOT[0]).upper()
        if fmt not in FORMATS_DEPOT:
            raise ApiError(
                BAD_REQUEST, f"formatDepot « {fmt} » inconnu : {', '.join(FORMATS_DEPOT)}."
            )
        name = text(data, "nomFichier").strip()
        if not name:
            raise ApiError(BAD_REQUEST, "Le champ nomFichier est obligatoire.")
        if "." not in name:
            name += ".pdf"
        if not name.lower().endswith(".pdf"):
            raise ApiError(BAD_REQUEST, "deposer/pdf reçoit une facture PDF (nomFichier en .pdf).")
        raw = value(data, "fichierFacture")
        if isinstance(raw, str) and len(raw) > MAX_BASE64_CHARS:
            raise ApiError(FILE_TOO_LARGE, "Le fichier dépasse 10 Mo.")
        content = _decode(data, "fichierFacture")
        upload = Upload(name, content, "application/pdf")
        try:
            extract = invoice_pdf_prefill(user=request.user, supplier=supplier, upload=upload)
        except SaisieError as exc:
            raise ApiError(BAD_REQUEST, exc.message) from None
        try:
            piece = uploaded_piece_create(
                user=request.user, name=name, data=content, content_type="application/pdf"
            )
        except PieceRefused as exc:
            raise ApiError(FILE_TOO_LARGE if exc.too_large else BAD_REQUEST, exc.message) from None
        return ok(
            LIBELLE_OK,
            numeroFacture=extract.get("number") or None,
            dateFacture=extract.get("issue_date") or None,
            codeDestinataire=extract.get("recipient") or None,
            codeServiceExecutant=extract.get("service_code") or None,
            codeFournisseur=supplier.identifier,
            codeDeviseFacture=extract.get("currency") or None,
            typeFacture=extract.get("type") or None,
            typeTva=extract.get("tva_regime") or None,
            numeroBonCommande=extract.get("engagement_number") or None,
            **extract_amounts(extract.get("lines") or []),
            pieceJointeId=piece.pk,
        )
