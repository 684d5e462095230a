"""Deposit of a mémoire de frais de justice (A3) or a demande de remboursement TIC (A21).

A request is built as an EN 16931 invoice of its cadre (the saisie's `build_pivot`), checked by
`claim_check`, the one function both kinds go through (the recipient flagged for the kind and
its mandatory data, the amounts, the duplicates, the pièces jointes: the same checks as every
payment request, `invoices.services.checks`), then deposited as a saisie is: a Factur-X PDF
written from the pivot, stored with its pièces jointes in one Flux (`flux_deposit`), whose
integration makes the Invoice, MISE_A_DISPOSITION of its recipient. The Claim row keeps what the
request says beyond an invoice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

import choeur.einvoice as einvoice
from choeur.claims import perms
from choeur.claims.enums import (
    CADRE_OF_KIND,
    KIND_OF_CADRE,
    RECIPIENT_FLAG,
    ClaimKind,
    MissionNature,
    TicProduct,
)
from choeur.claims.models import Claim, TicQuantity
from choeur.claims.rates import rate_for
from choeur.core.audit import audit_log_write
from choeur.einvoice.errors import EInvoiceError
from choeur.einvoice.model import Invoice as Pivot
from choeur.einvoice.totals import line_net_amount
from choeur.invoices.enums import InvoiceStatus, ModeDepot, TvaRegime
from choeur.invoices.models import Invoice
from choeur.invoices.services.checks import (
    Routing,
    check_amounts,
    check_recipient_data,
    check_unicity,
)
from choeur.invoices.services.deposit import DepositRefused, Upload, flux_deposit
from choeur.invoices.services.drafts import Saisie, SaisieLine, build_pivot
from choeur.invoices.services.rules import Problem, attachment_problems
from choeur.structures.models import BankAccount, Structure

ZERO = Decimal("0.00")
KIND_WORDS: dict[str, tuple[str, str]] = {
    ClaimKind.MEMOIRE_JUSTICE: ("mémoire de frais de justice", "mémoires de frais de justice"),
    ClaimKind.DEMANDE_REMBOURSEMENT: (
        "demande de remboursement TIC",
        "demandes de remboursement TIC",
    ),
}
# Rule id prefix of a recipient problem -> the form field it belongs to.
FIELD_OF_RULE = {"DEST": "recipient", "SERV": "service_code", "EJ": "engagement_number"}


@dataclass(frozen=True)
class ClaimProblem:
    message: str
    field: str | None = None


class ClaimRefused(Exception):
    """The deposit is refused, nothing written; `problems` say why, field by field."""

    def __init__(self, problems: list[ClaimProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    @property
    def message(self) -> str:
        return " ".join(p.message for p in self.problems)


@dataclass
class MemoireInput:
    """A mémoire de frais de justice as the prestataire typed it (shape checked by the form)."""

    recipient: Structure
    number: str
    issue_date: dt.date
    procedure_number: str
    requisition_reference: str
    requisition_date: dt.date
    prescripteur: str
    mission_nature: str
    lines: list[SaisieLine]
    bank_account: BankAccount
    mission_description: str = ""
    service_code: str = ""
    engagement_number: str = ""
    tva_regime: str = TvaRegime.TVA_SUR_DEBIT
    comment: str = ""


@dataclass
class TicInput:
    """A demande de remboursement TIC: quantities (form units) per product for one campaign."""

    recipient: Structure
    issue_date: dt.date
    exploitation_name: str
    pacage_number: str
    campaign_year: int
    quantities: dict[str, Decimal]
    bank_account: BankAccount
    service_code: str = ""
    comment: str = ""


@dataclass(frozen=True)
class RefundLine:
    product: str
    quantity: Decimal
    unit_code: str
    unit_label: str
    rate: Decimal  # per legal unit, as the barème states it
    rate_unit: str
    unit_price: Decimal  # per form unit
    amount: Decimal


def tic_refund(campaign_year: int, quantities: dict[str, Decimal]) -> list[RefundLine]:
    """The refund of each product of `quantities` (zero quantities left out) at the campaign's
    rates, rounded to the cent as the invoice line will be. ClaimRefused when the table has no
    rate for a product of that campaign."""
    lines: list[RefundLine] = []
    for product in TicProduct.values:
        quantity = quantities.get(product) or Decimal("0")
        if quantity <= 0:
            continue
        rate = rate_for(campaign_year, product)
        if rate is None:
            raise ClaimRefused(
                [
                    ClaimProblem(
                        f"Aucun taux de remboursement n'est connu pour la campagne "
                        f"{campaign_year} ({TicProduct(product).label}).",
                        "campaign_year",
                    )
                ]
            )
        lines.append(
            RefundLine(
                product=product,
                quantity=quantity,
                unit_code=rate.unit_code,
                unit_label=rate.unit_label,
                rate=rate.amount,
                rate_unit=rate.legal_unit,
                unit_price=rate.unit_price,
                amount=line_net_amount(quantity, rate.unit_price),
            )
        )
    return lines


def _memoire_comment(data: MemoireInput) -> str:
    parts = [
        f"Mémoire de frais de justice — {MissionNature(data.mission_nature).label}",
        f"Procédure n° {data.procedure_number}" if data.procedure_number else "",
        f"Réquisition {data.requisition_reference}" if data.requisition_reference else "",
        f"du {data.requisition_date:%d/%m/%Y}",
        f"Prescripteur : {data.prescripteur}",
        data.mission_description,
        data.comment,
    ]
    return " ; ".join(p for p in parts if p)


def _tic_comment(data: TicInput) -> str:
    parts = [
        f"Demande de remboursement partiel de la TIC — campagne {data.campaign_year}",
        f"Exploitation : {data.exploitation_name}",
        f"PACAGE {data.pacage_number}" if data.pacage_number else "",
        data.comment,
    ]
    return " ; ".join(p for p in parts if p)


def memoire_saisie(data: MemoireInput) -> Saisie:
    return Saisie(
        recipient=data.recipient,
        number=data.number,
        issue_date=data.issue_date,
        due_date=None,
        lines=data.lines,
        service_code=data.service_code,
        engagement_number=data.engagement_number,
        cadre=CADRE_OF_KIND[ClaimKind.MEMOIRE_JUSTICE],
        tva_regime=data.tva_regime,
        exemption_reason=(
            "TVA non applicable, art. 293 B du CGI"
            if data.tva_regime == TvaRegime.EXONERATION
            else ""
        ),
        bank_account=data.bank_account,
        comment=_memoire_comment(data),
    )


def tic_number(supplier: Structure, campaign_year: int) -> str:
    """TIC-<campaign>-<n>: the n-th request of this exploitation for the campaign (a request
    rejected is deposited again under a new number, reference C.4)."""
    done = Claim.objects.filter(
        supplier=supplier, kind=ClaimKind.DEMANDE_REMBOURSEMENT, campaign_year=campaign_year
    ).count()
    return f"TIC-{campaign_year}-{done + 1:02d}"


def tic_saisie(supplier: Structure, data: TicInput, refund: list[RefundLine]) -> Saisie:
    return Saisie(
        recipient=data.recipient,
        number=tic_number(supplier, data.campaign_year),
        issue_date=data.issue_date,
        due_date=None,
        lines=[
            SaisieLine(
                designation=f"Remboursement TIC {TicProduct(line.product).label.lower()}, "
                f"campagne {data.campaign_year} ({line.rate} € par {line.rate_unit})",
                quantity=line.quantity,
                unit=line.unit_code,
                unit_price=line.unit_price,
                vat_rate=Decimal("0"),
            )
            for line in refund
        ],
        service_code=data.service_code,
        cadre=CADRE_OF_KIND[ClaimKind.DEMANDE_REMBOURSEMENT],
        # A tax refund is no supply: outside the scope of VAT (category O).
        tva_regime=TvaRegime.SANS_TVA,
        exemption_reason="Remboursement d'impôt, hors champ de la TVA",
        bank_account=data.bank_account,
        comment=_tic_comment(data),
    )


def claim_check(
    *,
    user: Any,
    supplier: Structure,
    kind: str,
    saisie: Saisie,
    attachments: list[Upload],
    attachments_required: bool = False,
) -> Pivot:
    """Every check of a request before its deposit; returns its pivot, or raises ClaimRefused
    with all the problems found. Integration runs the invoices' checks again on the flux."""
    singular, plural = KIND_WORDS[kind]
    problems: list[ClaimProblem] = []
    if not perms.can_deposit(user, supplier, kind):
        raise ClaimRefused(
            [
                ClaimProblem(
                    f"Vous ne pouvez pas déposer de {plural} pour {supplier.raison_sociale} : il "
                    f"faut l'espace « {ESPACE_LABEL[kind]} » et l'espace « Factures émises » en "
                    "modification sur cette structure.",
                    "structure",
                )
            ]
        )
    recipient = saisie.recipient
    refused = recipient_problem(recipient, kind)
    if refused is not None:
        problems.append(ClaimProblem(refused.message, "recipient"))
    else:
        outcome = check_recipient_data(
            recipient_ids=[recipient.identifier],
            service_code=saisie.service_code,
            engagement=saisie.engagement_number,
            issue_date=saisie.issue_date,
            supplier=supplier,
        )
        for problem in outcome.problems:
            prefix = problem.rule_id.split("-")[1] if "-" in problem.rule_id else ""
            problems.append(ClaimProblem(problem.message, FIELD_OF_RULE.get(prefix)))
    if saisie.bank_account is None or saisie.bank_account.structure_id != supplier.pk:
        problems.append(
            ClaimProblem(
                "Choisissez les coordonnées bancaires de la structure déposante : le paiement "
                f"d'un {singular} se fait par virement.",
                "bank_account",
            )
        )
    if attachments_required and not attachments:
        problems.append(ClaimProblem("Joignez au moins une pièce justificative.", "attachments"))
    problems += [
        ClaimProblem(f"{p.message} ({p.location})", "attachments")
        for p in attachment_problems([(u.name, len(u.data)) for u in attachments])
    ]
    try:
        pivot = build_pivot(supplier=supplier, saisie=saisie)
    except (ArithmeticError, ValueError) as exc:
        raise ClaimRefused(problems + [ClaimProblem(f"Montants illisibles : {exc}.")]) from exc
    problems += [ClaimProblem(p.message) for p in check_amounts(pivot)]
    if pivot.totals.payable_amount <= 0:
        problems.append(ClaimProblem(f"Le montant à payer du {singular} doit être positif."))
    if Invoice.objects.filter(
        supplier=supplier, number=saisie.number, issue_year=saisie.issue_date.year
    ).exists():
        problems.append(
            ClaimProblem(
                f"Une demande de paiement n° {saisie.number} de cette structure existe déjà pour "
                f"{saisie.issue_date.year} : choisissez un autre numéro.",
                "number",
            )
        )
    else:
        problems += [
            ClaimProblem(p.message, "number") for p in check_unicity(pivot, supplier=supplier)
        ]
    if problems:
        raise ClaimRefused(problems)
    return pivot


