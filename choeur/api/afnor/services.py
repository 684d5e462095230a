"""The Flow Service's writes, over the platform's own services: a deposited invoice goes
through `flux_deposit` (the pipeline of the pages and of /cpro), a received CDAR through
`lifecycle_apply_cdar` (the portal's buttons), a webhook subscription is an endpoint of the
notifications app and its events are deliveries of that app (signature, retries, log).

The platform's events reach here from `choeur.notifications.webhooks` (a flux finished, an
invoice's status changed): `afnor_flux_finished` and `afnor_invoice_status_changed` record the
flows they make visible and queue their webhooks, in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from choeur.api.afnor.auth import Caller
from choeur.api.afnor.enums import (
    AckStatus,
    FlowDirection,
    FlowProfile,
    FlowSyntax,
    FlowType,
    ProcessingRule,
    RuleSource,
)
from choeur.api.afnor.errors import AfnorError
from choeur.api.afnor.models import Flow, FlowWebhook
from choeur.api.afnor.wire import FlowInfo, WebhookParams, flow_json
from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.core.tasks import send
from choeur.invoices.enums import FluxStatus, InvoiceStatus, ModeDepot, SyntaxeFlux
from choeur.invoices.models import Flux, Invoice, InvoiceStatusChange
from choeur.invoices.services.deposit import (
    FLUX_MAX_BYTES,
    DepositRefused,
    Upload,
    flux_deposit,
)
from choeur.lifecycle.cdar import cdar_filename, lifecycle_apply_cdar
from choeur.lifecycle.reform_codes import SELLER_CODES, reform_status_for
from choeur.notifications import webhooks as platform_webhooks
from choeur.notifications.webhook_models import (
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# « Flow file: Max size = 100 MB » (FlowPostRequest), within the platform's own deposit limit.
FLOW_MAX_BYTES = min(100 * MB, FLUX_MAX_BYTES)

DECLARED_SYNTAX = {
    FlowSyntax.UBL: SyntaxeFlux.IN_DP_E1_UBL_INVOICE,
    FlowSyntax.CII: SyntaxeFlux.IN_DP_E1_CII_16B,
    FlowSyntax.FACTURX: SyntaxeFlux.IN_DP_E2_CII_FACTURX,
}
FLOW_SYNTAX_BY_INVOICE = {
    SyntaxeFlux.IN_DP_E1_UBL_INVOICE: FlowSyntax.UBL,
    SyntaxeFlux.IN_DP_E1_CII_16B: FlowSyntax.CII,
    SyntaxeFlux.IN_DP_E2_CII_FACTURX: FlowSyntax.FACTURX,
}
# Chœur carries invoices to public buyers: the B2G rules. Anything else is another platform's.
INVOICE_RULES = (ProcessingRule.B2G, ProcessingRule.B2G_INT)
CDAR_RULES = (ProcessingRule.B2G, ProcessingRule.B2G_INT, ProcessingRule.NOT_APPLICABLE)


def _now() -> Any:
    return timezone.now()


# --- submission --------------------------------------------------------------------------------


def _rule(info: FlowInfo, allowed: tuple[str, ...]) -> tuple[str, str]:
    """(processingRule, processingRuleSource): the sender's when given, else computed."""
    if not info.processing_rule or info.processing_rule == ProcessingRule.UNDEFINED:
        return ProcessingRule.B2G, RuleSource.COMPUTED
    if info.processing_rule not in allowed:
        raise AfnorError(
            422,
            "UNSUPPORTED_PROCESSING_RULE",
            f"Règle de traitement « {info.processing_rule} » non prise en charge : Chœur "
            "achemine les factures destinées au secteur public (" + ", ".join(allowed) + ").",
        )
    return info.processing_rule, RuleSource.INPUT


