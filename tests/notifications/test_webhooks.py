"""Signed webhooks (issue 14) against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from choeur.lifecycle.services import invoice_apply_action
from choeur.notifications.enums import NotificationKind
from choeur.notifications.models import Notification
from choeur.notifications.webhook_models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEvent,
)
from choeur.notifications.webhooks import (
    WebhookRefused,
    webhook_delivery_attempt,
    webhook_emit,
    webhook_endpoint_create,
    webhook_sweep,
)
from tests.api.conftest import (  # noqa: F401 - autouse: /api/v1/webhooks answers match the OpenAPI
    make_api_account,
    make_structure,
    responses_match_the_openapi_document,
)
from tests.structures.factories import UserFactory, member_add, structure_with_manager

ALL_EVENTS = list(WebhookEvent.values)


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/notifications.md gives it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


class Receiver:
    """A real HTTP server in a thread: records each request, answers the statuses queued."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.default = 200
        self.body = b""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append((dict(self.headers.items()), data))
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.default
                answer = receiver.body or (b"ok" if status < 400 else b"boom")
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    made = Receiver()
    made.thread.start()
    yield made
    made.server.shutdown()
    made.server.server_close()


@pytest.fixture
def supplier(db: Any) -> tuple[Any, Any]:
    return structure_with_manager()


def _endpoint(structure: Any, url: str, manager: Any = None) -> WebhookEndpoint:
    return webhook_endpoint_create(actor=manager, structure=structure, url=url, events=ALL_EVENTS)


def _emit(structure: Any, capture: Any) -> WebhookDelivery:
    with capture(execute=True):
        [delivery] = webhook_emit(
            structure=structure,
            event=WebhookEvent.FLUX_REJETE,
            payload={"numeroFluxDepot": "FX-1", "etatCourantFlux": "IN_REJETE"},
        )
    delivery.refresh_from_db()
    return delivery


def test_a_status_change_is_delivered_after_commit_with_a_verifiable_signature(
    receiver, world, mad_invoice, django_capture_on_commit_callbacks
):
    invoice = mad_invoice
    endpoint = _endpoint(world.supplier, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_apply_action(
            invoice=invoice,
            to_status="SUSPENDUE",
            actor_user=world.agent,
            actor_kind="RECIPIENT",
            reason="Bon de livraison manquant",
        )
        assert receiver.requests == []  # nothing leaves before the commit
    [(headers, body)] = receiver.requests
    assert verify(endpoint.secret, headers["X-Choeur-Signature"], body)
    assert not verify("0" * 64, headers["X-Choeur-Signature"], body)
    assert headers["X-Choeur-Event"] == "facture.statut"
    sent = json.loads(body)
    assert sent["data"] == {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statutPrecedent": "MISE_A_DISPOSITION",
        "statut": "SUSPENDUE",
    }
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Choeur-Delivery"] == str(delivery.pk) == str(sent["id"])
    assert delivery.status == WebhookDeliveryStatus.DELIVERED
    assert delivery.last_status_code == 200


def test_a_500_is_retried_by_the_sweeper_with_backoff_then_delivered(
    receiver, supplier, django_capture_on_commit_callbacks
):
    structure, _manager = supplier
    _endpoint(structure, receiver.url)
    receiver.statuses = [500]
    delivery = _emit(structure, django_capture_on_commit_callbacks)
    assert delivery.status == WebhookDeliveryStatus.PENDING
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.response_excerpt == "boom"
    wait = delivery.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_sweep() == 0  # not due yet
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.DELIVERED, 2)
    [first, second] = receiver.requests
    assert first[0]["X-Choeur-Delivery"] == second[0]["X-Choeur-Delivery"]
    assert WebhookEndpoint.objects.get().failing_since is None