def recipient_problem(recipient: Structure, kind: str) -> Problem | None:
    """Whether `recipient` receives requests of `kind` (a public, active structure flagged
    for it): the one check of every way in, the forms (`claim_check`) and an A3/A21 invoice
    sent through the API or a flux file (`routing_problems`, from the invoices' routing)."""
    if recipient.is_public and recipient.is_active and getattr(recipient, RECIPIENT_FLAG[kind]):
        return None
    return Problem(
        "CHOEUR-DEST-06",
        f"La structure {recipient.identifier} ({recipient.raison_sociale}) ne reçoit pas de "
        f"{KIND_WORDS[kind][1]} : choisissez un destinataire qui en reçoit "
        f"({RECIPIENT_HINT[kind]}).",
        "Acheteur",
        "BT-47",
    )


def routing_problems(*, routing: Routing) -> list[Problem]:
    """What an A3 or A21 invoice needs beyond every invoice's checks: a recipient flagged for
    its kind. Called by the invoices' routing checks (`check_routing`), for every way in."""
    kind = KIND_OF_CADRE.get(routing.cadre)
    if kind is None:
        return []
    problem = recipient_problem(routing.recipient, kind)
    return [problem] if problem is not None else []


def campaign_of(pivot: Pivot) -> int:
    """The campaign (year of consumption) of a TIC refund sent as an invoice: the year its
    invoicing period (BG-14) ends in, otherwise the year before its date (the last closed
    campaign, as the form offers)."""
    period = pivot.invoicing_period
    if period is not None and (period.end or period.start) is not None:
        day = period.end or period.start
        assert day is not None
        return day.year
    return pivot.issue_date.year - 1