def flow_submit(
    *, caller: Caller, info: FlowInfo, upload: Upload, idempotency_key: str = ""
) -> Flow:
    """POST /v1/flows: an invoice (deposited like any flux) or a lifecycle message (CDAR,
    applied as the buyer's action). Refused before anything is written when the request is
    wrong; a CDAR the lifecycle refuses is kept as a flow acknowledged `Error`, with why."""
    data = upload.data
    if not data:
        raise AfnorError(400, "EMPTY_FLOW", "Le fichier du flux est vide (IRR_VIDE_F).")
    if len(data) > FLOW_MAX_BYTES:
        raise AfnorError(
            413,
            "FILE_SIZE_EXCEEDED",
            f"Le fichier dépasse {FLOW_MAX_BYTES // MB} Mo ({len(data) / MB:.1f} Mo).",
        )
    digest = hashlib.sha256(data).hexdigest()
    if info.sha256 and info.sha256 != digest:
        raise AfnorError(
            422,
            "CHECKSUM_MISMATCH",
            f"L'empreinte sha256 fournie ne correspond pas au fichier reçu (calculée : {digest}).",
        )
    if info.syntax == FlowSyntax.FRR:
        raise AfnorError(
            422,
            "UNSUPPORTED_FLOW_SYNTAX",
            "Les flux d'e-reporting (FRR) ne sont pas reçus par Chœur : seulement les factures "
            "(UBL, CII, Factur-X) et les messages de cycle de vie (CDAR).",
        )
    if info.syntax == FlowSyntax.CDAR:
        return _cdar_submit(caller=caller, info=info, upload=upload, digest=digest)
    return _invoice_submit(
        caller=caller, info=info, upload=upload, digest=digest, idempotency_key=idempotency_key
    )


def _invoice_submit(
    *, caller: Caller, info: FlowInfo, upload: Upload, digest: str, idempotency_key: str
) -> Flow:
    rule, source = _rule(info, INVOICE_RULES)
    with transaction.atomic():
        try:
            flux = flux_deposit(
                user=caller.user,
                supplier=caller.structure,
                upload=upload,
                mode_depot=ModeDepot.UPLOAD_API,
                declared_syntax=DECLARED_SYNTAX[FlowSyntax(info.syntax)],
                idempotency_key=idempotency_key,
            )
        except DepositRefused as refused:
            status = 403 if refused.code == "forbidden" else 422
            code = "FORBIDDEN_ACCESS" if status == 403 else "UNPROCESSABLE_ENTITY"
            raise AfnorError(status, code, refused.message) from None
        existing = Flow.objects.filter(flux=flux, direction=FlowDirection.OUT).first()
        if existing is not None:
            return existing  # a retried request (Idempotency-Key): the first answer
        now = _now()
        flow = Flow.objects.create(
            structure=caller.structure,
            direction=FlowDirection.OUT,
            flow_type=FlowType.CUSTOMER_INVOICE,
            syntax=info.syntax,
            profile=info.profile or FlowProfile.UNDEFINED,
            processing_rule=rule,
            processing_rule_source=source,
            name=info.name,
            tracking_id=info.tracking_id,
            sha256=digest,
            flux=flux,
            original=flux.original,
            submitted_at=now,
            updated_at=now,
        )
        audit_log_write(
            actor=caller.user,
            action="afnor.flow.submit",
            obj=flow,
            after={"flowId": str(flow.flow_id), "flux": flux.numero, "syntax": info.syntax},
        )
    return flow


# A refused CDAR's outcome code -> the reform's reason (MDT-113 list) or the rule broken: a code
# outside the document's ReasonCodeEnum (see docs/api.md, « Codes de motif »).
CDAR_REASON = {
    "MALFORMED": "IRR_SYNTAX",
    "UNKNOWN_STATUS_CODE": "BR-FR-CDV-CL-06",
    "REASON_REQUIRED": "BR-FR-CDV-15",
    "UNKNOWN_REASON": "BR-FR-CDV-CL-09",
    "UNKNOWN_INVOICE": "TRANSAC_INC",
}


