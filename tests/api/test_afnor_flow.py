"""The XP Z12-013 Flow Service (issue 18, point 1) through Django's test client: every answer
is checked against the document (tests/api/test_afnor_flow_spec.py)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from choeur.api.afnor.models import Flow, FlowWebhook
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Flux, Invoice
from choeur.lifecycle.services import invoice_apply_action
from choeur.notifications.webhook_models import WebhookDelivery, WebhookEndpoint
from tests.api.conftest import (
    RECIPIENT_SIRET,
    ApiAccount,
    make_api_account,
    make_structure,
    other_supplier_account,
)
from tests.api.test_afnor_flow_spec import PREFIX, check_answer
from tests.invoices.samples import Sample
from tests.lifecycle.test_cdar import assert_valid

V1 = f"{PREFIX}/v1"


class FlowApi:
    """The Flow Service as a client calls it: bearer token only, answers checked."""

    def __init__(self, account: ApiAccount) -> None:
        self.account = account

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        data: dict[str, Any] | None = None,
        token: str | None = None,
        **headers: str,
    ) -> Any:
        if token is None:
            token = self.account.token or self.account.fetch_token()
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        extra.update(headers)
        client: Client = self.account.client
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        elif data is not None:
            kwargs = {"data": data}
        response = getattr(client, method.lower())(V1 + path, **kwargs, **extra)
        response.parsed = check_answer(
            path=V1 + path,
            method=method,
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            content=response.content,
        )
        return response

    def submit(self, content: bytes, *, capture: Any = None, **info: Any) -> Any:
        flow_info = {"name": "facture.xml", "flowSyntax": "CII", **info}
        data = {"flowInfo": json.dumps(flow_info), "file": _file(content, flow_info["name"])}
        if capture is None:
            return self.call("POST", "/flows", data=data)
        with capture(execute=True):
            return self.call("POST", "/flows", data=data)


def _file(content: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/xml")


@pytest.fixture
def recipient(db: Any) -> ApiAccount:
    from choeur.structures.enums import Espace

    structure = make_structure(RECIPIENT_SIRET, "Commune de Test", public=True)
    return make_api_account(structure, Client(), espace=Espace.FACTURES_RECUES)


@pytest.fixture
def supplier(api_account: ApiAccount, recipient: ApiAccount) -> FlowApi:
    return FlowApi(api_account)


@pytest.fixture
def buyer(recipient: ApiAccount) -> FlowApi:
    return FlowApi(recipient)


def _invoice(supplier: FlowApi, **sample: Any) -> bytes:
    return Sample(
        seller_siret=supplier.account.structure.identifier, buyer_siret=RECIPIENT_SIRET, **sample
    ).cii()


def _deposit(supplier: FlowApi, capture: Any, **sample: Any) -> tuple[Flow, Invoice]:
    response = supplier.submit(_invoice(supplier, **sample), capture=capture)
    assert response.status_code == 202, response.content
    flow = Flow.objects.get(flow_id=response.parsed["flowId"])
    return flow, Invoice.objects.get(flux=flow.flux)


# --- authentication, errors --------------------------------------------------------------------


def test_healthcheck_answers_200_without_a_body_and_without_a_token(
    client: Client, db: Any
) -> None:
    response = client.get(f"{V1}/healthcheck")
    check_answer(
        path=f"{V1}/healthcheck",
        method="GET",
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        content=response.content,
    )
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("token", ["", "not-a-token"])
def test_no_or_a_wrong_token_is_a_401_in_the_error_schema(supplier: FlowApi, token: str) -> None:
    response = supplier.call("POST", "/flows/search", body={"where": {}}, token=token)
    assert response.status_code == 401
    assert response.parsed["errorCode"] in {"MISSING_TOKEN", "INVALID_TOKEN"}
    assert "Bearer" in response["WWW-Authenticate"]


def test_an_unknown_path_and_a_wrong_method_answer_json_not_html(supplier: FlowApi) -> None:
    missing = supplier.call("GET", "/nothing-here")
    assert missing.status_code == 404
    assert missing.parsed["errorCode"] == "MISSING_RESOURCE"
    wrong = supplier.call("DELETE", "/flows")
    assert wrong.status_code == 405
    assert wrong["Allow"] == "POST"


def test_another_organization_id_is_refused(supplier: FlowApi) -> None:
    response = supplier.call(
        "POST",
        "/flows/search",
        body={"where": {"ackStatus": "Ok"}},
        HTTP_ORGANIZATION_ID="40483304800022",
    )
    assert response.status_code == 403
    assert "40483304800022" in response.parsed["errorMessage"]
    same = supplier.call(
        "POST",
        "/flows/search",
        body={"where": {"ackStatus": "Ok"}},
        HTTP_ORGANIZATION_ID=supplier.account.structure.identifier[:9],
    )
    assert same.status_code == 200


# --- POST /v1/flows: invoices -------------------------------------------------------------------


def test_an_invoice_is_deposited_integrated_and_acknowledged(
    supplier: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    content = _invoice(supplier)
    response = supplier.submit(
        content,
        capture=django_capture_on_commit_callbacks,
        trackingId="ERP-42",
        sha256=hashlib.sha256(content).hexdigest(),
    )
    assert response.status_code == 202
    info = response.parsed
    assert info["trackingId"] == "ERP-42" and info["processingRule"] == "B2G"
    flow = Flow.objects.get(flow_id=info["flowId"])
    # The same pipeline as the pages and /cpro: a Flux deposited by the API, integrated.
    assert flow.flux is not None and flow.flux.mode_depot == "UPLOAD_API"
    invoice = Invoice.objects.get(flux=flow.flux)
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION

    meta = supplier.call("GET", f"/flows/{info['flowId']}").parsed
    assert meta["acknowledgement"] == {"status": "Ok"}
    assert meta["flowType"] == "CustomerInvoice" and meta["flowDirection"] == "Out"
    assert meta["flowProfile"] == "CIUS"  # BT-24 urn:cen.eu:en16931:2017
    assert meta["processingRuleSource"] == "Computed"

    original = supplier.call("GET", f"/flows/{info['flowId']}?docType=Original")
    assert original.status_code == 200 and original.content == content
    assert original["Cache-Control"] == "private, no-store"
    assert original["Content-Disposition"].startswith("attachment;filename=")
    converted = supplier.call("GET", f"/flows/{info['flowId']}?docType=Converted")
    assert converted.status_code == 404  # a CII is integrated as received: nothing converted


def test_a_rejected_invoice_is_acknowledged_error_with_the_rules_broken(
    supplier: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    response = supplier.submit(
        _invoice(supplier, payable="999.99"), capture=django_capture_on_commit_callbacks
    )
    flow_id = response.parsed["flowId"]
    meta = supplier.call("GET", f"/flows/{flow_id}").parsed
    ack = meta["acknowledgement"]
    assert ack["status"] == "Error"
    codes = {detail["reasonCode"] for detail in ack["details"]}
    assert "BR-CO-16" in codes, ack  # amount due = total with VAT - paid
    assert all(detail["reasonMessage"] for detail in ack["details"])
    assert not Invoice.objects.filter(flux__afnor_flows__flow_id=flow_id).exists()


def test_a_retried_deposit_with_the_same_idempotency_key_is_the_same_flow(
    supplier: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    content = _invoice(supplier)
    data = lambda: {  # noqa: E731
        "flowInfo": json.dumps({"name": "f.xml", "flowSyntax": "CII"}),
        "file": _file(content, "f.xml"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = supplier.call("POST", "/flows", data=data(), HTTP_IDEMPOTENCY_KEY="k-1")
        second = supplier.call("POST", "/flows", data=data(), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.parsed["flowId"] == second.parsed["flowId"]
    assert Flux.objects.count() == 1 and Invoice.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({"file": "x"}, 400, "MISSING_REQUIRED_FIELD"),
        ({"flowInfo": "{not json"}, 400, "INVALID_REQUEST"),
        ({"flowInfo": json.dumps({"name": "f.xml"})}, 400, "MISSING_REQUIRED_FIELD"),
        ({"flowInfo": json.dumps({"name": "f.xml", "flowSyntax": "PDF"})}, 400, "INVALID_REQUEST"),
        (
            {"flowInfo": json.dumps({"name": "f.xml", "flowSyntax": "CII", "x": 1})},
            400,
            "INVALID_REQUEST",
        ),
        (
            {"flowInfo": json.dumps({"name": "f.xml", "flowSyntax": "FRR"})},
            422,
            "UNSUPPORTED_FLOW_SYNTAX",
        ),
        (
            {
                "flowInfo": json.dumps(
                    {"name": "f.xml", "flowSyntax": "CII", "processingRule": "B2B"}
                )
            },
            422,
            "UNSUPPORTED_PROCESSING_RULE",
        ),
        (
            {"flowInfo": json.dumps({"name": "f.xml", "flowSyntax": "CII", "sha256": "0" * 64})},
            422,
            "CHECKSUM_MISMATCH",
        ),
    ],
)
def test_a_wrong_submission_is_refused_and_writes_nothing(
    supplier: FlowApi, data: dict[str, Any], status: int, code: str
) -> None:
    payload = dict(data)
    if payload.pop("file", None) is None:  # {"file": "x"}: the case without a file part
        payload["file"] = _file(_invoice(supplier), "f.xml")
    response = supplier.call("POST", "/flows", data=payload)
    assert response.status_code == status, response.content
    assert response.parsed["errorCode"] == code
    assert response.parsed["errorMessage"]
    assert not Flow.objects.exists() and not Flux.objects.exists()


def test_an_empty_file_and_a_json_body_are_refused(supplier: FlowApi) -> None:
    empty = supplier.call(
        "POST",
        "/flows",
        data={
            "flowInfo": json.dumps({"name": "f.xml", "flowSyntax": "CII"}),
            "file": _file(b"", "f.xml"),
        },
    )
    assert empty.status_code == 400
    as_json = supplier.call("POST", "/flows", body={"flowInfo": {}})
    assert as_json.status_code == 400 and as_json.parsed["errorCode"] == "INVALID_CONTENT_TYPE"
    assert not Flux.objects.exists()


# --- lifecycle flows: status changes as CDAR ----------------------------------------------------


def test_each_status_change_is_a_lifecycle_flow_whose_original_is_a_valid_cdar(
    supplier: FlowApi, buyer: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    _, invoice = _deposit(supplier, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_apply_action(
            invoice=invoice,
            to_status="SUSPENDUE",
            actor_user=_tech_user(buyer),
            actor_kind="RECIPIENT",
            reason="Il manque le bon de livraison",
        )
    found = supplier.call(
        "POST", "/flows/search", body={"where": {"flowType": ["CustomerInvoiceLC"]}}
    ).parsed["results"]
    assert [f["flowDirection"] for f in found] == ["In", "In", "In"]
    assert all(f["flowSyntax"] == "CDAR" and f["acknowledgement"]["status"] == "Ok" for f in found)
    codes = []
    for flow in found:
        original = supplier.call("GET", f"/flows/{flow['flowId']}?docType=Original")
        assert original["Content-Type"] == "application/octet-stream"
        assert original["Content-Disposition"].endswith('.xml"')
        assert_valid(original.content)  # CDAR D22B XSD and BR-FR-CDV
        again = supplier.call("GET", f"/flows/{flow['flowId']}?docType=Original")
        assert again.content == original.content  # the same message at every download
        codes.append(_status_code(original.content))
    assert codes == ["200", "203", "208"]  # Déposée, Mise à disposition, Suspendue
    readable = supplier.call("GET", f"/flows/{found[0]['flowId']}?docType=ReadableView")
    assert readable.status_code == 404


def _tech_user(account: FlowApi) -> Any:
    from choeur.structures.models import TechnicalAccount

    return TechnicalAccount.objects.get(structure=account.account.structure).user


def _status_code(cdar: bytes) -> str:
    from lxml import etree

    root = etree.fromstring(cdar)
    return str(root.xpath("string(//*[local-name()='ProcessConditionCode'])"))


def test_the_buyer_receives_the_invoice_as_a_supplier_invoice_flow(
    supplier: FlowApi, buyer: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    content = _invoice(supplier)
    with django_capture_on_commit_callbacks(execute=True):
        supplier.submit(content)
    [received] = buyer.call(
        "POST", "/flows/search", body={"where": {"flowDirection": ["In"]}}
    ).parsed["results"]
    assert received["flowType"] == "SupplierInvoice"
    original = buyer.call("GET", f"/flows/{received['flowId']}?docType=Original")
    assert original.content == content
    # The supplier's flows are not the buyer's.
    assert not buyer.call(
        "POST", "/flows/search", body={"where": {"flowType": ["CustomerInvoice"]}}
    ).parsed["results"]


# --- POST /v1/flows: a CDAR from the buyer's software ------------------------------------------


def buyer_cdar(invoice: Invoice, *, code: str, reason: str = "", text: str = "") -> bytes:
    from choeur.einvoice import cdar as pure

    now = timezone.localtime()
    status = pure.CdarParty(role="BY", global_id=RECIPIENT_SIRET[:9], scheme="0002")
    return pure.write_cdar(
        pure.CdarMessage(
            message_id=f"ERP-{code}",
            created_at=now,
            sender=pure.CdarParty(role="WK", global_id="9999", scheme="0238"),
            issuer=status,
            recipients=(
                pure.CdarParty(
                    role="SE",
                    global_id=invoice.supplier.identifier[:9],
                    scheme="0002",
                    address=invoice.supplier.identifier[:9],
                ),
            ),
            phase="23",
            status_at=now,
            invoice_number=invoice.number,
            invoice_issue_date=invoice.issue_date,
            seller_id=invoice.supplier.identifier[:9],
            status_code=code,
            reason_code=reason,
            reason_text=text,
        )
    )


def test_a_cdar_from_the_buyer_moves_the_invoice_like_the_portal(
    supplier: FlowApi, buyer: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    _, invoice = _deposit(supplier, django_capture_on_commit_callbacks)
    data = {
        "flowInfo": json.dumps({"name": "refus.xml", "flowSyntax": "CDAR"}),
        "file": _file(
            buyer_cdar(invoice, code="210", reason="DOUBLON", text="Déjà reçue"), "refus.xml"
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.call("POST", "/flows", data=data)
    assert response.status_code == 202
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REJETEE
    meta = buyer.call("GET", f"/flows/{response.parsed['flowId']}").parsed
    assert meta["flowType"] == "SupplierInvoiceLC" and meta["flowDirection"] == "Out"
    assert meta["acknowledgement"] == {"status": "Ok"}
    # The supplier sees the refusal as his lifecycle flow (210).
    last = supplier.call(
        "POST", "/flows/search", body={"where": {"flowType": ["CustomerInvoiceLC"]}}
    ).parsed["results"][-1]
    cdar = supplier.call("GET", f"/flows/{last['flowId']}?docType=Original").content
    assert _status_code(cdar) == "210"
    assert_valid(cdar)


def test_a_cdar_the_lifecycle_refuses_is_an_error_flow_and_changes_nothing(
    supplier: FlowApi, buyer: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    _, invoice = _deposit(supplier, django_capture_on_commit_callbacks)
    data = {
        "flowInfo": json.dumps({"name": "refus.xml", "flowSyntax": "CDAR"}),
        "file": _file(buyer_cdar(invoice, code="210"), "refus.xml"),  # no reason: BR-FR-CDV-15
    }
    response = buyer.call("POST", "/flows", data=data)
    assert response.status_code == 202
    meta = buyer.call("GET", f"/flows/{response.parsed['flowId']}").parsed
    [detail] = meta["acknowledgement"]["details"]
    assert meta["acknowledgement"]["status"] == "Error"
    assert detail["reasonCode"] == "BR-FR-CDV-15" and "motif" in detail["reasonMessage"]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    # Someone else's invoice is unknown to the supplier's own account.
    other = supplier.call(
        "POST",
        "/flows",
        data={
            "flowInfo": json.dumps({"name": "x.xml", "flowSyntax": "CDAR"}),
            "file": _file(buyer_cdar(invoice, code="205"), "x.xml"),
        },
    )
    ack = supplier.call("GET", f"/flows/{other.parsed['flowId']}").parsed["acknowledgement"]
    assert ack["status"] == "Error" and ack["details"][0]["reasonCode"] == "TRANSAC_INC"


# --- search ----------------------------------------------------------------------------------


def test_search_pages_with_a_cursor_in_update_order_and_filters(
    supplier: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    for number in range(3):
        _deposit(supplier, django_capture_on_commit_callbacks, number=f"FA-{number}")
    # 3 invoices (Out) and their 200 and 203 (In): 9 flows.
    seen: list[str] = []
    cursor = None
    while True:
        body: dict[str, Any] = {"limit": 4, "where": {"updatedAfter": "2020-01-01T00:00:00Z"}}
        if cursor:
            body["cursor"] = cursor
        page = supplier.call("POST", "/flows/search", body=body).parsed
        assert page["limit"] == 4 and page["filters"] == body["where"]
        seen += [flow["flowId"] for flow in page["results"]]
        cursor = page.get("nextCursor")
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 9
    updated = [Flow.objects.get(flow_id=f).updated_at for f in seen]
    assert updated == sorted(updated)
    outgoing = supplier.call(
        "POST",
        "/flows/search",
        body={"where": {"flowDirection": ["Out"], "ackStatus": "Ok", "processingRule": ["B2G"]}},
    ).parsed["results"]
    assert len(outgoing) == 3
    late = Flow.objects.get(flow_id=seen[4]).updated_at
    after = supplier.call(
        "POST",
        "/flows/search",
        body={"where": {"updatedAfter": late.isoformat()}},
    ).parsed["results"]
    later = [f for f in seen if Flow.objects.get(flow_id=f).updated_at > late]
    assert [f["flowId"] for f in after] == later and len(later) >= 4
    before = supplier.call(
        "POST",
        "/flows/search",
        body={"where": {"updatedBefore": (late + dt.timedelta(microseconds=1)).isoformat()}},
    ).parsed["results"]
    assert [f["flowId"] for f in before] == [f for f in seen if f not in later]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"where": {}},
        {"where": {"updatedAfter": "hier"}},
        {"where": {"flowType": "CustomerInvoice"}},
        {"where": {"ackStatus": "Ok"}, "limit": 101},
        {"where": {"ackStatus": "Ok"}, "cursor": "pas-un-curseur"},
        {"where": {"colour": "blue"}},
    ],
)
def test_a_wrong_search_is_a_400_that_says_why(supplier: FlowApi, body: dict[str, Any]) -> None:
    response = supplier.call("POST", "/flows/search", body=body)
    assert response.status_code == 400
    assert response.parsed["errorMessage"]


def test_another_structures_flow_is_not_found(
    supplier: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    flow, _ = _deposit(supplier, django_capture_on_commit_callbacks)
    other = FlowApi(other_supplier_account(Client()))
    assert other.call("GET", f"/flows/{flow.flow_id}").status_code == 404
    assert other.call("GET", "/flows/not-a-uuid").status_code == 404
    assert other.call("GET", f"/flows/{flow.flow_id}?docType=Nope").status_code == 400


# --- webhooks --------------------------------------------------------------------------------


def test_webhooks_are_created_listed_read_and_deleted_by_their_owner_only(
    supplier: FlowApi, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    created = supplier.call(
        "POST",
        "/webhooks",
        body={"callbackUrl": "http://127.0.0.1:9/hook", "flowTypes": ["CustomerInvoiceLC"]},
    )
    assert created.status_code == 201
    webhook_id = created.parsed["webhookId"]
    assert len(base64.b64decode(created.parsed["signingKey"])) == 32  # 256 bits
    listed = supplier.call("GET", "/webhooks").parsed
    assert listed["count"] == 1 and listed["webhookIds"] == [webhook_id]
    [shown] = listed["webhooks"]
    assert shown["flowTypes"] == ["CustomerInvoiceLC"] and "signingKey" not in shown
    assert supplier.call("GET", f"/webhooks/{webhook_id}").parsed["callbackUrl"].endswith("/hook")
    # A second technical account of the same structure does not see it.
    second = FlowApi(_second_account(supplier))
    assert second.call("GET", "/webhooks").parsed["count"] == 0
    assert second.call("DELETE", f"/webhooks/{webhook_id}").status_code == 404
    deleted = supplier.call("DELETE", f"/webhooks/{webhook_id}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert not FlowWebhook.objects.exists() and not WebhookEndpoint.objects.exists()
    assert supplier.call("DELETE", f"/webhooks/{webhook_id}").status_code == 404


def _second_account(api: FlowApi) -> ApiAccount:
    from choeur.accounts.models import User
    from choeur.structures.services.technical import technical_account_create

    manager = User.objects.get(email=f"gestion-{api.account.structure.identifier}@example.org")
    made = technical_account_create(actor=manager, structure=api.account.structure)
    return ApiAccount(
        client=Client(),
        login=made.account.login,
        password=made.password,
        client_id=made.account.application.client_id,
        client_secret=made.client_secret or "",
        structure=api.account.structure,
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "MISSING_REQUIRED_FIELD"),
        ({"callbackUrl": "http://127.0.0.1/hook"}, "INVALID_CALLBACK_URL"),
        ({"callbackUrl": "https://example.org/h", "flowDirection": "Sideways"}, "INVALID_REQUEST"),
    ],
)
def test_a_wrong_or_internal_callback_is_refused(
    supplier: FlowApi, body: dict[str, Any], code: str
) -> None:
    response = supplier.call("POST", "/webhooks", body=body)
    assert response.status_code == 400
    assert response.parsed["errorCode"] == code
    assert not WebhookEndpoint.objects.exists()


def test_a_subscription_gets_only_the_flows_its_filters_select(
    supplier: FlowApi, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    supplier.call(
        "POST",
        "/webhooks",
        body={
            "callbackUrl": "http://127.0.0.1:9/lc",
            "flowTypes": ["CustomerInvoiceLC"],
        },
    )
    supplier.call(
        "POST",
        "/webhooks",
        body={
            "callbackUrl": "http://127.0.0.1:9/out",
            "flowDirection": "Out",
        },
    )
    _deposit_without_delivery(supplier, django_capture_on_commit_callbacks)
    by_url: dict[str, list[str]] = {}
    for delivery in WebhookDelivery.objects.select_related("endpoint").order_by("pk"):
        by_url.setdefault(delivery.endpoint.url.rsplit("/", 1)[-1], []).append(
            delivery.payload["flowType"]
        )
    assert by_url == {"lc": ["CustomerInvoiceLC", "CustomerInvoiceLC"], "out": ["CustomerInvoice"]}


def _deposit_without_delivery(supplier: FlowApi, capture: Any) -> None:
    from unittest import mock

    with mock.patch("choeur.notifications.webhooks._send", return_value=(200, "", "")):
        _deposit(supplier, capture)


def test_a_flow_service_endpoint_gets_none_of_the_platforms_own_events(
    supplier: FlowApi, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Its endpoint subscribes to no Chœur event: a « flux.integre » webhook of /api/v1 is not
    sent to it in Chœur's format, only the flows its filters select."""
    from choeur.notifications.webhook_models import WebhookEvent
    from choeur.notifications.webhooks import webhook_emit

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    supplier.call("POST", "/webhooks", body={"callbackUrl": "http://127.0.0.1:9/afnor"})
    assert (
        webhook_emit(
            structure=supplier.account.structure,
            event=WebhookEvent.FLUX_INTEGRE,
            payload={"numeroFluxDepot": "X", "etatCourantFlux": "IN_INTEGRE"},
        )
        == []
    )