def test_an_endpoint_failing_past_the_delay_is_disabled_and_its_managers_told(
    receiver, supplier, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_HOURS = 72
    structure, manager = supplier
    endpoint = _endpoint(structure, receiver.url)
    receiver.default = 503
    delivery = _emit(structure, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    started = endpoint.failing_since
    assert started is not None and endpoint.active
    webhook_delivery_attempt(delivery_id=delivery.pk, now=started + dt.timedelta(hours=71))
    endpoint.refresh_from_db()
    assert endpoint.active
    webhook_delivery_attempt(delivery_id=delivery.pk, now=started + dt.timedelta(hours=73))
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert "72 h" in endpoint.disabled_reason
    assert delivery.status == WebhookDeliveryStatus.FAILED
    [notice] = Notification.objects.filter(user=manager)
    assert notice.kind == NotificationKind.ACCOUNT
    assert endpoint.url in notice.title
    # A disabled endpoint gets nothing more.
    assert webhook_emit(structure=structure, event=WebhookEvent.FLUX_REJETE, payload={}) == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8000/hook", "https://"),
        ("https://127.0.0.1/hook", "interne"),
        ("https://10.0.0.1/hook", "interne"),
        ("https://169.254.169.254/latest/meta-data/", "interne"),
        ("https://localhost/hook", "interne"),  # a name that resolves to loopback
        ("https://[::1]/hook", "interne"),
    ],
)
def test_internal_targets_are_refused(supplier, settings, url, why):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    structure, manager = supplier
    with pytest.raises(WebhookRefused, match=why):
        _endpoint(structure, url, manager)
    assert not WebhookEndpoint.objects.exists()


