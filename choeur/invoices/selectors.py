"""Reads with rules: what a supplier's user sees of flux and invoices. Others' objects are not
found (404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from choeur.core.dates import last_months
from choeur.core.text import search_key
from choeur.invoices import perms
from choeur.invoices.enums import STATUSES_DUE, InvoiceStatus
from choeur.invoices.models import Attachment, Flux, Invoice, InvoiceDraft
from choeur.structures.enums import Espace
from choeur.structures.models import Service, Structure, StructureEspace

SORTS = {
    "depot": "-created_at",
    "-depot": "created_at",
    "date": "issue_date",
    "-date": "-issue_date",
    "numero": "number",
    "-numero": "-number",
    "montant": "total_ttc",
    "-montant": "-total_ttc",
    "statut": "status",
    "-statut": "-status",
    "destinataire": "recipient__raison_sociale",
    "-destinataire": "-recipient__raison_sociale",
}


@dataclass
class InvoiceFilters:
    status: str = ""
    recipient: str = ""  # SIRET (any part) or name
    number: str = ""
    flux: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    supplier_id: int | None = None
    sort: str = "depot"


def _structure_ids(user: Any) -> list[int]:
    return [s.pk for s in perms.readable_structures(user)]


def invoices_for_supplier(*, user: Any, filters: InvoiceFilters | None = None) -> QuerySet[Invoice]:
    """« Factures émises »: invoices of the structures the user reads, filtered and sorted."""
    f = filters or InvoiceFilters()
    found = (
        Invoice.objects.filter(supplier_id__in=_structure_ids(user))
        .select_related("recipient", "supplier", "service", "flux")
        # What no list reads: a flux's compte rendu lists every file of an archive.
        .defer("flux__report", "flux__comment", "vat_breakdown", "comment")
    )
    if f.supplier_id:
        found = found.filter(supplier_id=f.supplier_id)
    if f.status:
        found = found.filter(status=f.status)
    if f.recipient.strip():
        text = f.recipient.strip()
        found = found.filter(
            Q(recipient__identifier__contains=text.replace(" ", ""))
            | Q(recipient__raison_sociale__icontains=text)
        )
    if f.number.strip():
        found = found.filter(number__icontains=f.number.strip())
    if f.flux.strip():
        found = found.filter(flux__numero__icontains=f.flux.strip())
    if f.date_from:
        found = found.filter(issue_date__gte=f.date_from)
    if f.date_to:
        found = found.filter(issue_date__lte=f.date_to)
    if f.amount_min is not None:
        found = found.filter(total_ttc__gte=f.amount_min)
    if f.amount_max is not None:
        found = found.filter(total_ttc__lte=f.amount_max)
    order = SORTS.get(f.sort, "-created_at")
    # Ties broken in the same direction, so that one index (supplier, key, id) serves the page.
    return found.order_by(order, "-pk" if order.startswith("-") else "pk")


def invoice_get_for_supplier(*, user: Any, invoice_id: int) -> Invoice:
    invoice = (
        Invoice.objects.select_related(
            "recipient", "supplier", "service", "flux", "main_document", "xml", "rendered_pdf"
        )
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None or not perms.can_view_sent(user, invoice.supplier):
        raise Http404
    return invoice


def invoice_attachment_get(*, invoice: Invoice, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("file").filter(pk=attachment_id, invoice=invoice).first()
    )
    if attachment is None:
        raise Http404
    return attachment


def flux_for_user(*, user: Any, status: str = "", numero: str = "") -> QuerySet[Flux]:
    """« Suivi des flux »: the deposits for the structures the user reads."""
    found = Flux.objects.filter(supplier_id__in=_structure_ids(user)).select_related(
        "supplier", "original"
    )
    if status:
        found = found.filter(status=status)
    if numero.strip():
        found = found.filter(numero__icontains=numero.strip())
    return found.order_by("-created_at", "-pk")


def flux_get_for_user(*, user: Any, flux_id: int) -> Flux:
    flux = (
        Flux.objects.select_related("supplier", "original", "depositor").filter(pk=flux_id).first()
    )
    if flux is None or not perms.can_view_sent(user, flux.supplier):
        raise Http404
    return flux


def drafts_for_user(*, user: Any) -> QuerySet[InvoiceDraft]:
    return InvoiceDraft.objects.filter(
        supplier_id__in=[s.pk for s in perms.sendable_structures(user)],
        status=InvoiceStatus.BROUILLON,
    ).select_related("supplier")


def draft_get_for_user(*, user: Any, draft_id: int) -> InvoiceDraft:
    draft = InvoiceDraft.objects.select_related("supplier").filter(pk=draft_id).first()
    if draft is None or not perms.can_deposit(user, draft.supplier):
        raise Http404
    return draft


def invoice_history(invoice: Invoice) -> list[Any]:
    return list(invoice.status_changes.select_related("actor").order_by("created_at", "pk"))


def synthese(
    *, user: Any, supplier_id: int | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """« Synthèse »: invoices per status, and the amounts still due per month of issue (the last
    12 months). An invoice whose rejection was processed (« Traiter le rejet ») leaves it."""
    base = Invoice.objects.filter(supplier_id__in=_structure_ids(user))
    if supplier_id:
        base = base.filter(supplier_id=supplier_id)
    visible = base.exclude(status=InvoiceStatus.REJETEE, rejection_processed_at__isnull=False)
    counts = {
        row["status"]: row["n"]
        for row in visible.values("status").annotate(n=Count("pk")).order_by()
    }
    per_status = [
        {"status": s, "label": s.label, "count": counts[s.value]}
        for s in InvoiceStatus
        if s.value in counts
    ]
    today = today or timezone.localdate()
    window = last_months(today, 12)
    start = window[0]
    due = (
        visible.filter(status__in=list(STATUSES_DUE), issue_date__gte=start)
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(total=Sum("amount_due"), n=Count("pk"))
        .order_by("month")
    )
    by_month = {row["month"].strftime("%Y-%m"): row for row in due}
    months: list[dict[str, Any]] = []
    for first_day in window:
        row = by_month.get(first_day.strftime("%Y-%m"))
        months.append(
            {
                "month": first_day,
                "total": row["total"] if row else Decimal("0"),
                "count": row["n"] if row else 0,
            }
        )
    top: Decimal = max((m["total"] for m in months), default=Decimal("0")) or Decimal("1")
    for m in months:
        m["percent"] = int(m["total"] * 100 / top)
    total_due = sum((m["total"] for m in months), Decimal("0"))
    rejected_to_process = visible.filter(status=InvoiceStatus.REJETEE).count()
    return {
        "per_status": per_status,
        "months": months,
        "total_due": total_due,
        "total_count": sum(counts.values()),
        "rejected_to_process": rejected_to_process,
    }


def receivable_structures() -> QuerySet[Structure]:
    """The structures an invoice can be addressed to: public, active, and whose « Factures
    reçues » espace is not closed (CHOEUR-DEST-03 to 05 would refuse the others)."""
    closed = StructureEspace.objects.filter(espace=Espace.FACTURES_RECUES, is_open=False).values(
        "structure_id"
    )
    return Structure.objects.filter(is_public=True, is_active=True).exclude(pk__in=closed)


def _name_matches(text: str) -> Q:
    # Every word, accents and case aside (search_name is kept by Structure.save).
    condition = Q()
    for word in search_key(text).split():
        condition &= Q(search_name__contains=word)
    return condition


def recipient_lookup(text: str) -> tuple[Structure | None, list[Structure]]:
    """The public structure a supplier names by SIRET or by its whole name (accents and case
    aside): (the one found, or None with the structures of that name when several bear it).
    Part of a name finds nothing here: the supplier chooses among `recipient_search`'s results,
    so that an invoice never goes to a structure it did not name. Any structure is found by
    SIRET so that the checks can say why it cannot receive (inactive, private)."""
    text = " ".join((text or "").split())
    compact = text.replace(" ", "")
    if not text:
        return None, []
    if compact.isdigit():
        return Structure.objects.filter(identifier=compact).first(), []
    key = search_key(text)
    if not key:
        return None, []
    named = list(receivable_structures().filter(search_name=key).order_by("identifier")[:10])
    if len(named) == 1:
        return named[0], []
    return None, named


RECIPIENT_RESULTS = 10
RECIPIENT_SERVICES_SHOWN = 8


@dataclass(frozen=True)
class RecipientResult:
    """One structure the search found, with the services to offer (those the search named
    first) and how many more it has."""

    structure: Structure
    services: list[Service]
    matched_service_ids: frozenset[int]
    more_services: int


@dataclass(frozen=True)
class RecipientSearch:
    results: list[RecipientResult]
    truncated: bool  # more structures match than are shown: the supplier should narrow down


def recipient_search(text: str) -> RecipientSearch:
    """The structures an invoice can go to (see `receivable_structures`), found by their SIRET
    (whole or in part, 3 digits at least), by the words of their name, or by the code or name
    of one of their active services."""
    text = " ".join((text or "").split())
    compact = text.replace(" ", "")
    if len(compact) < 3:
        return RecipientSearch([], False)
    services = Service.objects.filter(is_active=True).filter(
        Q(code__icontains=text) | Q(name__icontains=text)
    )
    condition = Q(pk__in=services.values("structure_id"))
    if compact.isdigit():
        condition |= Q(identifier__contains=compact)
    elif search_key(text):
        condition |= _name_matches(text)
    found = list(
        receivable_structures()
        .filter(condition)
        .order_by("raison_sociale", "identifier")[: RECIPIENT_RESULTS + 1]
    )
    results = []
    for structure in found[:RECIPIENT_RESULTS]:
        active = Service.objects.filter(structure=structure, is_active=True)
        matched = list(
            active.filter(Q(code__icontains=text) | Q(name__icontains=text)).order_by("code")[
                :RECIPIENT_SERVICES_SHOWN
            ]
        )
        others = list(
            active.exclude(pk__in=[s.pk for s in matched]).order_by("code")[
                : RECIPIENT_SERVICES_SHOWN - len(matched)
            ]
        )
        shown = matched + others
        results.append(
            RecipientResult(
                structure=structure,
                services=shown,
                matched_service_ids=frozenset(s.pk for s in matched),
                more_services=max(active.count() - len(shown), 0),
            )
        )
    return RecipientSearch(results, truncated=len(found) > RECIPIENT_RESULTS)


def receivable_get(*, identifier: str) -> Structure | None:
    return receivable_structures().filter(identifier=identifier.replace(" ", "")).first()


def receivable_service_get(*, service_id: int) -> Service | None:
    """An active service of a structure that can receive invoices (a result of the search)."""
    return (
        Service.objects.select_related("structure")
        .filter(pk=service_id, is_active=True, structure__in=receivable_structures())
        .first()
    )


def active_services_of(structure: Structure) -> list[Service]:
    return list(Service.objects.filter(structure=structure, is_active=True).order_by("code"))


def invoices_awaiting_supplier(*, user: Any) -> dict[str, int]:
    """What waits for the supplier (C.9: rejected and suspended invoices are shown at login until
    processed): counts of SUSPENDUE, A_RECYCLER and REJETEE whose rejection is not processed."""
    base = Invoice.objects.filter(supplier_id__in=_structure_ids(user))
    return {
        "SUSPENDUE": base.filter(status=InvoiceStatus.SUSPENDUE).count(),
        "A_RECYCLER": base.filter(status=InvoiceStatus.A_RECYCLER).count(),
        "REJETEE": base.filter(
            status=InvoiceStatus.REJETEE, rejection_processed_at__isnull=True
        ).count(),
    }