def test_the_database_out_of_reach_is_a_503_and_a_crash_a_500_both_in_the_error_schema(
    supplier: FlowApi, client: Client
) -> None:
    from unittest import mock

    from django.db import OperationalError

    with mock.patch("choeur.api.afnor.views.connection") as fake:
        fake.cursor.side_effect = OperationalError("connection refused")
        down = client.get(f"{V1}/healthcheck")
    check_answer(
        path=f"{V1}/healthcheck",
        method="GET",
        status=down.status_code,
        content_type=down.get("Content-Type", ""),
        content=down.content,
    )
    assert down.status_code == 503 and down["Retry-After"]
    assert down.json()["errorCode"] == "RESOURCE_ERROR"
    with mock.patch("choeur.api.afnor.services.flow_submit", side_effect=RuntimeError("boom")):
        crash = supplier.submit(_invoice(supplier))
    assert crash.status_code == 500
    assert (
        crash.parsed["errorCode"] == "INTERNAL_ERROR" and "boom" not in crash.parsed["errorMessage"]
    )


def test_a_facturx_flow_offers_its_extracted_xml_as_converted_and_its_pdf_as_readable(
    supplier: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    from choeur import einvoice

    pdf = einvoice.write_facturx(einvoice.read(_invoice(supplier, number="FX-7")))
    response = supplier.submit(
        pdf, capture=django_capture_on_commit_callbacks, name="FX-7.pdf", flowSyntax="Factur-X"
    )
    flow_id = response.parsed["flowId"]
    meta = supplier.call("GET", f"/flows/{flow_id}").parsed
    assert meta["acknowledgement"]["status"] == "Ok", meta
    assert meta["flowSyntax"] == "Factur-X"
    converted = supplier.call("GET", f"/flows/{flow_id}?docType=Converted")
    assert converted.status_code == 200
    assert converted.content.startswith(b"<?xml") and b"FX-7" in converted.content
    assert einvoice.read(converted.content).number == "FX-7"
    readable = supplier.call("GET", f"/flows/{flow_id}?docType=ReadableView")
    assert readable.status_code == 200 and readable.content == pdf


def test_the_buyer_gets_the_sellers_statuses_as_lifecycle_flows_addressed_to_him(
    supplier: FlowApi, buyer: FlowApi, django_capture_on_commit_callbacks: Any
) -> None:
    _, invoice = _deposit(supplier, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_apply_action(
            invoice=invoice,
            to_status="SUSPENDUE",
            actor_user=_tech_user(buyer),
            actor_kind="RECIPIENT",
            reason="Il manque le bon de livraison",
        )
        invoice_apply_action(
            invoice=invoice,
            to_status="COMPLETEE",
            actor_user=_tech_user(supplier),
            actor_kind="SUPPLIER",
            reason="Le voici",
        )
    [completed] = buyer.call(
        "POST", "/flows/search", body={"where": {"flowType": ["SupplierInvoiceLC"]}}
    ).parsed["results"]
    assert completed["flowDirection"] == "In"
    cdar = buyer.call("GET", f"/flows/{completed['flowId']}?docType=Original").content
    assert _status_code(cdar) == "209"  # Complétée: the seller's status, not 208, the buyer's own
    assert_valid(cdar)
    supplier_codes = [
        _status_code(supplier.call("GET", f"/flows/{f['flowId']}?docType=Original").content)
        for f in supplier.call(
            "POST", "/flows/search", body={"where": {"flowType": ["CustomerInvoiceLC"]}}
        ).parsed["results"]
    ]
    assert supplier_codes == ["200", "203", "208", "209"]