def test_the_guard_runs_again_at_delivery_time(
    receiver, supplier, settings, django_capture_on_commit_callbacks
):
    structure, _manager = supplier
    _endpoint(structure, receiver.url)
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    delivery = _emit(structure, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert delivery.status == WebhookDeliveryStatus.PENDING
    assert "https://" in delivery.last_error


def test_a_redirect_is_not_followed(receiver, supplier, django_capture_on_commit_callbacks):
    structure, _manager = supplier
    _endpoint(structure, receiver.url)
    receiver.statuses = [302]
    delivery = _emit(structure, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    assert delivery.status == WebhookDeliveryStatus.PENDING
    assert "Redirection" in delivery.last_error


def test_the_page_shows_the_secret_once_and_renvoyer_sends_again(
    receiver, supplier, client, django_capture_on_commit_callbacks
):
    structure, manager = supplier
    client.force_login(manager)
    response = client.post(
        reverse("structures:webhook_create", args=[structure.pk]),
        {"url": receiver.url, "events": ["flux.rejete", "facture.recue"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    receiver.statuses = [500]
    delivery = _emit(structure, django_capture_on_commit_callbacks)
    page = client.get(reverse("structures:webhook", args=[structure.pk, endpoint.pk]))
    text = page.content.decode()
    assert endpoint.secret not in text
    assert "HTTP 500" in text and "Renvoyer" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("structures:webhook_resend", args=[structure.pk, endpoint.pk, delivery.pk]),
            follow=True,
        )
    assert f"La livraison n° {delivery.pk} est renvoyée" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.DELIVERED
    assert len(receiver.requests) == 2


def test_another_structures_endpoints_are_not_found(receiver, supplier, client):
    structure, manager = supplier
    other, other_manager = structure_with_manager()
    endpoint = _endpoint(other, receiver.url)
    client.force_login(manager)
    for url in (
        reverse("structures:webhooks", args=[other.pk]),
        reverse("structures:webhook", args=[structure.pk, endpoint.pk]),
        reverse("structures:webhook", args=[other.pk, endpoint.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("structures:webhook_delete", args=[structure.pk, endpoint.pk])
        ).status_code
        == 404
    )
    member = UserFactory()
    member_add(other, member)
    client.force_login(member)
    assert client.get(reverse("structures:webhooks", args=[other.pk])).status_code == 403
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_api_creates_lists_and_deletes_the_structures_endpoints(receiver, client, db):
    account = make_api_account(make_structure("73282932000074", "Menuiserie Durand"), client)
    created = account.post(
        "/api/v1/webhooks", {"url": receiver.url, "evenements": ["flux.integre"]}
    )
    assert created.status_code == 200, created.content
    made = created.json()
    assert made["codeRetour"] == 0 and len(made["secret"]) == 64
    listed = account.client.get(
        "/api/v1/webhooks",
        HTTP_AUTHORIZATION=f"Bearer {account.token}",
        HTTP_CPRO_ACCOUNT=account.cpro_account(),
    ).json()
    [row] = listed["listeWebhooks"]
    assert row["idWebhook"] == made["idWebhook"] and "secret" not in row
    bad = account.post("/api/v1/webhooks", {"url": "https://10.0.0.1/", "evenements": ["x"]})
    assert bad.status_code == 400 and bad.json()["codeRetour"] == 20001
    other = _endpoint(make_structure("40483304800022", "Autre"), receiver.url)
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {account.token}",
        "HTTP_CPRO_ACCOUNT": account.cpro_account(),
    }
    gone = account.client.delete(f"/api/v1/webhooks/{other.pk}", **headers)
    assert gone.status_code == 404 and gone.json()["codeRetour"] == 20002
    assert (
        account.client.delete(f"/api/v1/webhooks/{made['idWebhook']}", **headers).json()[
            "codeRetour"
        ]
        == 0
    )
    assert list(WebhookEndpoint.objects.all()) == [other]
    assert client.get("/api/v1/webhooks").status_code == 401


def test_an_integrated_flux_tells_the_supplier_and_the_recipient(
    receiver, client, db, django_capture_on_commit_callbacks
):
    import base64

    from choeur.structures.enums import Espace
    from tests.api.conftest import RECIPIENT_SIRET
    from tests.invoices.samples import Sample

    account = make_api_account(make_structure("73282932000074", "Menuiserie Durand"), client)
    recipient = make_structure(RECIPIENT_SIRET, "Commune de Test", public=True)
    make_api_account(recipient, client, espace=Espace.FACTURES_RECUES)
    supplier_endpoint = _endpoint(account.structure, receiver.url)
    _endpoint(recipient, receiver.url)
    data = Sample(seller_siret=account.structure.identifier, buyer_siret=RECIPIENT_SIRET).cii()
    with django_capture_on_commit_callbacks(execute=True):
        answer = account.post(
            "/cpro/factures/v1/deposer/flux",
            {"fichierFlux": base64.b64encode(data).decode(), "nomFichier": "f.xml"},
        )
    numero = answer.json()["numeroFluxDepot"]
    assert len(receiver.requests) == 2
    sent = {h["X-Choeur-Event"]: json.loads(b) for h, b in receiver.requests}
    assert set(sent) == {"flux.integre", "facture.recue"}
    assert sent["flux.integre"]["data"] == {
        "numeroFluxDepot": numero,
        "etatCourantFlux": "IN_INTEGRE",
    }
    assert sent["facture.recue"]["structure"] == RECIPIENT_SIRET
    assert sent["facture.recue"]["data"]["statut"] == "MISE_A_DISPOSITION"
    flux_request = next(r for r in receiver.requests if r[0]["X-Choeur-Event"] == "flux.integre")
    assert verify(supplier_endpoint.secret, flux_request[0]["X-Choeur-Signature"], flux_request[1])


def test_the_admin_never_shows_the_secret(receiver, supplier, client):
    from choeur.accounts.models import User

    structure, _manager = supplier
    endpoint = _endpoint(structure, receiver.url)
    admin = User.objects.create_superuser(email="admin@example.org", password="Admin-2026!x")
    client.force_login(admin)
    for url in (
        reverse("admin:notifications_webhookendpoint_changelist"),
        reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert endpoint.secret not in response.content.decode()


def test_the_page_refuses_an_internal_address_and_deletes_an_endpoint(
    receiver, supplier, client, settings
):
    structure, manager = supplier
    client.force_login(manager)
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = client.post(
        reverse("structures:webhook_create", args=[structure.pk]),
        {"url": "https://169.254.169.254/latest", "events": ["flux.rejete"]},
    )
    assert response.status_code == 200
    assert "adresse interne" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    endpoint = _endpoint(structure, receiver.url, manager)
    assert (
        receiver.url
        in client.get(reverse("structures:webhooks", args=[structure.pk])).content.decode()
    )
    response = client.post(reverse("structures:webhook_delete", args=[structure.pk, endpoint.pk]))
    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_a_large_answer_is_read_within_the_cap_and_kept_short(
    receiver, supplier, django_capture_on_commit_callbacks
):
    structure, _manager = supplier
    _endpoint(structure, receiver.url)
    receiver.body = b"x" * (1024 * 1024)
    delivery = _emit(structure, django_capture_on_commit_callbacks)
    assert delivery.status == WebhookDeliveryStatus.DELIVERED
    assert delivery.response_excerpt == "x" * 1000
