"""Signed webhooks (docs/notifications.md, « Webhooks »): endpoints, events, deliveries.

Every event goes through `webhook_emit`, in the caller's transaction: one delivery row per
subscribed active endpoint of the structure, sent by a task after commit, retried by the
sweeper with backoff. Requests are signed (HMAC-SHA256 of "<t>.<body>" with the endpoint's
secret) and guarded against SSRF: the host is resolved, every address must be public, the
connection goes to the address checked (no second resolution), redirects are not followed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from choeur.core.audit import audit_log_write
from choeur.core.tasks import send
from choeur.notifications.webhook_models import (
    ERROR_MAX,
    RESPONSE_EXCERPT_MAX,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

# Delay before the 2nd, 3rd... attempt; the last one repeats until MAX_ATTEMPTS.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = 10
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
# What is read of an answer at most (the rest is dropped): a receiver only needs to say 2xx.
RESPONSE_MAX_BYTES = 64 * 1024
TOTAL_READ_SECONDS = 15.0
ENDPOINTS_MAX = 10
SWEEP_BATCH = 200
USER_AGENT = "Choeur-Webhooks/1"


class WebhookRefused(Exception):
    """A refused endpoint address or action, with a message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the SSRF guard ---------------------------------------------------------------------------


def _address_refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def webhook_target_resolve(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) of an endpoint URL, or WebhookRefused.

    Only https:// and public addresses, unless WEBHOOK_ALLOW_PRIVATE_TARGETS (tests, a local
    receiver). Every address the name resolves to is checked, so that a name with one private
    address among public ones is refused too."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_TARGETS
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise WebhookRefused("L'adresse doit commencer par https://.")
    if parts.username or parts.password:
        raise WebhookRefused("L'adresse ne doit pas contenir d'identifiant ni de mot de passe.")
    host = parts.hostname
    if not host:
        raise WebhookRefused("L'adresse n'indique pas de serveur.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookRefused("Le port de l'adresse est invalide.") from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookRefused(f"Le serveur {host} est introuvable.") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise WebhookRefused(f"Le serveur {host} est introuvable.")
    if not allow_private:
        for raw in addresses:
            address = ipaddress.ip_address(raw.split("%", 1)[0])
            if _address_refused(address):
                raise WebhookRefused(
                    f"Le serveur {host} désigne une adresse interne ({address}) : "
                    "seules les adresses publiques sont acceptées."
                )
    return parts.scheme, host, port, addresses[0]


# --- endpoints --------------------------------------------------------------------------------


def webhook_endpoint_create(
    *, actor: Any, structure: Any, url: str, events: list[str]
) -> WebhookEndpoint:
    """Register an endpoint; its `secret` is to be shown once to the caller."""
    url = (url or "").strip()
    if len(url) > 500:
        raise WebhookRefused("L'adresse est trop longue (500 caractères au plus).")
    chosen = sorted(set(events or []))
    if not chosen:
        raise WebhookRefused("Choisissez au moins un événement.")
    unknown = [e for e in chosen if e not in WebhookEvent.values]
    if unknown:
        raise WebhookRefused(f"Événement inconnu : {', '.join(unknown)}.")
    webhook_target_resolve(url)
    with transaction.atomic():
        if WebhookEndpoint.objects.filter(structure=structure).count() >= ENDPOINTS_MAX:
            raise WebhookRefused(f"Une structure a {ENDPOINTS_MAX} adresses au plus.")
        endpoint = WebhookEndpoint.objects.create(
            structure=structure,
            url=url,
            secret=secrets.token_hex(32),
            events=chosen,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_log_write(
            actor=actor,
            action="webhook.create",
            obj=endpoint,
            before={},
            after={"url": url, "events": chosen, "structure": structure.pk},
        )
    return endpoint


def webhook_endpoint_delete(*, actor: Any, endpoint: WebhookEndpoint) -> None:
    with transaction.atomic():
        audit_log_write(
            actor=actor,
            action="webhook.delete",
            obj=endpoint,
            before={"url": endpoint.url, "events": endpoint.events},
            after={},
        )
        endpoint.delete()


def webhook_endpoint_reactivate(*, actor: Any, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        before = {"active": locked.active, "disabled_reason": locked.disabled_reason}
        locked.active = True
        locked.failing_since = None
        locked.disabled_at = None
        locked.disabled_reason = ""
        locked.save(update_fields=["active", "failing_since", "disabled_at", "disabled_reason"])
        audit_log_write(
            actor=actor, action="webhook.reactivate", obj=locked, before=before, after={}
        )
    return locked


# --- events -----------------------------------------------------------------------------------


def webhook_emit(*, structure: Any, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint of `structure` subscribed to it, in the caller's
    transaction; each delivery is sent after commit. `payload`: small JSON of ids and the /cpro
    API's wire names, never a document."""
    event = WebhookEvent(event).value
    if structure is None:
        return []
    now = timezone.now()
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, payload=payload, next_attempt_at=now
        )
        for endpoint in WebhookEndpoint.objects.filter(structure=structure, active=True)
        if endpoint.subscribes(event)
    ]
    for delivery in deliveries:
        send("notifications.webhook_deliver", delivery.pk)
    return deliveries


def webhook_emit_many(events: list[tuple[int, str, dict[str, Any]]]) -> list[WebhookDelivery]:
    """`webhook_emit` for many (structure id, event, payload) at once: one query for the
    endpoints of all the structures, one INSERT for all the deliveries (a flux's end)."""
    if not events:
        return []
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(
        structure_id__in={structure_id for structure_id, _event, _payload in events}, active=True
    ):
        endpoints.setdefault(endpoint.structure_id, []).append(endpoint)
    now = timezone.now()
    deliveries = [
        WebhookDelivery(endpoint=endpoint, event=event, payload=payload, next_attempt_at=now)
        for structure_id, event, payload in events
        for endpoint in endpoints.get(structure_id, [])
        if endpoint.subscribes(WebhookEvent(event).value)
    ]
    deliveries = WebhookDelivery.objects.bulk_create(deliveries) if deliveries else []
    for delivery in deliveries:
        send("notifications.webhook_deliver", delivery.pk)
    return deliveries


def webhooks_flux_finished(*, flux: Any) -> None:
    """A flux integrated (wholly or partly) or rejected, for its supplier; each invoice it made
    available, for its recipient (« facture reçue »); then the same as flows of the reform. One
    set-based pass for the whole flux: its invoices read once, one query for the endpoints, one
    INSERT for the deliveries, whatever the number of invoices."""
    from choeur.invoices.enums import FluxStatus
    from choeur.invoices.models import Invoice
    from choeur.lifecycle.transitions import HELD_FROM_RECIPIENT

    rejected = flux.status == FluxStatus.IN_REJETE
    invoices = list(
        Invoice.objects.filter(flux=flux).select_related("supplier", "recipient", "xml", "flux")
    )
    events: list[tuple[int, str, dict[str, Any]]] = [
        (
            flux.supplier_id,
            WebhookEvent.FLUX_REJETE if rejected else WebhookEvent.FLUX_INTEGRE,
            {"numeroFluxDepot": flux.numero, "etatCourantFlux": flux.status},
        )
    ]
    # An invoice held in a validator or works circuit reaches its recipient later (its own
    # status change then says « received »).
    held = {s.value for s in HELD_FROM_RECIPIENT}
    events += [
        (invoice.recipient_id, WebhookEvent.FACTURE_RECUE, _received_payload(invoice))
        for invoice in invoices
        if invoice.status not in held
    ]
    webhook_emit_many(events)
    # The same events as flows of the reform's Flow Service (its subscriptions, its CDARs).
    from choeur.api.afnor.services import afnor_flux_finished

    afnor_flux_finished(flux=flux, invoices=invoices)


def _received_payload(invoice: Any) -> dict[str, Any]:
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statut": invoice.status,
        "idFournisseur": invoice.supplier_id,
    }


def webhooks_invoice_received(*, invoice: Any) -> None:
    webhook_emit(
        structure=invoice.recipient,
        event=WebhookEvent.FACTURE_RECUE,
        payload=_received_payload(invoice),
    )


def webhooks_invoice_status_changed(*, invoice: Any, before: str, received: bool) -> None:
    """A status change, for the supplier; `received` (completed or made available again) also
    tells the recipient. A late status (out of order) changes nothing and tells nobody."""
    if invoice.status == before and not received:
        return
    webhook_emit(
        structure=invoice.supplier,
        event=WebhookEvent.FACTURE_STATUT,
        payload={
            "identifiantFactureCPP": invoice.pk,
            "numeroFacture": invoice.number,
            "statutPrecedent": before,
            "statut": invoice.status,
        },
    )
    if received:
        webhooks_invoice_received(invoice=invoice)
    from choeur.api.afnor.services import afnor_invoice_status_changed

    afnor_invoice_status_changed(invoice=invoice, received=received)


def webhooks_sollicitation_step(*, sollicitation: Any, action: str) -> None:
    """An answer to a sollicitation, for the structure that sent it."""
    if action != "ANSWER":
        return
    webhook_emit(
        structure=sollicitation.sender_structure,
        event=WebhookEvent.SOLLICITATION_REPONDUE,
        payload={
            "idSollicitation": sollicitation.pk,
            "numeroSollicitation": sollicitation.number or "",
            "statut": sollicitation.status,
        },
    )


# --- delivery ---------------------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Choeur-Signature` header: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": delivery.pk,
        "event": delivery.event,
        "createdAt": delivery.created_at.isoformat(),
        "structure": delivery.endpoint.structure.identifier,
        "data": delivery.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def _backoff(attempts: int) -> dt.timedelta:
    return BACKOFF[min(max(attempts - 1, 0), len(BACKOFF) - 1)]


def _send(delivery: WebhookDelivery, *, now: dt.datetime) -> tuple[int | None, str, str]:
    """One POST: (HTTP status or None, error, response excerpt)."""
    endpoint = delivery.endpoint
    try:
        scheme, host, port, address = webhook_target_resolve(endpoint.url)
    except WebhookRefused as refused:
        return None, refused.message, ""
    parts = urlsplit(endpoint.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timestamp = int(now.timestamp())
    subscription = getattr(endpoint, "afnor_webhook", None)
    if subscription is not None:
        # A subscription of the reform's Flow Service: the Flow as body, its norm's signature.
        from choeur.api.afnor.signing import afnor_signed

        body, signed = afnor_signed(
            secret_hex=endpoint.secret, payload=delivery.payload, timestamp=timestamp
        )
    else:
        body = _body(delivery)
        signed = {
            "X-Choeur-Signature": webhook_signature(
                secret=endpoint.secret, timestamp=timestamp, body=body
            )
        }
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Host": parts.netloc.rsplit("@", 1)[-1],
        "X-Choeur-Event": delivery.event,
        "X-Choeur-Delivery": str(delivery.pk),
        **signed,
    }
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    pool: urllib3.HTTPConnectionPool
    # Connect to the address checked above, never to a second resolution of the name (DNS
    # rebinding); TLS still checks the certificate against the name.
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
        )
        try:
            data = _read_bounded(response)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        return None, f"{type(exc).__name__} : {exc}"[:ERROR_MAX], ""
    finally:
        pool.close()
    excerpt = data.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT_MAX]
    status = response.status
    if 200 <= status < 300:
        return status, "", excerpt
    if 300 <= status < 400:
        return status, "Redirection non suivie : l'adresse doit répondre elle-même.", excerpt
    return status, f"Réponse HTTP {status}", excerpt


