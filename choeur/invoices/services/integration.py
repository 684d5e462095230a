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
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

import choeur.einvoice as einvoice
from choeur.core.audit import audit_log_entry, audit_log_write
from choeur.core.files import stored_file_create, stored_files_create
from choeur.core.models import AuditLog, StoredFile
from choeur.core.tasks import send
from choeur.einvoice.errors import EInvoiceError
from choeur.einvoice.model import Invoice as Pivot
from choeur.einvoice.readers import read_tree
from choeur.einvoice.validation.report import EngineError
from choeur.invoices.enums import (
    FLUX_FINAL_STATUSES,
    SYNTAXE_BY_DETECTED,
    AttachmentKind,
    CadreFacturation,
    FluxStatus,
    InvoiceStatus,
    InvoiceType,
    ItemOutcome,
    TvaRegime,
)
from choeur.invoices.models import Attachment, Flux, Invoice, InvoiceLine, InvoiceStatusChange
from choeur.invoices.services.archive import ArchiveError, Member, unpack
from choeur.invoices.services.checks import (
    SIREN_RE,
    Outcome,
    Routing,
    check_amounts,
    check_attachments,
    check_embedded_invoice,
    check_routing,
    check_unicity,
    party_identifiers,
    seller_siren,
)
from choeur.invoices.services.rules import Problem
from choeur.invoices.services.status import history_start, status_change_entry
from choeur.notifications.webhooks import webhooks_flux_finished
from choeur.structures.models import Structure

logger = logging.getLogger(__name__)

EMBEDDED_XML_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
AVOIR_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})
# Cadres whose invoice goes to its recipient as soon as it is routed, with no circuit before it:
# integrated in bulk, straight to MISE_A_DISPOSITION. Every other cadre goes one by one through
# `route_after_deposit` (validator and works circuits): a cadre given a circuit leaves this set.
STRAIGHT_CADRES = frozenset(
    {
        CadreFacturation.A1_FACTURE_FOURNISSEUR.value,
        CadreFacturation.A2_FACTURE_FOURNISSEUR_DEJA_PAYEE.value,
    }
)


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


def sweep_after() -> dt.timedelta:
    """A run whose flux has not moved for this long is dead (INVOICES_SWEEP_AFTER_SECONDS)."""
    return dt.timedelta(seconds=int(getattr(settings, "INVOICES_SWEEP_AFTER_SECONDS", 120)))


def queued_lost_after() -> dt.timedelta:
    """A message queued this long ago and never started is lost
    (INVOICES_QUEUED_LOST_AFTER_SECONDS): longer than the longest backlog the workers clear."""
    return dt.timedelta(seconds=int(getattr(settings, "INVOICES_QUEUED_LOST_AFTER_SECONDS", 900)))


def flux_integrate(*, flux_id: int) -> Flux | None:
    """Integrate one flux (the task's body). Safe to run again on the same flux at any time: a
    message for a flux another run holds (a duplicate, a message the sweeper sent while the first
    still waited) does nothing."""
    with _run_lock(flux_id) as mine:
        if not mine:
            logger.info("flux %s is being integrated by another run: message ignored", flux_id)
            return Flux.objects.filter(pk=flux_id).first()
        return _integrate(flux_id)


# The flux this process is integrating (SQLite, or any database without advisory locks: tasks
# run in the web process's threads, one process).
_RUNNING: set[int] = set()
_RUNNING_LOCK = threading.Lock()


