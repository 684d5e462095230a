"""Reads of received invoices, scoped to what the user may see. Others' invoices are not found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Attachment, Invoice, InvoiceStatusChange
from choeur.lifecycle import perms
from choeur.lifecycle.models import RecipientProcessing
from choeur.lifecycle.transitions import LABELS, PROCESSING_ORDER, Status
from choeur.structures.enums import AccessMode
from choeur.structures.models import Service, Structure

# The columns a list may be sorted by: URL value -> field.
SORTS: dict[str, str] = {
    "depot": "created_at",
    "numero": "number",
    "date": "issue_date",
    # The supplier's name as the invoice carries it (BT-27, shown in the list): one index
    # (recipient, seller_name, id) serves the page, where a join on the structures read them all.
    "fournisseur": "seller_name",
    "montant": "total_ttc",
    "statut": "status",
}
DEFAULT_SORT = "-depot"

# Statuses a recipient works on: the rest of the lifecycle (BROUILLON, DEPOSEE,
# EN_COURS_ACHEMINEMENT) has not reached him yet.
RECIPIENT_STATUSES: tuple[Status, ...] = (
    Status.MISE_A_DISPOSITION,
    Status.COMPLETEE,
    Status.SUSPENDUE,
    Status.A_RECYCLER,
    Status.REJETEE,
    *PROCESSING_ORDER[1:],
)
# Statuses in which the invoice still waits for its payment from the recipient.
WAITING_STATUSES: tuple[Status, ...] = (
    Status.MISE_A_DISPOSITION,
    Status.COMPLETEE,
    *PROCESSING_ORDER[1:-1],
)


def received_invoices(user: Any, *, mode: str = AccessMode.CONSULTATION) -> QuerySet[Invoice]:
    """Every invoice `user` may read (or, in Modification, process) as a recipient."""
    return Invoice.objects.filter(perms.received_scope(user, mode)).filter(
        status__in=[s.value for s in RECIPIENT_STATUSES]
    )


def invoice_get_for_recipient(*, user: Any, invoice_id: int) -> Invoice:
    """One received invoice, or 404 when it is not the user's to see."""
    invoice = (
        received_invoices(user)
        .select_related("supplier", "recipient", "service", "flux", "main_document", "xml")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


@dataclass(frozen=True)
class ReceivedFilters:
    """What the list page filters on (C.10 `rechercher/recipiendaire`)."""

    q: str = ""
    recipient: Structure | None = None
    supplier: str = ""
    service: Service | None = None
    statuses: tuple[str, ...] = ()
    deposited_from: dt.date | None = None
    deposited_to: dt.date | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    number: str = ""
    engagement: str = ""
    not_downloaded: bool = False
    overdue: bool = False  # waiting past the legal delay (the Synthèse's « hors délai »)
    # `periodeDateHeureEtatCourantDu/Au` (C.10): how integrations poll for changes.
    status_changed_from: dt.datetime | None = None
    status_changed_to: dt.datetime | None = None
    sort: str = DEFAULT_SORT


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def invoice_list_for_recipient(*, user: Any, filters: ReceivedFilters) -> QuerySet[Invoice]:
    """The « Factures reçues » list: the user's invoices, filtered and sorted."""
    found = (
        received_invoices(user)
        .select_related("supplier", "recipient", "service")
        .defer("vat_breakdown", "comment")
    )
    downloaded = RecipientProcessing.objects.filter(
        invoice=OuterRef("pk"), downloaded_at__isnull=False
    )
    found = found.annotate(is_downloaded=Exists(downloaded))
    if filters.q.strip():
        text = filters.q.strip()
        found = found.filter(
            Q(number__icontains=text)
            | Q(supplier__raison_sociale__icontains=text)
            | Q(supplier__identifier__icontains=text)
            | Q(engagement_number__icontains=text)
        )
    if filters.recipient is not None:
        found = found.filter(recipient=filters.recipient)
    if filters.supplier.strip():
        text = filters.supplier.strip()
        found = found.filter(
            Q(supplier__raison_sociale__icontains=text) | Q(supplier__identifier__icontains=text)
        )
    if filters.service is not None:
        found = found.filter(service=filters.service)
    if filters.statuses:
        found = found.filter(status__in=filters.statuses)
    if filters.deposited_from:
        found = found.filter(created_at__gte=_day_start(filters.deposited_from))
    if filters.deposited_to:
        found = found.filter(created_at__lt=_day_start(filters.deposited_to + dt.timedelta(days=1)))
    if filters.issued_from:
        found = found.filter(issue_date__gte=filters.issued_from)
    if filters.issued_to:
        found = found.filter(issue_date__lte=filters.issued_to)
    if filters.amount_min is not None:
        found = found.filter(total_ttc__gte=filters.amount_min)
    if filters.amount_max is not None:
        found = found.filter(total_ttc__lte=filters.amount_max)
    if filters.number.strip():
        found = found.filter(number__icontains=filters.number.strip())
    if filters.engagement.strip():
        found = found.filter(engagement_number__icontains=filters.engagement.strip())
    if filters.not_downloaded:
        found = found.filter(is_downloaded=False)
    if filters.overdue:
        found = found.filter(overdue_condition())
    if filters.status_changed_from:
        found = found.filter(status_changed_at__gte=filters.status_changed_from)
    if filters.status_changed_to:
        found = found.filter(status_changed_at__lte=filters.status_changed_to)
    return found.order_by(*_ordering(filters.sort))


def _ordering(sort: str) -> list[str]:
    descending = sort.startswith("-")
    field = SORTS.get(sort.lstrip("-"), SORTS["depot"])
    # Ties broken in the same direction, so that one index (recipient, key, id) serves the page.
    return [f"-{field}", "-pk"] if descending else [field, "pk"]


def services_visible_to(user: Any) -> QuerySet[Service]:
    """The services offered in the list's filter: those of the user's recipient structures."""
    return Service.objects.filter(structure__in=perms.recipient_structures(user)).order_by(
        "structure__raison_sociale", "code"
    )


def history_of(invoice: Invoice) -> list[InvoiceStatusChange]:
    """The status history, oldest first, with what lifecycle adds to each row."""
    return list(
        InvoiceStatusChange.objects.filter(invoice=invoice)
        .select_related("detail")
        .order_by("created_at", "pk")
    )


def attachments_of(invoice: Invoice) -> list[Attachment]:
    return list(Attachment.objects.filter(invoice=invoice).select_related("file"))


def attachment_get(*, invoice: Invoice, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.filter(invoice=invoice, pk=attachment_id).select_related("file").first()
    )
    if attachment is None:
        raise Http404
    return attachment


def processing_of(invoice: Invoice) -> RecipientProcessing | None:
    return RecipientProcessing.objects.filter(invoice=invoice).first()


def payment_delay_days() -> int:
    """The legal payment delay (30 days for the State; 50 for public hospitals), settable with
    the PAYMENT_DELAY_DAYS setting."""
    return int(getattr(settings, "PAYMENT_DELAY_DAYS", 30))


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    amount: Decimal


# The overdue invoices the Synthèse lists, oldest first; the rest are counted and summed, and
# reached through the list filtered on them (« Factures reçues », filter « hors délai »).
OVERDUE_LISTED = 50


@dataclass(frozen=True)
class Synthese:
    counts: list[StatusCount]
    total: int
    overdue: list[Invoice]  # the OVERDUE_LISTED oldest
    overdue_count: int
    overdue_amount: Decimal
    delay_days: int
    waiting: int


def overdue_condition(today: dt.date | None = None) -> Q:
    """Still waiting for its payment after the legal delay: deposited before the start of the day
    `payment_delay_days()` ago (the same rule as `is_overdue`, in SQL)."""
    today = today or timezone.localdate()
    limit = _day_start(today - dt.timedelta(days=payment_delay_days()))
    return Q(status__in=[s.value for s in WAITING_STATUSES], created_at__lt=limit)


def synthese_for_recipient(*, user: Any, today: dt.date | None = None) -> Synthese:
    """« Synthèse »: counts and amounts per status, and the invoices waiting longer than the
    legal delay. Aggregates in SQL; only the first OVERDUE_LISTED overdue invoices are read."""
    today = today or timezone.localdate()
    invoices = received_invoices(user)
    per_status = {
        row["status"]: row
        for row in invoices.values("status")
        .annotate(n=Count("pk"), amount=Sum("total_ttc"))
        .order_by()
    }
    counts = [
        StatusCount(
            s.value,
            LABELS[s],
            per_status[s.value]["n"] if s.value in per_status else 0,
            (per_status[s.value]["amount"] if s.value in per_status else None) or Decimal("0"),
        )
        for s in RECIPIENT_STATUSES
    ]
    overdue = invoices.filter(overdue_condition(today))
    totals = overdue.aggregate(n=Count("pk"), amount=Sum("total_ttc"))
    listed = list(
        overdue.select_related("supplier", "service")
        .only(
            "number",
            "status",
            "created_at",
            "total_ttc",
            "currency",
            "supplier__raison_sociale",
            "service__code",
        )
        .order_by("created_at", "pk")[:OVERDUE_LISTED]
    )
    return Synthese(
        counts=counts,
        total=sum(c.count for c in counts),
        overdue=listed,
        overdue_count=totals["n"],
        overdue_amount=totals["amount"] or Decimal("0"),
        delay_days=payment_delay_days(),
        waiting=sum(c.count for c in counts if c.status in {s.value for s in WAITING_STATUSES}),
    )


def days_waiting(invoice: Invoice, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return (today - timezone.localtime(invoice.created_at).date()).days


def is_overdue(invoice: Invoice, today: dt.date | None = None) -> bool:
    """Still waiting for its payment after the legal delay (highlighted in the pages)."""
    return (
        invoice.status in {s.value for s in WAITING_STATUSES}
        and days_waiting(invoice, today) > payment_delay_days()
    )


def status_label(value: str) -> str:
    try:
        return LABELS[Status(value)]
    except ValueError:
        return str(InvoiceStatus(value).label) if value in InvoiceStatus.values else value