def _cdar_submit(*, caller: Caller, info: FlowInfo, upload: Upload, digest: str) -> Flow:
    rule, source = _rule(info, CDAR_RULES)
    with transaction.atomic():
        original = stored_file_create(
            data=upload.data,
            name=upload.name,
            content_type="application/xml",
            user=caller.user,
        )
        outcome = lifecycle_apply_cdar(user=caller.user, data=upload.data)
        details: list[dict[str, str]] = []
        if not outcome.accepted:
            details.append(
                {
                    "level": "Error",
                    "item": info.name,
                    "reasonCode": CDAR_REASON.get(outcome.code, outcome.code),
                    "reasonMessage": outcome.message,
                }
            )
        now = _now()
        flow = Flow.objects.create(
            structure=caller.structure,
            direction=FlowDirection.OUT,
            flow_type=FlowType.SUPPLIER_INVOICE_LC,
            syntax=FlowSyntax.CDAR,
            profile=info.profile or FlowProfile.UNDEFINED,
            processing_rule=rule,
            processing_rule_source=source,
            name=info.name,
            tracking_id=info.tracking_id,
            sha256=digest,
            ack_status=AckStatus.OK if outcome.accepted else AckStatus.ERROR,
            ack_details=details,
            invoice=None,
            original=original,
            submitted_at=now,
            updated_at=now,
        )
        audit_log_write(
            actor=caller.user,
            action="afnor.flow.cdar",
            obj=flow,
            after={
                "flowId": str(flow.flow_id),
                "outcome": outcome.code,
                "status_code": outcome.status_code,
                "invoice": outcome.invoice.pk if outcome.invoice is not None else None,
            },
        )
        _publish([flow])
    return flow


# --- what the platform's events make visible --------------------------------------------------


def _ack_details(flux: Flux) -> list[dict[str, str]]:
    report = flux.report or {}
    problems = [(error, flux.filename) for error in report.get("errors", [])]
    for item in report.get("items", []):
        where = str(item.get("number") or item.get("file") or flux.filename)
        problems += [(error, where) for error in item.get("errors", [])]
    details = []
    for error, where in problems:
        location = str(error.get("location") or "")
        details.append(
            {
                "level": "Warning" if error.get("severity") in ("warning", "info") else "Error",
                "item": f"{where} — {location}" if location else where,
                "reasonCode": str(error.get("rule_id") or "AUTRE"),
                "reasonMessage": str(error.get("message") or error.get("message_fr") or ""),
            }
        )
    return details


def _profile_of(invoice: Invoice) -> str:
    """flowProfile from the invoice's BT-24: the French extension, a basic profile, or the
    EN 16931 core and its CIUS."""
    from choeur import einvoice
    from choeur.einvoice.errors import ReadError
    from choeur.einvoice.model import profile_of

    if invoice.xml is None:
        return FlowProfile.UNDEFINED
    try:
        specification = einvoice.read(invoice.xml.read()).process_control.specification_id or ""
    except (ReadError, OSError):
        return FlowProfile.UNDEFINED
    if "extended-ctc-fr" in specification.lower():
        return FlowProfile.EXTENDED_CTC_FR
    if profile_of(specification) in ("MINIMUM", "BASIC WL", "BASIC"):
        return FlowProfile.BASIC
    return FlowProfile.CIUS


def afnor_flux_finished(*, flux: Flux, invoices: list[Invoice] | None = None) -> None:
    """A flux integrated or rejected: the acknowledgement of its flow (when it came through
    the Flow Service), and the flows of each invoice it made (its lifecycle messages for the
    supplier, the invoice received for the buyer). A few queries for the whole flux, not a few
    per invoice: an archive may hold thousands. `invoices`: the flux's invoices with their
    supplier, recipient, xml and flux, when the caller has read them already."""
    outgoing = list(Flow.objects.select_for_update().filter(flux=flux, direction=FlowDirection.OUT))
    if invoices is None:
        invoices = list(
            Invoice.objects.filter(flux=flux).select_related("supplier", "recipient", "xml", "flux")
        )
    for flow in outgoing:
        flow.ack_status = AckStatus.ERROR if flux.status == FluxStatus.IN_REJETE else AckStatus.OK
        flow.ack_details = _ack_details(flux)
        if flow.profile == FlowProfile.UNDEFINED and invoices:
            flow.profile = _profile_of(invoices[0])
        flow.updated_at = _now()
        flow.save(update_fields=["ack_status", "ack_details", "profile", "updated_at"])
    # Both kinds of flows in one INSERT.
    made = _insert_new(
        _lifecycle_flows(invoices, insert=False) + _reception_flows(invoices, insert=False)
    )
    _publish(outgoing + made)


def afnor_invoice_status_changed(*, invoice: Invoice, received: bool) -> None:
    """A status change of an invoice: its lifecycle message, for the supplier; made available
    to the buyer again (« received »), the invoice for him if he has no flow of it yet."""
    made = _lifecycle_flows([invoice])
    if received:
        made += _reception_flows([invoice])
    _publish(made)