@contextmanager
def _run_lock(flux_id: int) -> Iterator[bool]:
    """Whether this run may take the flux, held until the run ends. PostgreSQL: a session
    advisory lock, which its session's end releases too (a worker killed, the database
    restarted), so the message given again then takes over at once. Elsewhere: the flux this
    process is running (a run ended by an error lets the next message in at once)."""
    if connection.vendor != "postgresql":
        with _RUNNING_LOCK:
            taken = flux_id not in _RUNNING
            _RUNNING.add(flux_id)
        try:
            yield taken
        finally:
            if taken:
                with _RUNNING_LOCK:
                    _RUNNING.discard(flux_id)
        return
    key = int.from_bytes(
        hashlib.sha256(f"flux-run:{flux_id}".encode()).digest()[:8], "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        if taken:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:  # the session is gone, and its lock with it
                logger.warning("flux %s: advisory lock not released (session lost)", flux_id)


def _integrate(flux_id: int) -> Flux | None:
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
    if flux.attempts > max_attempts():
        return _give_up(flux)
    last_attempt = flux.attempts >= max_attempts()
    try:
        members = _documents(flux)
    except ArchiveError as exc:
        return _finish(flux, items=[], errors=[Problem(exc.rule_id, exc.message, flux.filename)])
    except EInvoiceError as exc:
        return _finish(
            flux, items=[], errors=[Problem("CHOEUR-FLUX-01", exc.message_fr, flux.filename)]
        )
    run = FluxRun(flux)
    items: list[Item] = []
    size = chunk_size()
    for start in range(0, len(members), size):
        if start:  # "still working", for the sweeper
            Flux.objects.filter(pk=flux.pk).update(status_changed_at=timezone.now())
        chunk = members[start : start + size]
        try:
            if start + size < len(members):
                items += _integrate_chunk(run, start, chunk, last_attempt)
                continue
            # The last chunk and the flux's end in one transaction (a single-invoice flux: two
            # transactions, taken then written and finished): the chunk stays whole, and a
            # failure of the end rolls it back with it; the next run writes it again.
            with transaction.atomic():
                items += _integrate_chunk(run, start, chunk, last_attempt)
                return _finish(flux, items=items, errors=[])
        except EngineUnavailable as exc:
            return _wait(flux, str(exc))
    return _finish(flux, items=items, errors=[])


def _give_up(flux: Flux) -> Flux:
    """A flux whose every run was cut off (its worker killed, out of memory: with late
    acknowledgement the broker gives the task again each time) is not tried forever: the
    invoices made stay, the rest is rejected with the reason."""
    made = [
        _item_integrated(invoice.flux_position, "", invoice)
        for invoice in Invoice.objects.filter(flux=flux).order_by("flux_position")
    ]
    kept = "Les factures déjà intégrées le restent ; déposez" if made else "Déposez"
    problem = Problem(
        "CHOEUR-MOTEUR-02",
        f"Le traitement du flux a été interrompu {flux.attempts - 1} fois (arrêt du processus "
        f"qui l'intégrait) : il n'est pas repris une fois de plus. {kept} de nouveau les "
        "factures, en plusieurs fichiers plus petits si le flux est gros.",
        flux.filename,
    )
    return _finish(flux, items=made, errors=[problem])


def chunk_size() -> int:
    """Documents written per transaction (INVOICES_INTEGRATION_CHUNK, 100 by default)."""
    return max(1, int(getattr(settings, "INVOICES_INTEGRATION_CHUNK", 100)))


class FluxRun:
    """What one run of a flux reads once rather than per document: the invoices an earlier run
    already made (idempotence on (flux, position)), the routing of each distinct
    seller / buyer / service / engagement / date (the flux is judged against one state of the
    directory), and the (supplier, number, year) keys it integrated (duplicates inside it)."""

    def __init__(self, flux: Flux) -> None:
        self.flux = flux
        self.done: dict[int, tuple[int, str]] = {
            position: (pk, number)
            for position, pk, number in Invoice.objects.filter(flux=flux).values_list(
                "flux_position", "pk", "number"
            )
        }
        self.routes: dict[tuple[Any, ...], Outcome] = {}
        self.taken: set[tuple[int, str, int]] = set()
        self.sirens: dict[str, bool] = {}

    def route(self, pivot: Pivot) -> Outcome:
        """`check_routing`, remembered on every field of the invoice it reads (for the plain
        cadres: a works or validator circuit's checks read more, and are not remembered)."""
        code = (pivot.process_control.business_process_type or "").strip()
        cadre = CadreFacturation.from_code(code) if code else None
        if cadre is not None and cadre.value not in STRAIGHT_CADRES:
            return check_routing(
                pivot=pivot, flux_supplier=self.flux.supplier, depositor=self.flux.depositor
            )
        key = (
            tuple(party_identifiers(pivot.seller)),
            pivot.seller.name,
            tuple(party_identifiers(pivot.buyer)),
            pivot.buyer_reference or "",
            pivot.purchase_order_reference or "",
            pivot.issue_date,
            pivot.process_control.business_process_type or "",
        )
        outcome = self.routes.get(key)
        if outcome is None:
            outcome = check_routing(
                pivot=pivot, flux_supplier=self.flux.supplier, depositor=self.flux.depositor
            )
            self.routes[key] = outcome
        return Outcome(routing=outcome.routing, problems=list(outcome.problems))

    def siren_shared(self, pivot: Pivot, supplier: Structure) -> bool:
        """Whether another structure has the seller's SIREN: only then can `check_unicity`
        find anything (most suppliers have one établissement: one query per flux, not one
        per invoice)."""
        siren = seller_siren(pivot, supplier)
        shared = self.sirens.get(siren)
        if shared is None:
            shared = self.sirens[siren] = (
                not SIREN_RE.match(siren)
                or Structure.objects.filter(identifier__startswith=siren)
                .exclude(pk=supplier.pk)
                .exists()
            )
        return shared


@dataclass
class Prepared:
    """A document validated, read and routed: what its invoice is made of."""

    position: int
    member: Member
    pivot: Pivot
    routing: Routing
    detected: str | None
    warnings: list[dict[str, Any]]

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.routing.supplier.pk, self.pivot.number, self.pivot.issue_date.year)


