"""`flux_integrate`: the integration task's body, a state machine on the Flux row
(IN_RECU -> IN_EN_COURS_TRAITEMENT_CPP -> IN_INTEGRE | IN_INTEGRE_PARTIEL | IN_REJETE).

Each document of the flux is validated (EN 16931), read, checked against the platform's rules,
then becomes an invoice DEPOSEE and at once MISE_A_DISPOSITION of its recipient. Every step is
idempotent: an invoice is keyed on (flux, position), so a second run (a retried task, the
sweeper) picks up where the first stopped and never makes a second invoice. Validation fails
closed: when an engine cannot run the flux waits (IN_EN_ATTENTE_RETRAITEMENT_CPP) and is retried;
after the last attempt its documents are rejected with that reason, never accepted unchecked.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

import choeur.einvoice as einvoice
from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.core.models import StoredFile
from choeur.einvoice.errors import EInvoiceError
from choeur.einvoice.model import Invoice as Pivot
from choeur.einvoice.validation.report import EngineError
from choeur.invoices.enums import (
    FLUX_FINAL_STATUSES,
    SYNTAXE_BY_DETECTED,
    AttachmentKind,
    FluxStatus,
    InvoiceStatus,
    InvoiceType,
    ItemOutcome,
    TvaRegime,
)
from choeur.invoices.models import Attachment, Flux, Invoice, InvoiceLine
from choeur.invoices.services.archive import ArchiveError, Member, unpack
from choeur.invoices.services.checks import (
    Routing,
    check_amounts,
    check_attachments,
    check_embedded_invoice,
    check_routing,
    check_unicity,
)
from choeur.invoices.services.rules import Problem
from choeur.invoices.services.status import history_start
from choeur.notifications.webhooks import webhooks_flux_finished

logger = logging.getLogger(__name__)

EMBEDDED_XML_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
AVOIR_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})
HEARTBEAT_EVERY = 25  # documents between two "still working" stamps (the sweeper looks at them)


def max_attempts() -> int:
    return int(getattr(settings, "INVOICES_INTEGRATION_MAX_ATTEMPTS", 5))


def validation_profile() -> str | None:
    return getattr(settings, "INVOICES_VALIDATION_PROFILE", None) or None


class EngineUnavailable(Exception):
    """A validation engine could not run: the document cannot be judged now."""


@dataclass
class Item:
    position: int
    file: str
    number: str = ""
    outcome: str = ItemOutcome.REJETEE
    invoice_id: int | None = None
    errors: list[dict[str, Any]] | None = None
    warnings: list[dict[str, Any]] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "file": self.file,
            "number": self.number,
            "outcome": str(self.outcome),
            "invoice_id": self.invoice_id,
            "errors": self.errors or [],
            "warnings": self.warnings or [],
        }


def flux_integrate(*, flux_id: int) -> Flux | None:
    """Integrate one flux (the task's body). Safe to run again on the same flux at any time."""
    with transaction.atomic():
        flux = Flux.objects.select_for_update().filter(pk=flux_id).first()
        if flux is None or flux.status in FLUX_FINAL_STATUSES:
            return flux
        before = flux.status
        flux.status = FluxStatus.IN_EN_COURS_TRAITEMENT_CPP
        flux.status_changed_at = timezone.now()
        flux.attempts += 1
        flux.save(update_fields=["status", "status_changed_at", "attempts"])
        audit_log_write(
            actor=None,
            action="flux.status",
            obj=flux,
            before={"status": before},
            after={"status": flux.status, "attempt": flux.attempts},
        )
    last_attempt = flux.attempts >= max_attempts()
    try:
        members = _documents(flux)
    except ArchiveError as exc:
        return _finish(flux, items=[], errors=[Problem(exc.rule_id, exc.message, flux.filename)])
    except EInvoiceError as exc:
        return _finish(
            flux, items=[], errors=[Problem("CHOEUR-FLUX-01", exc.message_fr, flux.filename)]
        )
    items: list[Item] = []
    for position, member in enumerate(members):
        if position and position % HEARTBEAT_EVERY == 0:
            Flux.objects.filter(pk=flux.pk).update(status_changed_at=timezone.now())
        try:
            items.append(_integrate_one(flux, position, member))
        except EngineUnavailable as exc:
            if not last_attempt:
                return _wait(flux, str(exc))
            items.append(
                Item(
                    position,
                    member.name,
                    errors=[
                        Problem(
                            "CHOEUR-MOTEUR-01",
                            "La facture n'a pas pu être contrôlée : le moteur de validation est "
                            f"indisponible ({exc}). Elle n'est pas acceptée sans contrôle ; "
                            "déposez-la de nouveau plus tard.",
                            member.name,
                        ).as_dict()
                    ],
                )
            )
    return _finish(flux, items=items, errors=[])


def _documents(flux: Flux) -> list[Member]:
    if flux.form_data_id is not None:
        # A PDF deposit: the typed data is the document; the PDF is its main document.
        return [Member(flux.filename, _read(flux.form_data))]
    return unpack(_read(flux.original), flux.filename)


def _read(stored: StoredFile | None) -> bytes:
    assert stored is not None
    return stored.read()


def _integrate_one(flux: Flux, position: int, member: Member) -> Item:
    existing = Invoice.objects.filter(flux=flux, flux_position=position).first()
    if existing is not None:
        return _item_integrated(position, member.name, existing)
    problems: list[Problem] = []
    warnings: list[dict[str, Any]] = []
    try:
        report = einvoice.validate(member.data, profile=validation_profile())
    except EngineError as exc:
        raise EngineUnavailable(str(exc)) from exc
    except EInvoiceError as exc:
        report = None
        problems.append(Problem("CHOEUR-LECTURE-01", exc.message_fr, member.name))
    except Exception as exc:  # an engine bug must not accept nor lose the flux: retry later
        logger.exception("validation crashed on flux %s position %s", flux.numero, position)
        raise EngineUnavailable(type(exc).__name__) from exc
    detected = report.syntax if report is not None else None
    if report is not None:
        for finding in report.errors:
            problems.append(
                Problem(finding.rule_id, finding.message_fr, finding.location, finding.bt or "")
            )
        warnings = [
            Problem(f.rule_id, f.message_fr, f.location, f.bt or "", "warning").as_dict()
            for f in report.warnings
        ]
    declared = flux.declared_syntax
    if declared and detected and SYNTAXE_BY_DETECTED.get(detected) != declared:
        problems.insert(
            0,
            Problem(
                "CHOEUR-SYNTAXE-01",
                f"La syntaxe déclarée ({declared}) ne correspond pas au fichier, qui est "
                f"{_syntax_label(detected)}.",
                member.name,
            ),
        )
    pivot: Pivot | None = None
    try:
        pivot = einvoice.read(member.data)
    except EInvoiceError as exc:
        if not problems:
            problems.append(Problem("CHOEUR-LECTURE-01", exc.message_fr, member.name))
    except Exception as exc:  # a reader bug: retry later rather than reject a good invoice
        logger.exception("reader crashed on flux %s position %s", flux.numero, position)
        if not problems:
            raise EngineUnavailable(type(exc).__name__) from exc
    number = pivot.number if pivot is not None else ""
    if problems or pivot is None:
        return _item_rejected(position, member.name, number, problems, warnings)
    problems += check_amounts(pivot)
    extra = list(flux.attachments.values_list("name", "file__size")) if position == 0 else []
    problems += check_attachments(pivot, extra, main_size=len(member.data))
    outcome = check_routing(pivot=pivot, flux_supplier=flux.supplier, depositor=flux.depositor)
    problems += outcome.problems
    if outcome.routing is not None:  # the reform's unicity key (checks.check_unicity)
        problems += check_unicity(pivot, supplier=outcome.routing.supplier)
    if flux.form_data_id is not None:
        # A PDF deposit: the PDF the buyer receives may carry an invoice of its own.
        problems += check_embedded_invoice(
            pdf=_read(flux.original), supplier=flux.supplier, depositor=flux.depositor
        )
    if problems or outcome.routing is None:
        return _item_rejected(position, member.name, number, problems, warnings)
    duplicate = _duplicate(outcome.routing, pivot)
    if duplicate is not None:
        return _item_rejected(position, member.name, number, [duplicate], warnings)
    try:
        invoice = _create_invoice(flux, position, member, pivot, outcome.routing, detected)
    except IntegrityError:
        again = Invoice.objects.filter(flux=flux, flux_position=position).first()
        if again is not None:  # a concurrent run integrated it first
            return _item_integrated(position, member.name, again)
        dup = _duplicate(outcome.routing, pivot) or _duplicate_problem(pivot.number, rejected=False)
        return _item_rejected(position, member.name, number, [dup], warnings)
    item = _item_integrated(position, member.name, invoice)
    item.warnings = warnings
    return item


def _syntax_label(detected: str) -> str:
    return {"ubl": "une facture UBL", "cii": "une facture CII", "facturx": "un PDF Factur-X"}.get(
        detected, detected
    )


def _duplicate(routing: Routing, pivot: Pivot) -> Problem | None:
    found = (
        Invoice.objects.filter(
            supplier=routing.supplier, number=pivot.number, issue_year=pivot.issue_date.year
        )
        .values_list("status", flat=True)
        .first()
    )
    if found is None:
        return None
    return _duplicate_problem(pivot.number, rejected=found == InvoiceStatus.REJETEE)


def _duplicate_problem(number: str, *, rejected: bool) -> Problem:
    if rejected:
        message = (
            f"La facture n° {number} a été rejetée : son numéro ne peut pas être réutilisé. "
            "Émettez une nouvelle facture sous un nouveau numéro."
        )
    else:
        message = (
            f"Doublon : une facture n° {number} de ce fournisseur existe déjà pour la même année."
        )
    return Problem("CHOEUR-DOUBLON-01", message, "Numéro de facture", "BT-1")


def _item_rejected(
    position: int, name: str, number: str, problems: list[Problem], warnings: list[dict[str, Any]]
) -> Item:
    return Item(
        position,
        name,
        number=number,
        outcome=ItemOutcome.REJETEE,
        errors=[p.as_dict() for p in problems],
        warnings=warnings,
    )


def _item_integrated(position: int, name: str, invoice: Invoice) -> Item:
    return Item(
        position, name, number=invoice.number, outcome=ItemOutcome.INTEGREE, invoice_id=invoice.pk
    )


def invoice_type_of(type_code: str) -> str:
    if type_code in AVOIR_CODES:
        return InvoiceType.AVOIR
    if type_code == "386":
        return InvoiceType.ACOMPTE
    return InvoiceType.FACTURE


def tva_regime_of(pivot: Pivot) -> str:
    categories = {row.category.value for row in pivot.vat_breakdown}
    if categories and categories <= {"E"}:
        return TvaRegime.EXONERATION
    if categories and categories <= {"O"}:
        return TvaRegime.SANS_TVA
    code = pivot.tax_point_date_code.value if pivot.tax_point_date_code else ""
    if code in {"432", "72"}:
        return TvaRegime.TVA_SUR_ENCAISSEMENT
    return TvaRegime.TVA_SUR_DEBIT


def _bank_account(pivot: Pivot) -> str:
    instructions = pivot.payment_instructions
    if instructions is None or not instructions.credit_transfers:
        return ""
    account = instructions.credit_transfers[0].account_id.replace(" ", "")
    return f"{account[:4]} **** {account[-4:]}" if len(account) > 8 else account


def _embedded_xml(data: bytes) -> bytes | None:
    from choeur.einvoice.security import pdf_embedded_files

    try:
        files, _xmp = pdf_embedded_files(data, names=EMBEDDED_XML_NAMES)
    except EInvoiceError:
        return None
    return files[0].content if files else None


def _create_invoice(
    flux: Flux, position: int, member: Member, pivot: Pivot, routing: Routing, detected: str | None
) -> Invoice:
    user = flux.depositor
    if flux.form_data_id is not None:  # PDF deposit: the PDF is the main document
        main: StoredFile | None = flux.original
        xml: StoredFile | None = flux.form_data
        fingerprint = flux.original.sha256
    elif detected == "facturx":
        main = flux.original if flux.original.size == len(member.data) and position == 0 else None
        if main is None:
            main = stored_file_create(
                data=member.data, name=member.name, content_type="application/pdf", user=user
            )
        embedded = _embedded_xml(member.data)
        xml = (
            stored_file_create(
                data=embedded, name="factur-x.xml", content_type="application/xml", user=user
            )
            if embedded
            else None
        )
        fingerprint = main.sha256
    else:
        main = None  # E1: a readable PDF is rendered from the XML when first asked for
        if flux.original.size == len(member.data) and position == 0:
            xml = flux.original
        else:
            xml = stored_file_create(
                data=member.data, name=member.name, content_type="application/xml", user=user
            )
        fingerprint = xml.sha256
    totals = pivot.totals
    zero = Decimal("0.00")
    with transaction.atomic():
        invoice = Invoice.objects.create(
            flux=flux,
            flux_position=position,
            mode_depot=flux.mode_depot,
            syntax=SYNTAXE_BY_DETECTED.get(detected or "", ""),
            supplier=routing.supplier,
            recipient=routing.recipient,
            service=routing.service,
            engagement_number=routing.engagement_number,
            cadre=routing.cadre,
            type=invoice_type_of(pivot.type_code.value),
            type_code=pivot.type_code.value[:3],
            number=pivot.number[:100],
            issue_date=pivot.issue_date,
            issue_year=pivot.issue_date.year,
            due_date=pivot.due_date,
            currency=pivot.currency_code[:3],
            tva_regime=tva_regime_of(pivot),
            total_ht=totals.tax_exclusive_amount,
            total_tva=totals.vat_total_amount if totals.vat_total_amount is not None else zero,
            total_ttc=totals.tax_inclusive_amount,
            amount_due=totals.payable_amount,
            vat_breakdown=[
                {
                    "category": row.category.value,
                    "rate": None if row.rate is None else str(row.rate),
                    "base": str(row.taxable_amount),
                    "tax": str(row.tax_amount),
                }
                for row in pivot.vat_breakdown
            ],
            seller_name=pivot.seller.name[:255],
            buyer_name=pivot.buyer.name[:255],
            bank_account=_bank_account(pivot),
            comment=flux.comment,
            status=InvoiceStatus.DEPOSEE,
            main_document=main,
            xml=xml,
            fingerprint=fingerprint,
            deposited_by=user,
        )
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    position=index,
                    line_id=line.id[:100],
                    designation=line.item.name[:500],
                    reference=(line.item.seller_id or "")[:100],
                    quantity=line.quantity,
                    unit=line.unit_code[:10],
                    unit_price=line.price.net_price,
                    discount=sum((a.amount for a in line.allowances), zero),
                    vat_category=line.vat_category.value[:5],
                    vat_rate=line.vat_rate,
                    net_amount=line.net_amount,
                )
                for index, line in enumerate(pivot.lines)
            ]
        )
        for doc in pivot.additional_documents:
            if doc.attachment is None:
                continue
            name = doc.attachment.filename or doc.reference
            Attachment.objects.create(
                invoice=invoice,
                name=name[:255],
                file=stored_file_create(
                    data=doc.attachment.content,
                    name=name,
                    content_type=doc.attachment.mime_code,
                    user=user,
                ),
                added_by=user,
                added_on_status=InvoiceStatus.DEPOSEE,
            )
        if position == 0:
            flux.attachments.filter(invoice__isnull=True).update(
                invoice=invoice, added_on_status=InvoiceStatus.DEPOSEE
            )
        if flux.form_data_id is not None:  # PDF deposit (portal or API): the PDF is the invoice
            Attachment.objects.get_or_create(
                invoice=invoice,
                kind=AttachmentKind.PRINCIPALE,
                defaults={"name": flux.filename, "file": flux.original, "added_by": user},
            )
        history_start(invoice=invoice, actor=user)
        audit_log_write(
            actor=user,
            action="invoice.deposit",
            obj=invoice,
            after={"number": invoice.number, "flux": flux.numero, "status": invoice.status},
        )
        # Routing: the recipient is known and accepting, the invoice is available to him at once.
        from choeur.invoices.services.validation_circuit import route_after_deposit

        route_after_deposit(invoice=invoice)  # MISE_A_DISPOSITION, or A9/A12 to their validator
    return invoice