def claim_for_invoice(*, invoice: Invoice, pivot: Pivot) -> Claim | None:
    """The Claim of an A3 or A21 invoice, at its integration (in its transaction): the one a
    saisie made for its flux, now linked to the invoice, or one filled from what the invoice
    carries when it came through the API or a flux file. One per invoice, whatever the runs of
    the integration (None for any other cadre)."""
    kind = KIND_OF_CADRE.get(invoice.cadre)
    if kind is None:
        return None
    existing = Claim.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    if invoice.flux_position == 0:
        saisie = (
            Claim.objects.select_for_update()
            .filter(flux_id=invoice.flux_id, invoice__isnull=True, kind=kind)
            .first()
        )
        if saisie is not None:  # deposited by the form: its Claim has everything
            saisie.invoice = invoice
            saisie.save(update_fields=["invoice"])
            return saisie
    fields: dict[str, Any] = {}
    if kind == ClaimKind.DEMANDE_REMBOURSEMENT:
        fields = {"exploitation_name": pivot.seller.name[:255], "campaign_year": campaign_of(pivot)}
    # A mémoire's procedure number, réquisition, prescripteur and mission have no place of
    # their own in an EN 16931 invoice (the reference material names none): left empty.
    depositor = invoice.flux.depositor
    claim = Claim.objects.create(
        kind=kind,
        flux_id=invoice.flux_id,
        invoice=invoice,
        supplier_id=invoice.supplier_id,
        recipient_id=invoice.recipient_id,
        number=invoice.number,
        created_by=depositor,
        **fields,
    )
    audit_log_write(
        actor=depositor,
        action="claim.deposit",
        obj=claim,
        after={
            "kind": kind,
            "number": claim.number,
            "flux": invoice.flux.numero,
            "recipient": invoice.recipient.identifier,
            "amount": str(invoice.amount_due),
        },
    )
    return claim


