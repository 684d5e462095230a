"""The platform's checks of one read invoice at integration (reference C.4, C.5, C.6): supplier
identity, recipient, service, engagement, attachments and amounts. Each problem carries a rule id
of ours (CHOEUR-...), where it applies (the BT) and a plain French message."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from choeur.einvoice.model import Invoice as Pivot
from choeur.einvoice.model import Party
from choeur.invoices import perms
from choeur.invoices.enums import CadreFacturation
from choeur.invoices.models import Invoice
from choeur.invoices.services.rules import Problem, attachment_problems
from choeur.structures.enums import Espace
from choeur.structures.models import EngagementJuridique, Service, Structure, StructureEspace

SIRET_RE = re.compile(r"^[0-9]{14}$")
SIREN_RE = re.compile(r"^[0-9]{9}$")
CADRE_RE = re.compile(r"^A[0-9]{1,2}(_|$)")
RESERVED_SERVICE = "FACTURES_PUBLIQUES"  # reference B.2: public-to-public invoicing only


@dataclass
class Routing:
    supplier: Structure
    recipient: Structure
    service: Service | None
    engagement_number: str
    cadre: str


@dataclass
class Outcome:
    routing: Routing | None = None
    problems: list[Problem] = field(default_factory=list)


def party_identifiers(party: Party) -> list[str]:
    """The identifiers a party carries (BT-30/47 first, then BT-29/46, the VAT id), compacted."""
    values: list[str] = []
    if party.legal_registration_id is not None:
        values.append(party.legal_registration_id.value)
    values.extend(i.value for i in party.identifiers)
    if party.vat_id:
        values.append(party.vat_id)
    compact = [re.sub(r"\s", "", v or "").upper() for v in values]
    return [v for v in compact if v]


def check_routing(*, pivot: Pivot, flux_supplier: Structure, depositor: Any) -> Outcome:
    out = Outcome()
    supplier, problems = check_seller(pivot=pivot, flux_supplier=flux_supplier, depositor=depositor)
    out.problems += problems
    cadre = _cadre(pivot, out.problems)
    recipient_ids = [v for v in party_identifiers(pivot.buyer) if SIRET_RE.match(v)]
    dest = check_recipient_data(
        recipient_ids=recipient_ids,
        service_code=pivot.buyer_reference or "",
        engagement=pivot.purchase_order_reference or "",
        issue_date=pivot.issue_date,
        supplier=supplier,
    )
    out.problems += dest.problems
    if not out.problems and supplier is not None and dest.routing is not None and cadre is not None:
        out.routing = Routing(
            supplier,
            dest.routing.recipient,
            dest.routing.service,
            dest.routing.engagement_number,
            cadre,
        )
        # A works invoice (CCAG Travaux) also needs its contract's fiche identité du marché.
        from choeur.works.services import deposit_problems

        out.problems += deposit_problems(routing=out.routing, pivot=pivot)
        # A mémoire (A3) or a TIC refund (A21) goes to a recipient flagged for its kind.
        from choeur.claims.services import routing_problems

        out.problems += routing_problems(routing=out.routing)
        if out.problems:
            out.routing = None
    return out


def check_recipient_data(
    *,
    recipient_ids: list[str],
    service_code: str,
    engagement: str,
    issue_date: dt.date,
    supplier: Structure | None,
) -> Outcome:
    """Recipient known, active and accepting; service; engagement (C.5). Also used by « Recycler »."""
    out = Outcome()
    recipient = _recipient(recipient_ids, out.problems)
    service: Service | None = None
    code = service_code.strip()
    number = engagement.strip()
    if recipient is not None:
        service = _service(code, issue_date, recipient, supplier, out.problems)
        _engagement(code, recipient, service, number, out.problems)
    if not out.problems and recipient is not None and supplier is not None:
        out.routing = Routing(supplier, recipient, service, number, "")
    return out


def check_seller(
    *, pivot: Pivot, flux_supplier: Structure, depositor: Any
) -> tuple[Structure | None, list[Problem]]:
    """The structure an invoice is sent as, whatever the way in (saisie, PDF, flux, archive, API):
    the seller it names (BT-29/30/31) must be the depositing structure, or another structure the
    depositor may deposit for. Returns it, or None with the problems (C.4)."""
    problems: list[Problem] = []
    ids = party_identifiers(pivot.seller)
    own = {flux_supplier.identifier.upper()}
    if flux_supplier.numero_tva:
        own.add(flux_supplier.numero_tva.upper())
    if flux_supplier.siret:
        own.add(flux_supplier.siret[:9])
    if not ids:
        if flux_supplier.siret:
            problems.append(
                Problem(
                    "CHOEUR-FOURN-01",
                    "L'identifiant du fournisseur (SIRET) est absent de la facture : indiquez "
                    f"le SIRET {flux_supplier.siret} de la structure émettrice.",
                    "Vendeur, identifiant légal",
                    "BT-30",
                )
            )
            return None, problems
        return flux_supplier, problems
    if own & set(ids):
        if not flux_supplier.is_active:
            return None, [_inactive_supplier(flux_supplier)]
        return flux_supplier, problems
    candidates = [v for v in ids if SIRET_RE.match(v)]
    other = Structure.objects.filter(identifier__in=candidates).first() if candidates else None
    if other is not None and perms.can_deposit(depositor, other):
        if not other.is_active:
            return None, [_inactive_supplier(other)]
        return other, problems
    seller = f" ({pivot.seller.name})" if pivot.seller.name else ""
    problems.append(
        Problem(
            "CHOEUR-FOURN-02",
            f"Le vendeur de la facture{seller}, identifiant {ids[0]}, n'est pas une structure "
            "pour laquelle vous pouvez déposer (structure émettrice du dépôt : "
            f"{flux_supplier.identifier}). Vous ne pouvez envoyer que les factures émises par "
            "vos structures.",
            "Vendeur, identifiant légal",
            "BT-30",
        )
    )
    return None, problems


def check_embedded_invoice(*, pdf: bytes, supplier: Structure, depositor: Any) -> list[Problem]:
    """A structured PDF (Factur-X, ZUGFeRD) deposited as the PDF of an invoice (« Déposer une
    facture PDF », the API's DEPOT_PDF_API) carries its own invoice, which the buyer receives
    with it: its seller is checked as any flux's (`check_seller`), and must be the very structure
    the PDF is deposited for."""
    import choeur.einvoice as einvoice
    from choeur.einvoice.errors import EInvoiceError

    try:
        detected = einvoice.detect(pdf)
    except EInvoiceError:
        return []  # not a structured PDF: the typed data is the invoice
    if getattr(detected, "syntax", None) != "facturx":
        return []
    try:
        embedded = einvoice.read(pdf)
    except EInvoiceError as exc:
        return [
            Problem(
                "CHOEUR-LECTURE-01",
                "Ce PDF contient une facture structurée (Factur-X) illisible : "
                f"{exc.message_fr} Déposez un PDF lisible ou saisissez la facture.",
                "PDF",
            )
        ]
    seller, problems = check_seller(pivot=embedded, flux_supplier=supplier, depositor=depositor)
    if seller is not None and seller.pk != supplier.pk:
        problems.append(
            Problem(
                "CHOEUR-FOURN-02",
                f"Ce PDF est une facture de la structure {seller.identifier} "
                f"({seller.raison_sociale}) : déposez-la au nom de cette structure, pas de "
                f"{supplier.identifier}.",
                "Vendeur, identifiant légal",
                "BT-30",
            )
        )
    return problems


def _inactive_supplier(structure: Structure) -> Problem:
    return Problem(
        "CHOEUR-FOURN-03",
        f"La structure fournisseur {structure.identifier} est inactive.",
        "Vendeur",
        "BG-4",
    )


def _recipient(ids: list[str], problems: list[Problem]) -> Structure | None:
    if not ids:
        problems.append(
            Problem(
                "CHOEUR-DEST-01",
                "Le SIRET du destinataire est absent de la facture (identifiant légal de "
                "l'acheteur).",
                "Acheteur, identifiant légal",
                "BT-47",
            )
        )
        return None
    recipient = Structure.objects.filter(identifier__in=ids).order_by("-is_public").first()
    if recipient is None:
        problems.append(
            Problem(
                "CHOEUR-DEST-02",
                f"Le destinataire {ids[0]} n'est pas référencé dans l'annuaire des structures "
                "publiques.",
                "Acheteur, identifiant légal",
                "BT-47",
            )
        )
        return None
    if not recipient.is_active:
        problems.append(
            Problem(
                "CHOEUR-DEST-03",
                f"Le destinataire {recipient.identifier} ({recipient.raison_sociale}) est inactif.",
                "Acheteur",
                "BT-47",
            )
        )
        return None
    if not recipient.is_public:
        problems.append(
            Problem(
                "CHOEUR-DEST-04",
                f"La structure {recipient.identifier} ({recipient.raison_sociale}) ne reçoit pas "
                "de factures : ce n'est pas une structure publique.",
                "Acheteur",
                "BT-47",
            )
        )
        return None
    if StructureEspace.objects.filter(
        structure=recipient, espace=Espace.FACTURES_RECUES, is_open=False
    ).exists():
        problems.append(
            Problem(
                "CHOEUR-DEST-05",
                f"La structure {recipient.identifier} ({recipient.raison_sociale}) n'accepte pas "
                "de factures : son espace « Factures reçues » est fermé.",
                "Acheteur",
                "BT-47",
            )
        )
        return None
    return recipient


# The reform's BT-23 (BR-FR-08) -> Chorus Pro's cadre, where the official material gives the
# counterpart (validation.pipeline.REFORM_CADRES): B1/S1/M1 a simple invoice (A1), B2/S2/M2
# an invoice already paid (A2). The reform's other codes are invoices of a supplier (A1).
REFORM_TO_CADRE = {
    **{f"{nature}1": CadreFacturation.A1_FACTURE_FOURNISSEUR.value for nature in "BSM"},
    **{f"{nature}2": CadreFacturation.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE.value for nature in "BSM"},
}


def _cadre(pivot: Pivot, problems: list[Problem]) -> str | None:
    code = (pivot.process_control.business_process_type or "").strip()
    cadre = CadreFacturation.from_code(code)
    if cadre is not None:
        return cadre.value
    if code.upper() in REFORM_TO_CADRE:
        return REFORM_TO_CADRE[code.upper()]
    if code and CADRE_RE.match(code.upper()):
        problems.append(
            Problem(
                "CHOEUR-CADRE-01",
                f"Le cadre de facturation « {code} » n'est pas accepté ici. Cadres acceptés : "
                + ", ".join(c.value for c in CadreFacturation)
                + ".",
                "Cadre de facturation",
                "BT-23",
            )
        )
        return None
    # No cadre, or a process id of another network (Peppol...): a supplier invoice (A1).
    return CadreFacturation.A1_FACTURE_FOURNISSEUR.value


def _service(
    code: str,
    issue_date: dt.date,
    recipient: Structure,
    supplier: Structure | None,
    problems: list[Problem],
) -> Service | None:
    if not code:
        if recipient.code_service_required:
            problems.append(
                Problem(
                    "CHOEUR-SERV-01",
                    f"Le code service est obligatoire pour le destinataire {recipient.identifier} "
                    f"({recipient.raison_sociale}) : indiquez le « Code service » (dans un "
                    "fichier de facture, la référence acheteur, BT-10).",
                    "Code service (référence acheteur)",
                    "BT-10",
                )
            )
        return None
    service = Service.objects.filter(structure=recipient, code=code).first()
    if service is None:
        service = Service.objects.filter(structure=recipient, code__iexact=code).first()
    if service is None:
        problems.append(
            Problem(
                "CHOEUR-SERV-02",
                f"Le service « {code} » n'existe pas chez le destinataire {recipient.identifier} "
                f"({recipient.raison_sociale}).",
                "Référence acheteur (code service)",
                "BT-10",
            )
        )
        return None
    if not _service_active(service, issue_date):
        problems.append(
            Problem(
                "CHOEUR-SERV-03",
                f"Le service « {service.code} » du destinataire {recipient.identifier} est inactif.",
                "Référence acheteur (code service)",
                "BT-10",
            )
        )
        return None
    if service.code == RESERVED_SERVICE and (supplier is None or not supplier.is_public):
        problems.append(
            Problem(
                "CHOEUR-SERV-04",
                f"Le service « {RESERVED_SERVICE} » est réservé aux factures entre structures "
                "publiques.",
                "Référence acheteur (code service)",
                "BT-10",
            )
        )
        return None
    return service


def _service_active(service: Service, day: dt.date) -> bool:
    if not service.is_active:
        return False
    if service.start_date and day < service.start_date:
        return False
    return not (service.end_date and day > service.end_date)


def _engagement(
    code: str,
    recipient: Structure,
    service: Service | None,
    number: str,
    problems: list[Problem],
) -> None:
    where, bt = "Référence du bon de commande (numéro d'engagement)", "BT-13"
    if not number:
        if recipient.engagement_required:
            problems.append(
                Problem(
                    "CHOEUR-EJ-01",
                    f"Le numéro d'engagement est obligatoire pour le destinataire "
                    f"{recipient.identifier} ({recipient.raison_sociale}).",
                    where,
                    bt,
                )
            )
        elif service is not None and service.engagement_required:
            problems.append(
                Problem(
                    "CHOEUR-EJ-02",
                    f"Le numéro d'engagement est obligatoire pour le service « {service.code} ».",
                    where,
                    bt,
                )
            )
        elif recipient.engagement_or_service_required and not code:
            problems.append(
                Problem(
                    "CHOEUR-EJ-03",
                    f"Le destinataire {recipient.identifier} demande un code service ou un "
                    "numéro d'engagement : indiquez l'un des deux.",
                    where,
                    bt,
                )
            )
        return
    if len(number) > 50:
        problems.append(
            Problem(
                "CHOEUR-EJ-04",
                f"Le numéro d'engagement dépasse 50 caractères ({len(number)}).",
                where,
                bt,
            )
        )
        return
    if not EngagementJuridique.objects.filter(structure=recipient).exists():
        return  # The recipient publishes no engagement: nothing to check it against.
    from choeur.structures.selectors import engagement_find

    engagement = engagement_find(structure=recipient, number=number)
    if engagement is None:
        problems.append(
            Problem(
                "CHOEUR-EJ-05",
                f"Le numéro d'engagement « {number} » est inconnu du destinataire "
                f"{recipient.identifier}.",
                where,
                bt,
            )
        )
    elif not engagement.accepts_invoices:
        problems.append(
            Problem(
                "CHOEUR-EJ-06",
                f"L'engagement « {number} » n'est plus ouvert à la facturation "
                f"({engagement.get_state_display()}).",
                where,
                bt,
            )
        )


def check_attachments(pivot: Pivot, extra: list[tuple[str, int]], main_size: int) -> list[Problem]:
    """C.6 over the documents embedded in the invoice (BG-24) and those sent with it."""
    files = [
        (doc.attachment.filename or doc.reference, len(doc.attachment.content))
        for doc in pivot.additional_documents
        if doc.attachment is not None
    ]
    return attachment_problems(files + extra, main_size=main_size)


def check_amounts(pivot: Pivot) -> list[Problem]:
    """BG-22 consistent with itself, the lines and BG-23 (BR-CO-10 to BR-CO-16, BR-CO-14).

    The EN 16931 rules say the same; this runs whatever profile was validated, so an invoice
    whose totals do not add up is never integrated.
    """
    t = pivot.totals
    problems: list[Problem] = []

    def differ(bt: str, label: str, stated: Decimal | None, expected: Decimal) -> None:
        if stated is not None and stated != expected:
            problems.append(
                Problem(
                    "CHOEUR-MNT-01",
                    f"Montants incohérents : {label} vaut {stated} alors que le calcul donne "
                    f"{expected}.",
                    "Totaux du document",
                    bt,
                )
            )

    zero = Decimal("0")
    if pivot.lines:
        differ(
            "BT-106",
            "la somme des montants nets des lignes",
            t.line_total_amount,
            sum((line.net_amount for line in pivot.lines), zero),
        )
    if t.line_total_amount is not None:
        differ(
            "BT-109",
            "le total HT",
            t.tax_exclusive_amount,
            t.line_total_amount
            - (t.allowance_total_amount or zero)
            + (t.charge_total_amount or zero),
        )
    if pivot.vat_breakdown and t.vat_total_amount is not None:
        differ(
            "BT-110",
            "le total de TVA",
            t.vat_total_amount,
            sum((row.tax_amount for row in pivot.vat_breakdown), zero),
        )
    differ(
        "BT-112",
        "le total TTC",
        t.tax_inclusive_amount,
        t.tax_exclusive_amount + (t.vat_total_amount or zero),
    )
    differ(
        "BT-115",
        "le net à payer",
        t.payable_amount,
        t.tax_inclusive_amount - (t.prepaid_amount or zero) + (t.rounding_amount or zero),
    )
    return problems


# The reform's unicity key of an invoice (PPF, flux 1): its number (BT-1), its seller's SIREN and
# the year of its date (BT-2). A second invoice under the same key is a duplicate, whichever
# établissement (SIRET) of that SIREN deposits it: rejected with the official reason REJ_UNI.
UNICITY_RULE = "REJ_UNI"


def seller_siren(pivot: Pivot, supplier: Structure | None = None) -> str:
    """The seller's SIREN: its legal registration (BT-30, a SIREN or a SIRET), else a SIRET
    identifier (BT-29), else its French VAT number (FR + key + SIREN, BT-31), else the
    depositing structure's SIRET."""
    for value in party_identifiers(pivot.seller):
        if SIREN_RE.match(value):
            return value
        if SIRET_RE.match(value):
            return value[:9]
        if re.match(r"^FR[0-9A-Z]{2}[0-9]{9}$", value):
            return value[4:]
    if supplier is not None and supplier.siret:
        return supplier.siret[:9]
    return ""


def check_unicity(pivot: Pivot, *, supplier: Structure) -> list[Problem]:
    """REJ_UNI when another structure of the seller's SIREN already has an invoice of this
    number for this year. The depositing structure's own duplicates are found by the
    integration (CHOEUR-DOUBLON-01, backed by a database constraint)."""
    siren = seller_siren(pivot, supplier)
    if not SIREN_RE.match(siren) or not pivot.number:
        return []
    year = pivot.issue_date.year
    # Through the key's own unique index (invoice_reform_unicity), which also makes the
    # database refuse the second of two concurrent deposits (the integration then says
    # REJ_UNI again from here).
    other = (
        Invoice.objects.filter(seller_siren=siren, number=pivot.number, issue_year=year)
        .exclude(supplier=supplier)
        .select_related("supplier")
        .first()
    )
    if other is None:
        return []
    return [
        Problem(
            UNICITY_RULE,
            f"Doublon (clé d'unicité de la réforme : numéro, SIREN du vendeur, année) : la "
            f"facture n° {pivot.number} de {year} existe déjà pour le SIREN {siren}, déposée par "
            f"l'établissement {other.supplier.identifier}. Un numéro de facture ne sert qu'une "
            "fois par SIREN et par année : émettez cette facture sous un nouveau numéro.",
            "Numéro de facture",
            "BT-1",
        )
    ]