def _integrate_chunk(
    run: FluxRun, start: int, members: list[Member], last_attempt: bool
) -> list[Item]:
    """Documents start.. of the flux: each checked on its own, then the accepted ones written
    together, in one transaction (all of the chunk's invoices or none of them)."""
    items: dict[int, Item] = {}
    ready: list[Prepared] = []
    for position, member in enumerate(members, start):
        done = run.done.get(position)
        if done is not None:  # made by an earlier run (a retried task, the sweeper)
            items[position] = Item(
                position,
                member.name,
                number=done[1],
                outcome=ItemOutcome.INTEGREE,
                invoice_id=done[0],
            )
            continue
        try:
            prepared = _prepare(run, position, member)
        except EngineUnavailable as exc:
            if not last_attempt:
                raise
            items[position] = Item(
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
            continue
        if isinstance(prepared, Item):
            items[position] = prepared
        else:
            ready.append(prepared)
    ready = _without_duplicates(run, ready, items)
    # A plain supplier invoice goes to its recipient at once: written in bulk. Any other cadre
    # may have a circuit first (`route_after_deposit`): one by one.
    straight = [p for p in ready if p.routing.cadre in STRAIGHT_CADRES]
    one_by_one = [p for p in ready if p.routing.cadre not in STRAIGHT_CADRES]
    if straight:
        try:
            with transaction.atomic():
                written = _write_chunk(run, straight)
        except IntegrityError:
            # A concurrent run of this flux, or the same number deposited meanwhile: each
            # document again on its own, which tells which one it was.
            one_by_one = straight + one_by_one
        else:
            for p, invoice in zip(straight, written, strict=True):
                items[p.position] = _item_integrated(p.position, p.member.name, invoice)
                items[p.position].warnings = p.warnings
    for p in sorted(one_by_one, key=lambda p: p.position):
        items[p.position] = _create_one(run, p)
    return [items[position] for position in sorted(items)]


def _without_duplicates(
    run: FluxRun, ready: list[Prepared], items: dict[int, Item]
) -> list[Prepared]:
    """Drop (as rejected items) the documents whose supplier + number + year exists already,
    in the database or earlier in this flux: one query for the whole chunk. The invoice of this
    very document, made by a concurrent run of the flux since this one looked, is taken as is."""
    if not ready:
        return ready
    keys = {p.key for p in ready}
    found = {
        (supplier, number, year): (status, flux_id, position, pk)
        for supplier, number, year, status, flux_id, position, pk in Invoice.objects.filter(
            supplier_id__in={k[0] for k in keys},
            number__in={k[1] for k in keys},
            issue_year__in={k[2] for k in keys},
        ).values_list(
            "supplier_id", "number", "issue_year", "status", "flux_id", "flux_position", "pk"
        )
        if (supplier, number, year) in keys
    }
    kept = []
    for p in ready:
        status, flux_id, position, pk = found.get(p.key, ("", None, None, None))
        if flux_id == run.flux.pk and position == p.position:
            items[p.position] = Item(
                p.position,
                p.member.name,
                number=p.pivot.number,
                outcome=ItemOutcome.INTEGREE,
                invoice_id=pk,
            )
            continue
        if p.key in found or p.key in run.taken:
            problem = _duplicate_problem(p.pivot.number, rejected=status == InvoiceStatus.REJETEE)
            items[p.position] = _item_rejected(
                p.position, p.member.name, p.pivot.number, [problem], p.warnings
            )
            continue
        run.taken.add(p.key)
        kept.append(p)
    return kept


def _documents(flux: Flux) -> list[Member]:
    if flux.form_data_id is not None:
        # A PDF deposit: the typed data is the document; the PDF is its main document.
        return [Member(flux.filename, _read(flux.form_data))]
    return unpack(_read(flux.original), flux.filename)


def _read(stored: StoredFile | None) -> bytes:
    assert stored is not None
    return stored.read()


def _prepare(run: FluxRun, position: int, member: Member) -> Prepared | Item:
    """Validate, read and check one document: what its invoice needs, or its rejection."""
    flux = run.flux
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
        if report is not None and report.pivot is not None:
            pivot = report.pivot  # read by the platform's rules, from the tree judged
        elif report is not None and report.tree is not None:
            # The tree validation judged is the one read: the document is parsed once.
            pdf = member.data if report.syntax == "facturx" else None
            pivot = read_tree(report.tree, pdf=pdf)
        else:
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
    outcome = run.route(pivot)
    problems += outcome.problems
    if outcome.routing is not None and run.siren_shared(pivot, outcome.routing.supplier):
        # the reform's unicity key (checks.check_unicity)
        problems += check_unicity(pivot, supplier=outcome.routing.supplier)
    if flux.form_data_id is not None:
        # A PDF deposit: the PDF the buyer receives may carry an invoice of its own.
        problems += check_embedded_invoice(
            pdf=_read(flux.original), supplier=flux.supplier, depositor=flux.depositor
        )
    if problems or outcome.routing is None:
        return _item_rejected(position, member.name, number, problems, warnings)
    return Prepared(position, member, pivot, outcome.routing, detected, warnings)


def _create_one(run: FluxRun, p: Prepared) -> Item:
    """One invoice in its own transaction, the post-routing step included."""
    flux = run.flux
    try:
        invoice = _create_invoice(flux, p.position, p.member, p.pivot, p.routing, p.detected)
    except IntegrityError:
        again = Invoice.objects.filter(flux=flux, flux_position=p.position).first()
        if again is not None:  # a concurrent run integrated it first
            return _item_integrated(p.position, p.member.name, again)
        # the same supplier's number, or the reform's key taken by another SIRET meanwhile
        dup = (
            _duplicate(p.routing, p.pivot)
            or next(iter(check_unicity(p.pivot, supplier=p.routing.supplier)), None)
            or _duplicate_problem(p.pivot.number, rejected=False)
        )
        return _item_rejected(p.position, p.member.name, p.pivot.number, [dup], p.warnings)
    item = _item_integrated(p.position, p.member.name, invoice)
    item.warnings = p.warnings
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


# Stored already (the deposit itself), bytes to store (data, name, content type), or nothing.
FileSpec = StoredFile | tuple[bytes, str, str] | None


def _files_of(
    flux: Flux, position: int, member: Member, detected: str | None
) -> tuple[FileSpec, FileSpec]:
    """The invoice's (main document, XML)."""
    whole = flux.original is not None and flux.original.size == len(member.data) and position == 0
    if flux.form_data_id is not None:  # PDF deposit: the PDF is the main document
        return flux.original, flux.form_data
    if detected == "facturx":
        main: FileSpec = flux.original if whole else (member.data, member.name, "application/pdf")
        embedded = _embedded_xml(member.data)
        return main, (embedded, "factur-x.xml", "application/xml") if embedded else None
    # E1: a readable PDF is rendered from the XML when first asked for (never here).
    return None, flux.original if whole else (member.data, member.name, "application/xml")


def _store(spec: FileSpec, user: Any) -> StoredFile | None:
    if isinstance(spec, tuple):
        data, name, content_type = spec
        return stored_file_create(data=data, name=name, content_type=content_type, user=user)
    return spec


def _invoice_row(
    flux: Flux,
    p: Prepared,
    main: StoredFile | None,
    xml: StoredFile | None,
    status: str,
) -> Invoice:
    pivot, routing = p.pivot, p.routing
    totals = pivot.totals
    zero = Decimal("0.00")
    fingerprint = main.sha256 if main is not None else xml.sha256 if xml is not None else ""
    return Invoice(
        flux=flux,
        flux_position=p.position,
        mode_depot=flux.mode_depot,
        syntax=SYNTAXE_BY_DETECTED.get(p.detected or "", ""),
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
        status=status,
        main_document=main,
        xml=xml,
        fingerprint=fingerprint,
        deposited_by=flux.depositor,
    )


def _lines(invoice: Invoice, pivot: Pivot) -> list[InvoiceLine]:
    zero = Decimal("0.00")
    return [
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


def _attachments(flux: Flux, invoice: Invoice, p: Prepared) -> None:
    """The files embedded in the invoice (BG-24), those deposited with the flux, and for a PDF
    deposit the PDF itself, attached to the new invoice."""
    user = flux.depositor
    for doc in p.pivot.additional_documents:
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
    if p.position == 0:
        flux.attachments.filter(invoice__isnull=True).update(
            invoice=invoice, added_on_status=InvoiceStatus.DEPOSEE
        )
    if flux.form_data_id is not None:  # PDF deposit (portal or API): the PDF is the invoice
        Attachment.objects.get_or_create(
            invoice=invoice,
            kind=AttachmentKind.PRINCIPALE,
            defaults={"name": flux.filename, "file": flux.original, "added_by": user},
        )


def _write_chunk(run: FluxRun, ready: list[Prepared]) -> list[Invoice]:
    """The chunk's invoices, straight MISE_A_DISPOSITION, in the caller's transaction: stored
    files, invoices, lines, both history rows and both audit rows of each, one INSERT per
    table (the history still says « (dépôt) → DEPOSEE → MISE_A_DISPOSITION »)."""
    flux = run.flux
    user = flux.depositor
    specs = [_files_of(flux, p.position, p.member, p.detected) for p in ready]
    to_store = [spec for pair in specs for spec in pair if isinstance(spec, tuple)]
    stored = iter(stored_files_create(to_store, user=user) if to_store else [])

    def resolve(spec: FileSpec) -> StoredFile | None:
        return next(stored) if isinstance(spec, tuple) else spec

    invoices = []
    for p, (main_spec, xml_spec) in zip(ready, specs, strict=True):
        main = resolve(main_spec)
        xml = resolve(xml_spec)
        invoices.append(_invoice_row(flux, p, main, xml, InvoiceStatus.MISE_A_DISPOSITION))
    Invoice.objects.bulk_create(invoices)
    InvoiceLine.objects.bulk_create(
        [
            line
            for p, invoice in zip(ready, invoices, strict=True)
            for line in _lines(invoice, p.pivot)
        ]
    )
    history = []
    audit = []
    for p, invoice in zip(ready, invoices, strict=True):
        _attachments(flux, invoice, p)
        history += [
            status_change_entry(
                invoice=invoice, from_status="", to_status=InvoiceStatus.DEPOSEE, actor=user
            ),
            status_change_entry(
                invoice=invoice,
                from_status=InvoiceStatus.DEPOSEE,
                to_status=InvoiceStatus.MISE_A_DISPOSITION,
                actor=None,
            ),
        ]
        audit += [
            audit_log_entry(
                actor=user,
                action="invoice.deposit",
                obj=invoice,
                after={"number": invoice.number, "flux": flux.numero, "status": "DEPOSEE"},
            ),
            audit_log_entry(
                actor=None,
                action="invoice.status",
                obj=invoice,
                before={"status": InvoiceStatus.DEPOSEE},
                after={"status": InvoiceStatus.MISE_A_DISPOSITION, "reason": ""},
            ),
        ]
    InvoiceStatusChange.objects.bulk_create(history)
    AuditLog.objects.bulk_create(audit)
    for p, invoice in zip(ready, invoices, strict=True):
        run.done[p.position] = (invoice.pk, invoice.number)
    return invoices


def _create_invoice(
    flux: Flux, position: int, member: Member, pivot: Pivot, routing: Routing, detected: str | None
) -> Invoice:
    user = flux.depositor
    p = Prepared(position, member, pivot, routing, detected, [])
    main_spec, xml_spec = _files_of(flux, position, member, detected)
    main = _store(main_spec, user)
    xml = _store(xml_spec, user)
    with transaction.atomic():
        invoice = _invoice_row(flux, p, main, xml, InvoiceStatus.DEPOSEE)
        invoice.save(force_insert=True)
        InvoiceLine.objects.bulk_create(_lines(invoice, pivot))
        _attachments(flux, invoice, p)
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
        # A mémoire (A3) or a TIC refund (A21): its Claim, for its espaces (one per invoice).
        from choeur.claims.services import claim_for_invoice

        claim_for_invoice(invoice=invoice, pivot=pivot)
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
    from choeur.notifications.services import notify

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
    # Reference C.9: the recipient entity gets an email when a supplier deposits: counted
    # here, in the flux's transaction, and sent as one email per address per window
    # (INVOICES_RECEIVED_DIGEST_SECONDS; 0: at once, rendered here).
    received: dict[str, int] = {}
    # An invoice held in a validator or works circuit (A9/A12, A4-A14...) is not the
    # recipient's yet: he hears of it when it reaches him (MISE_A_DISPOSITION, later).
    from choeur.lifecycle.transitions import HELD_FROM_RECIPIENT
    from choeur.notifications.services import invoices_received_record

    arrived = Invoice.objects.filter(flux=flux).exclude(
        status__in=[s.value for s in HELD_FROM_RECIPIENT]
    )
    for email in arrived.values_list("recipient__email", flat=True):
        if email:
            received[email] = received.get(email, 0) + 1
    invoices_received_record(supplier=flux.supplier.raison_sociale, counts=received)


def flux_sweep(
    *, older_than: dt.timedelta | None = None, lost_after: dt.timedelta | None = None
) -> list[int]:
    """Queue again every flux stuck in a non-final state whose message is not on its way:
    - never queued (`queued_at` None: the broker refused the message);
    - a run stalled (started or waiting to be retried, its state unchanged for `older_than`,
      INVOICES_SWEEP_AFTER_SECONDS) with no message sent since;
    - its last message sent longer ago than `lost_after` (INVOICES_QUEUED_LOST_AFTER_SECONDS)
      and nothing running: the message is lost.
    A message merely waiting in a broker backlog is left alone (no duplicate per sweep); a
    duplicate that still arrives is a no-op (`flux_integrate`)."""
    now = timezone.now()
    stalled = now - (older_than if older_than is not None else sweep_after())
    lost = now - (lost_after if lost_after is not None else queued_lost_after())
    runs = Q(
        status__in=[
            FluxStatus.IN_EN_COURS_TRAITEMENT_CPP,
            FluxStatus.IN_EN_ATTENTE_RETRAITEMENT_CPP,
        ]
    )
    idle = ~runs | Q(status_changed_at__lt=stalled)
    due = (
        Flux.objects.exclude(status__in=FLUX_FINAL_STATUSES)
        .filter(
            Q(queued_at__isnull=True)
            | (runs & Q(status_changed_at__lt=stalled, queued_at__lte=F("status_changed_at")))
            | (idle & Q(queued_at__lt=lost))
        )
        .order_by("status_changed_at")
    )
    stuck = list(due.values_list("pk", flat=True)[:500])
    for pk in stuck:
        stamp = timezone.now()
        Flux.objects.filter(pk=pk).update(queued_at=stamp)
        send("invoices.flux_integrate", pk, on_unsent=partial(_unqueued, pk, stamp))
    return stuck


def _unqueued(pk: int, stamp: dt.datetime) -> None:
    """The broker refused the sweeper's message: the flux is « never queued » again."""
    Flux.objects.filter(pk=pk, queued_at=stamp).update(queued_at=None)