def _read_bounded(response: urllib3.BaseHTTPResponse) -> bytes:
    """At most RESPONSE_MAX_BYTES, within TOTAL_READ_SECONDS: a receiver that answers one byte
    at a time (each within the read timeout) does not hold the worker."""
    deadline = time.monotonic() + TOTAL_READ_SECONDS
    data = b""
    while len(data) < RESPONSE_MAX_BYTES and time.monotonic() < deadline:
        chunk = response.read1(RESPONSE_MAX_BYTES - len(data))
        if not chunk:
            break
        data += chunk
    return data


def webhook_delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> bool:
    """Send a pending delivery that is due; True when the receiver answered 2xx.

    The attempt is claimed first (attempts + 1, next attempt pushed back) in its own short
    transaction, so the HTTP call holds no lock and a concurrent sweeper does not send it twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint__structure")
            .filter(pk=delivery_id, status=WebhookDeliveryStatus.PENDING)
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return False
        if not delivery.endpoint.active:
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = "Adresse désactivée."
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return False
        delivery.attempts += 1
        delivery.next_attempt_at = now + _backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    status, error, excerpt = _send(delivery, now=now)
    with transaction.atomic():
        delivery.last_status_code = status
        delivery.last_error = error
        delivery.response_excerpt = excerpt
        fields = ["last_status_code", "last_error", "response_excerpt"]
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if not error:
            delivery.status = WebhookDeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            fields += ["status", "delivered_at", "next_attempt_at"]
            if endpoint.failing_since is not None:
                endpoint.failing_since = None
                endpoint.save(update_fields=["failing_since"])
        else:
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = WebhookDeliveryStatus.FAILED
                delivery.next_attempt_at = None
                fields += ["status", "next_attempt_at"]
            if endpoint.failing_since is None:
                endpoint.failing_since = now
                endpoint.save(update_fields=["failing_since"])
            elif endpoint.active and now - endpoint.failing_since >= dt.timedelta(
                hours=settings.WEBHOOK_DISABLE_AFTER_HOURS
            ):
                _disable(endpoint, now=now)
        delivery.save(update_fields=fields)
    if error:
        logger.info("webhook delivery %s failed: %s", delivery.pk, error)
    return not error


def _disable(endpoint: WebhookEndpoint, *, now: dt.datetime) -> None:
    """Disable an endpoint failing for WEBHOOK_DISABLE_AFTER_HOURS, drop its pending deliveries
    and tell the structure's managers."""
    from choeur.notifications.enums import NotificationKind
    from choeur.notifications.services import notify
    from choeur.structures.selectors import managers_of

    hours = settings.WEBHOOK_DISABLE_AFTER_HOURS
    since = timezone.localtime(endpoint.failing_since or now)
    endpoint.active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = (
        f"Aucune livraison réussie depuis le {since:%d/%m/%Y à %H:%M} (plus de {hours} h)."
    )
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDeliveryStatus.PENDING).update(
        status=WebhookDeliveryStatus.FAILED, next_attempt_at=None, last_error="Adresse désactivée."
    )
    audit_log_write(
        actor=None,
        action="webhook.disable",
        obj=endpoint,
        before={"active": True},
        after={"active": False, "reason": endpoint.disabled_reason},
    )
    structure = endpoint.structure
    path = f"/structures/{structure.pk}/raccordement-api/"
    notify(
        users=managers_of(structure),
        kind=NotificationKind.ACCOUNT,
        title=f"Webhook désactivé : {endpoint.url}"[:255],
        body=endpoint.disabled_reason,
        template="notifications/emails/webhook_disabled",
        context={
            "structure": structure.raison_sociale,
            "endpoint_url": endpoint.url,
            "reason": endpoint.disabled_reason,
        },
        url=path,
    )