def _wait(flux: Flux, reason: str) -> Flux:
    with transaction.atomic():
        locked = Flux.objects.select_for_update().get(pk=flux.pk)
        locked.status = FluxStatus.IN_EN_ATTENTE_RETRAITEMENT_CPP
        locked.status_changed_at = timezone.now()
        locked.report = {
            "errors": [
                Problem(
                    "CHOEUR-MOTEUR-01",
                    "Le contrôle des factures n'a pas pu s'exécuter (moteur de validation "
                    f"indisponible : {reason}). Le flux sera traité de nouveau automatiquement.",
                    flux.filename,
                    severity="info",
                ).as_dict()
            ],
            "items": [],
        }
        locked.save(update_fields=["status", "status_changed_at", "report"])
        audit_log_write(
            actor=None,
            action="flux.status",
            obj=locked,
            before={"status": FluxStatus.IN_EN_COURS_TRAITEMENT_CPP},
            after={"status": locked.status, "reason": reason},
        )
    return locked


def _finish(flux: Flux, *, items: list[Item], errors: list[Problem]) -> Flux:
    integrated = sum(1 for i in items if i.outcome == ItemOutcome.INTEGREE)
    if items and integrated == len(items) and not errors:
        status = FluxStatus.IN_INTEGRE
    elif integrated:
        status = FluxStatus.IN_INTEGRE_PARTIEL
    else:
        status = FluxStatus.IN_REJETE
    with transaction.atomic():
        locked = Flux.objects.select_for_update().get(pk=flux.pk)
        if locked.status in FLUX_FINAL_STATUSES:
            return locked  # a concurrent run finished first
        before = locked.status
        locked.status = status
        locked.status_changed_at = timezone.now()
        locked.report = {
            "errors": [e.as_dict() for e in errors],
            "items": [i.as_dict() for i in items],
            "integrated": integrated,
            "rejected": len(items) - integrated,
            "finished_at": timezone.now().isoformat(),
        }
        locked.save(update_fields=["status", "status_changed_at", "report"])
        audit_log_write(
            actor=None,
            action="flux.status",
            obj=locked,
            before={"status": before},
            after={"status": status, "integrated": integrated, "rejected": len(items) - integrated},
        )
        _notify(locked, integrated=integrated, total=len(items))
        webhooks_flux_finished(flux=locked)
    return locked