def _lifecycle_flows(invoices: list[Invoice], *, insert: bool = True) -> list[Flow]:
    """The lifecycle flow of each history row that has a reform code and no flow yet: for the
    supplier (CustomerInvoiceLC) every one; for the buyer (SupplierInvoiceLC) those the seller
    sets (209 Complétée...), addressed to him. A row's CDAR is written from the row itself
    when downloaded. `insert=False`: the flows made, not inserted yet."""
    by_pk = {invoice.pk: invoice for invoice in invoices}
    if not by_pk:
        return []
    done = set(
        Flow.objects.filter(
            change__invoice_id__in=by_pk,
            flow_type__in=(FlowType.CUSTOMER_INVOICE_LC, FlowType.SUPPLIER_INVOICE_LC),
        ).values_list("change_id", "flow_type")
    )
    changes = InvoiceStatusChange.objects.filter(invoice_id__in=by_pk).order_by("created_at", "pk")
    made = []
    for change in changes:
        reform = reform_status_for(change.to_status)
        if reform is None:
            continue
        invoice = by_pk[change.invoice_id]
        change.invoice = invoice
        sides = [(invoice.supplier, FlowType.CUSTOMER_INVOICE_LC)]
        if reform.code in SELLER_CODES:
            sides.append((invoice.recipient, FlowType.SUPPLIER_INVOICE_LC))
        for structure, flow_type in sides:
            if (change.pk, flow_type) in done:
                continue
            made.append(
                Flow(
                    structure=structure,
                    direction=FlowDirection.IN,
                    flow_type=flow_type,
                    syntax=FlowSyntax.CDAR,
                    profile=FlowProfile.UNDEFINED,
                    processing_rule=ProcessingRule.B2G,
                    name=cdar_filename(change),
                    ack_status=AckStatus.OK,
                    change=change,
                    invoice=invoice,
                    # Each its own instant, so that `updatedAfter` polling splits them apart.
                    submitted_at=(now := _now()),
                    updated_at=now,
                )
            )
    return _insert_new(made) if insert else made


def _reception_flows(invoices: list[Invoice], *, insert: bool = True) -> list[Flow]:
    """The buyer's SupplierInvoice flow of each invoice available to him that has none yet (one
    held in a validator or works circuit reaches him later)."""
    from choeur.lifecycle.transitions import HELD_FROM_RECIPIENT

    available = {
        invoice.pk: invoice
        for invoice in invoices
        if invoice.status not in (InvoiceStatus.DEPOSEE, InvoiceStatus.EN_COURS_ACHEMINEMENT)
        and invoice.status not in HELD_FROM_RECIPIENT
    }
    if not available:
        return []
    done = set(
        Flow.objects.filter(
            invoice_id__in=available, flow_type=FlowType.SUPPLIER_INVOICE
        ).values_list("invoice_id", flat=True)
    )
    made = []
    for pk, invoice in available.items():
        if pk in done:
            continue
        syntax = FLOW_SYNTAX_BY_INVOICE.get(invoice.syntax)  # type: ignore[call-overload]
        made.append(
            Flow(
                structure=invoice.recipient,
                direction=FlowDirection.IN,
                flow_type=FlowType.SUPPLIER_INVOICE,
                syntax=syntax or FlowSyntax.CII,
                profile=FlowProfile.UNDEFINED,
                processing_rule=ProcessingRule.B2G,
                name=invoice.flux.filename[:255],
                ack_status=AckStatus.OK,
                invoice=invoice,
                submitted_at=(now := _now()),
                updated_at=now,
            )
        )
    return _insert_new(made) if insert else made


def _insert_new(flows: list[Flow]) -> list[Flow]:
    """Insert in one query; when a concurrent event (a buyer acting while the flux finishes)
    made some of them first, keep the others rather than fail the caller's change."""
    if not flows:
        return []
    try:
        with transaction.atomic():
            return Flow.objects.bulk_create(flows)
    except IntegrityError:
        made = []
        for flow in flows:
            flow.pk = None
            try:
                with transaction.atomic():
                    flow.save(force_insert=True)
            except IntegrityError:
                continue
            made.append(flow)
        return made