RECIPIENT_HINT: dict[str, str] = {
    ClaimKind.MEMOIRE_JUSTICE: "une juridiction",
    ClaimKind.DEMANDE_REMBOURSEMENT: "le service qui rembourse la TIC aux exploitants",
}
ESPACE_LABEL: dict[str, str] = {
    ClaimKind.MEMOIRE_JUSTICE: "Mémoires de frais de justice",
    ClaimKind.DEMANDE_REMBOURSEMENT: "Demandes de remboursement TIC",
}


def _deposit(
    *,
    user: Any,
    supplier: Structure,
    kind: str,
    saisie: Saisie,
    pivot: Pivot,
    attachments: list[Upload],
    idempotency_key: str,
    fields: dict[str, Any],
    refund: list[RefundLine] | None = None,
) -> Claim:
    try:
        document = einvoice.write_facturx(pivot)
    except EInvoiceError as exc:
        raise ClaimRefused(
            [ClaimProblem(f"La demande n'a pas pu être produite : {exc.message_fr}")]
        ) from exc
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in saisie.number)[:80]
    with transaction.atomic():
        try:
            flux = flux_deposit(
                user=user,
                supplier=supplier,
                upload=Upload(f"{name or 'demande'}.pdf", document, "application/pdf"),
                mode_depot=ModeDepot.SAISIE_WEB,
                comment=saisie.comment,
                attachments=attachments,
                idempotency_key=idempotency_key,
            )
        except DepositRefused as exc:
            raise ClaimRefused([ClaimProblem(exc.message)]) from exc
        existing = Claim.objects.filter(flux=flux).first()
        if existing is not None:  # a retried submission (same Idempotency key): the first one
            return existing
        claim = Claim.objects.create(
            kind=kind,
            flux=flux,
            supplier=supplier,
            recipient=saisie.recipient,
            number=saisie.number,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            **fields,
        )
        made = Invoice.objects.filter(flux=flux, flux_position=0).first()
        if made is not None and not Claim.objects.filter(invoice=made).exists():
            claim.invoice = made  # integrated before this row existed
            claim.save(update_fields=["invoice"])
        for line in refund or []:
            TicQuantity.objects.create(
                claim=claim,
                product=line.product,
                quantity=line.quantity,
                unit=line.unit_label,
                rate=line.rate,
                rate_unit=line.rate_unit,
                amount=line.amount,
            )
        audit_log_write(
            actor=user,
            action="claim.deposit",
            obj=claim,
            after={
                "kind": kind,
                "number": claim.number,
                "flux": flux.numero,
                "recipient": saisie.recipient.identifier,
                "amount": str(pivot.totals.payable_amount),
            },
        )
    return claim