def _notify(flux: Flux, *, integrated: int, total: int) -> None:
    from choeur.notifications.enums import NotificationKind
    from choeur.notifications.services import email_queue, notify

    user = flux.depositor
    if user is not None and not user.is_technical:
        status = FluxStatus(flux.status).label
        notify(
            users=[user],
            kind=NotificationKind.FLUX,
            title=f"Flux {flux.numero} : {status}",
            body=f"{flux.filename} : {integrated} facture(s) intégrée(s), "
            f"{total - integrated} rejetée(s).",
            template="invoices/emails/flux_done",
            context={
                "numero": flux.numero,
                "filename": flux.filename,
                "status": status,
                "integrated": integrated,
                "rejected": total - integrated,
                "flux_path": f"/factures/flux/{flux.pk}/",
            },
            url=f"/factures/flux/{flux.pk}/",
        )
    # Reference C.9: the recipient entity gets an email when a supplier deposits.
    received: dict[str, int] = {}
    from choeur.invoices.services.validation_circuit import CIRCUIT_STATUSES  # A9/A12: not yet

    arrived = Invoice.objects.filter(flux=flux).exclude(status__in=CIRCUIT_STATUSES)
    for email in arrived.values_list("recipient__email", flat=True):
        if email:
            received[email] = received.get(email, 0) + 1
    for email, count in received.items():
        email_queue(
            to=email,
            subject=(
                f"{count} nouvelle facture reçue de {flux.supplier.raison_sociale}"
                if count == 1
                else f"{count} nouvelles factures reçues de {flux.supplier.raison_sociale}"
            ),
            template="invoices/emails/invoices_received",
            context={"count": count, "supplier": flux.supplier.raison_sociale},
        )


def flux_sweep(*, older_than: dt.timedelta | None = None) -> list[int]:
    """Queue again every flux stuck in a non-final state (a lost task, a killed worker)."""
    from choeur.invoices.services.deposit import queue_integration

    if older_than is None:
        older_than = dt.timedelta(
            seconds=int(getattr(settings, "INVOICES_SWEEP_AFTER_SECONDS", 120))
        )
    limit = timezone.now() - older_than
    stuck = list(
        Flux.objects.exclude(status__in=FLUX_FINAL_STATUSES)
        .filter(status_changed_at__lt=limit)
        .order_by("status_changed_at")[:500]
    )
    for flux in stuck:
        Flux.objects.filter(pk=flux.pk).update(status_changed_at=timezone.now())
        queue_integration(flux)
    return [f.pk for f in stuck]