EVENT_BY_TYPE = {
    FlowType.CUSTOMER_INVOICE_LC: WebhookEvent.FACTURE_STATUT,
    FlowType.SUPPLIER_INVOICE_LC: WebhookEvent.FACTURE_STATUT,
    FlowType.SUPPLIER_INVOICE: WebhookEvent.FACTURE_RECUE,
}


def _event(flow: Flow) -> str:
    if flow.flow_type == FlowType.CUSTOMER_INVOICE:
        return (
            WebhookEvent.FLUX_REJETE
            if flow.ack_status == AckStatus.ERROR
            else WebhookEvent.FLUX_INTEGRE
        )
    return EVENT_BY_TYPE[FlowType(flow.flow_type)]


def _publish(flows: Iterable[Flow]) -> list[WebhookDelivery]:
    """One delivery per flow and subscription that wants it (after commit, by the
    notifications app's task: the same retries, log and deactivation as every webhook)."""
    flows = list(flows)
    if not flows:
        return []
    subscriptions: dict[int, list[FlowWebhook]] = {}
    for subscription in FlowWebhook.objects.filter(
        endpoint__structure_id__in={flow.structure_id for flow in flows}, endpoint__active=True
    ).select_related("endpoint"):
        subscriptions.setdefault(subscription.endpoint.structure_id, []).append(subscription)
    deliveries = []
    now = _now()
    for flow in flows:
        for subscription in subscriptions.get(flow.structure_id, []):
            if not subscription.wants(flow):
                continue
            deliveries.append(
                WebhookDelivery(
                    endpoint=subscription.endpoint,
                    event=_event(flow),
                    payload=flow_json(flow),
                    next_attempt_at=now,
                )
            )
    deliveries = WebhookDelivery.objects.bulk_create(deliveries) if deliveries else []
    for delivery in deliveries:
        send("notifications.webhook_deliver", delivery.pk)
    return deliveries


# --- webhooks ----------------------------------------------------------------------------------


def flow_webhook_create(*, caller: Caller, params: WebhookParams) -> FlowWebhook:
    """A subscription: an endpoint of the structure (checked like every webhook address),
    subscribed to no event of Chœur's own webhooks, only to the flows its filters select."""
    url = params.callback_url
    if len(url) > 500:
        raise AfnorError(400, "INVALID_REQUEST", "callbackUrl dépasse 500 caractères.")
    try:
        platform_webhooks.webhook_target_resolve(url)
    except platform_webhooks.WebhookRefused as refused:
        raise AfnorError(400, "INVALID_CALLBACK_URL", refused.message) from None
    with transaction.atomic():
        count = WebhookEndpoint.objects.filter(structure=caller.structure).count()
        if count >= platform_webhooks.ENDPOINTS_MAX:
            raise AfnorError(
                422,
                "TOO_MANY_WEBHOOKS",
                f"Une structure a {platform_webhooks.ENDPOINTS_MAX} adresses de notification au "
                "plus (webhooks de l'API et de la réforme ensemble) : supprimez-en une.",
            )
        endpoint = WebhookEndpoint.objects.create(
            structure=caller.structure,
            url=url,
            secret=secrets.token_hex(32),
            events=[],
            created_by=caller.user,
        )
        subscription = FlowWebhook.objects.create(
            endpoint=endpoint,
            account=caller.account,
            flow_types=params.flow_types,
            flow_direction=params.flow_direction,
            ack_status=params.ack_status,
        )
        audit_log_write(
            actor=caller.user,
            action="afnor.webhook.create",
            obj=subscription,
            after={
                "url": url,
                "flowTypes": params.flow_types,
                "flowDirection": params.flow_direction,
                "ackStatus": params.ack_status,
                "structure": caller.structure.pk,
            },
        )
    return subscription


def flow_webhook_delete(*, caller: Caller, subscription: FlowWebhook) -> None:
    with transaction.atomic():
        audit_log_write(
            actor=caller.user,
            action="afnor.webhook.delete",
            obj=subscription,
            before={"url": subscription.endpoint.url, "webhookId": str(subscription.webhook_id)},
            after={},
        )
        # The endpoint's deliveries go with it, as for any webhook address.
        subscription.endpoint.delete()