def webhook_delivery_resend(*, actor: Any, delivery: WebhookDelivery) -> WebhookDelivery:
    """« Renvoyer »: send the delivery again now (same id, so a receiver that already has it
    can ignore it). The endpoint must be active."""
    with transaction.atomic():
        locked = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=delivery.pk)
        )
        if not locked.endpoint.active:
            raise WebhookRefused("Cette adresse est désactivée : réactivez-la avant de renvoyer.")
        before = {"status": locked.status, "attempts": locked.attempts}
        locked.status = WebhookDeliveryStatus.PENDING
        locked.delivered_at = None
        locked.next_attempt_at = timezone.now()
        if locked.attempts >= MAX_ATTEMPTS:
            locked.attempts = MAX_ATTEMPTS - 1  # one more try
        locked.save(update_fields=["status", "delivered_at", "next_attempt_at", "attempts"])
        audit_log_write(actor=actor, action="webhook.resend", obj=locked, before=before, after={})
        send("notifications.webhook_deliver", locked.pk)
    return locked


def webhook_sweep(*, now: dt.datetime | None = None) -> int:
    """Beat, every minute: queue the pending deliveries that are due (retries, lost tasks)."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in due:
        send("notifications.webhook_deliver", pk)
    return len(due)


# --- reads ------------------------------------------------------------------------------------


def webhook_endpoints_of(structure: Any) -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(structure=structure).order_by("pk"))


def webhook_endpoint_get(*, structure: Any, endpoint_id: int) -> WebhookEndpoint:
    """The structure's endpoint; another structure's does not exist for it (404)."""
    endpoint = WebhookEndpoint.objects.filter(structure=structure, pk=endpoint_id).first()
    if endpoint is None:
        raise Http404
    return endpoint


def webhook_deliveries_of(endpoint: WebhookEndpoint, *, limit: int = 50) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-pk")[:limit])


def webhook_delivery_get(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint, pk=delivery_id).first()
    if delivery is None:
        raise Http404
    return delivery
