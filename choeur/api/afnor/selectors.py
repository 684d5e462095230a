"""The Flow Service's reads: a structure's flows, its search page, one flow's documents.
Another structure's flow or subscription is not found (404), like any object of another."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from choeur.api.afnor.auth import Caller
from choeur.api.afnor.enums import FlowDirection, FlowSyntax
from choeur.api.afnor.errors import NOT_FOUND, AfnorError
from choeur.api.afnor.models import Flow, FlowWebhook
from choeur.api.afnor.wire import SearchParams, parse_uuid


def flows_of(caller: Caller) -> QuerySet[Flow]:
    return Flow.objects.filter(structure=caller.structure)


def flow_search(*, caller: Caller, params: SearchParams) -> tuple[list[Flow], bool]:
    """One page in (updatedAt, id) order after the cursor; True when more follow."""
    flows = flows_of(caller)
    if params.updated_after is not None:
        flows = flows.filter(updated_at__gt=params.updated_after)
    if params.updated_before is not None:
        flows = flows.filter(updated_at__lt=params.updated_before)
    if params.processing_rules:
        flows = flows.filter(processing_rule__in=params.processing_rules)
    if params.flow_types:
        flows = flows.filter(flow_type__in=params.flow_types)
    if params.directions:
        flows = flows.filter(direction__in=params.directions)
    if params.tracking_id:
        flows = flows.filter(tracking_id=params.tracking_id)
    if params.ack_status:
        flows = flows.filter(ack_status=params.ack_status)
    if params.after is not None:
        updated, pk = params.after
        # (updatedAt, id) > the cursor's, written as a range the search index serves.
        flows = flows.filter(updated_at__gte=updated).exclude(updated_at=updated, pk__lte=pk)
    page = list(flows.order_by("updated_at", "pk")[: params.limit + 1])
    return page[: params.limit], len(page) > params.limit


def flow_get(*, caller: Caller, flow_id: str) -> Flow:
    wanted = parse_uuid(flow_id)
    flow = (
        flows_of(caller)
        .select_related(
            "flux",
            "original",
            "invoice__xml",
            "invoice__main_document",
            "invoice__supplier",
            "invoice__recipient",
            "change__invoice__supplier",
            "change__invoice__recipient",
            "change__detail",
        )
        .filter(flow_id=wanted)
        .first()
        if wanted is not None
        else None
    )
    if flow is None:
        raise NOT_FOUND
    return flow


@dataclass(frozen=True)
class Document:
    name: str
    content_type: str
    data: bytes


NO_DOCUMENT = {
    "Converted": "Aucun document converti pour ce flux : le document reçu est le seul.",
    "ReadableView": "Aucune représentation lisible (PDF) pour ce flux.",
}


def _missing(doc_type: str) -> AfnorError:
    return AfnorError(404, "MISSING_RESOURCE", NO_DOCUMENT[doc_type])


def _content_type(data: bytes) -> str:
    return "application/pdf" if data[:5] == b"%PDF-" else "application/xml"


def flow_document(*, flow: Flow, doc_type: str) -> Document:
    """The file of a flow: `Original` as received or published, `Converted` (the structured
    data the platform extracted, when it differs from what was received), `ReadableView`
    (the invoice's PDF)."""
    from choeur.invoices.services.documents import invoice_pdf
    from choeur.lifecycle.cdar import cdar_for_change

    invoice = flow.invoice
    if flow.change is None and invoice is None and flow.flux_id is not None:
        invoice = flow.flux.invoices.select_related("xml", "main_document").first()  # type: ignore[union-attr]
    if doc_type == "Original":
        if flow.change is not None:
            # The row's CDAR, dated by the row: the same bytes at every download.
            data = cdar_for_change(change=flow.change, now=flow.change.created_at)
            if data is None:
                raise NOT_FOUND
            return Document(flow.name, "application/xml", data)
        if flow.original is not None:
            data = flow.original.read()
            return Document(flow.name, _content_type(data), data)
        if invoice is not None and flow.direction == FlowDirection.IN:
            stored = (
                invoice.main_document
                if flow.syntax == FlowSyntax.FACTURX and invoice.main_document
                else invoice.xml or invoice.main_document
            )
            if stored is not None:
                data = stored.read()
                return Document(flow.name, _content_type(data), data)
        raise NOT_FOUND
    if flow.syntax == FlowSyntax.CDAR or invoice is None:
        raise _missing(doc_type)
    if doc_type == "Converted":
        original = flow.original or invoice.main_document
        if invoice.xml is None or (original is not None and invoice.xml.sha256 == original.sha256):
            raise _missing(doc_type)
        return Document(f"{invoice.number}.xml", "application/xml", invoice.xml.read())
    pdf = invoice_pdf(invoice)
    if pdf is None:
        raise _missing(doc_type)
    return Document(f"{invoice.number}.pdf", "application/pdf", pdf)


def webhooks_of(caller: Caller) -> list[FlowWebhook]:
    """The subscriptions of the token's owner only (createWebhook: « cannot be seen from
    others »)."""
    return list(
        FlowWebhook.objects.filter(account=caller.account).select_related("endpoint").order_by("pk")
    )


def webhook_get(*, caller: Caller, webhook_id: str) -> FlowWebhook:
    wanted = parse_uuid(webhook_id)
    subscription = (
        FlowWebhook.objects.filter(account=caller.account, webhook_id=wanted)
        .select_related("endpoint")
        .first()
        if wanted is not None
        else None
    )
    if subscription is None:
        raise AfnorError(
            404, "MISSING_RESOURCE", "Abonnement (webhook) introuvable pour ce compte technique."
        )
    return subscription