def _retried(user: Any, key: str) -> Claim | None:
    """The request a retried submission (same depositor, same key) already made: answered as
    the first time, before any check (its number now exists)."""
    if not key or not getattr(user, "is_authenticated", False):
        return None
    return Claim.objects.filter(flux__depositor=user, flux__idempotency_key=key.strip()).first()


def memoire_deposit(
    *,
    user: Any,
    supplier: Structure,
    data: MemoireInput,
    attachments: list[Upload] | None = None,
    idempotency_key: str = "",
) -> Claim:
    """Deposit a mémoire de frais de justice (cadre A3) to a juridiction."""
    kind = ClaimKind.MEMOIRE_JUSTICE
    retried = _retried(user, idempotency_key)
    if retried is not None:
        return retried
    uploads = attachments or []
    problems: list[ClaimProblem] = []
    if data.requisition_date > data.issue_date:
        problems.append(
            ClaimProblem(
                "La date de la réquisition ne peut pas suivre celle du mémoire.", "requisition_date"
            )
        )
    if not (data.procedure_number or data.requisition_reference):
        problems.append(
            ClaimProblem(
                "Indiquez le numéro de procédure ou la référence de la réquisition.",
                "procedure_number",
            )
        )
    saisie = memoire_saisie(data)
    try:
        pivot = claim_check(
            user=user, supplier=supplier, kind=kind, saisie=saisie, attachments=uploads
        )
    except ClaimRefused as refused:
        raise ClaimRefused(problems + refused.problems) from None
    if problems:
        raise ClaimRefused(problems)
    return _deposit(
        user=user,
        supplier=supplier,
        kind=kind,
        saisie=saisie,
        pivot=pivot,
        attachments=uploads,
        idempotency_key=idempotency_key,
        fields={
            "procedure_number": data.procedure_number,
            "requisition_reference": data.requisition_reference,
            "requisition_date": data.requisition_date,
            "prescripteur": data.prescripteur,
            "mission_nature": data.mission_nature,
            "mission_description": data.mission_description,
        },
    )


def tic_deposit(
    *,
    user: Any,
    supplier: Structure,
    data: TicInput,
    attachments: list[Upload] | None = None,
    idempotency_key: str = "",
    today: dt.date | None = None,
) -> Claim:
    """Deposit a demande de remboursement TIC (cadre A21): one per exploitation and campaign
    while the previous one is not rejected; the campaign is a past year of the rate table."""
    kind = ClaimKind.DEMANDE_REMBOURSEMENT
    retried = _retried(user, idempotency_key)
    if retried is not None:
        return retried
    uploads = attachments or []
    today = today or timezone.localdate()
    problems: list[ClaimProblem] = []
    if data.campaign_year >= today.year:
        problems.append(
            ClaimProblem(
                f"La campagne {data.campaign_year} n'est pas close : le remboursement se demande "
                "pour les consommations d'une année écoulée.",
                "campaign_year",
            )
        )
    if not any((q or 0) > 0 for q in data.quantities.values()):
        problems.append(
            ClaimProblem("Indiquez la quantité consommée d'au moins un produit.", "quantities")
        )
    pending = (
        Claim.objects.filter(supplier=supplier, kind=kind, campaign_year=data.campaign_year)
        .exclude(flux__invoices__status=InvoiceStatus.REJETEE)
        .exclude(flux__status="IN_REJETE")
        .first()
    )
    if pending is not None:
        problems.append(
            ClaimProblem(
                f"Une demande de remboursement pour la campagne {data.campaign_year} a déjà été "
                f"déposée pour cette exploitation (n° {pending.number}) : une seule demande par "
                "campagne, sauf si elle a été rejetée.",
                "campaign_year",
            )
        )
    if problems:
        raise ClaimRefused(problems)
    refund = tic_refund(data.campaign_year, data.quantities)
    saisie = tic_saisie(supplier, data, refund)
    pivot = claim_check(
        user=user,
        supplier=supplier,
        kind=kind,
        saisie=saisie,
        attachments=uploads,
        attachments_required=True,
    )
    return _deposit(
        user=user,
        supplier=supplier,
        kind=kind,
        saisie=saisie,
        pivot=pivot,
        attachments=uploads,
        idempotency_key=idempotency_key,
        fields={
            "exploitation_name": data.exploitation_name,
            "pacage_number": data.pacage_number,
            "campaign_year": data.campaign_year,
        },
        refund=refund,
    )
