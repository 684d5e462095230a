"""Issue 18, « Done when »: an ERP written strictly from the XP Z12-013 Flow Service document
deposits an invoice over real HTTP, follows its statuses through signed webhooks (a real
receiver on 127.0.0.1), fetches the CDAR of a status change as a flow, and the buyer's
software posts a CDAR that moves the status.

The client below knows the document only: operations are found by operationId, requests are
checked against the document's request schemas before they leave, answers against its
response schemas, webhook calls against its callback, the signature as createWebhook
describes it. It uses none of the project's code (the invoice is a test file; the buyer's
CDAR is written by hand as the CDAR D22B schema and annexe B lay it out)."""

from __future__ import annotations

import base64
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
import urllib3
from lxml import etree

from tests.api.test_afnor_flow_spec import (
    PREFIX,
    assert_schema,
    check_answer,
    check_callback,
    document,
    resolve,
)
from tests.invoices.samples import Sample
from tests.lifecycle.test_cdar import assert_valid

SUPPLIER_SIRET = "73282932000074"
BUYER_SIRET = "12345678200051"


class Receiver:
    """The ERP's webhook endpoint: a real HTTP server that keeps each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.calls.append((dict(self.headers.items()), data))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/erp/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + timeout
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.calls)


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    made = Receiver()
    made.thread.start()
    yield made
    made.server.shutdown()
    made.server.server_close()


class Erp:
    """A company's software speaking the Flow Service, from the document alone."""

    def __init__(self, base_url: str, token_url: str, client_id: str, client_secret: str) -> None:
        self.base = base_url
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        answer = self.http.request(
            "POST",
            token_url,
            fields={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
            encode_multipart=False,
        )
        assert answer.status == 200, answer.data
        self.token = json.loads(answer.data)["access_token"]

    def _operation(self, operation_id: str) -> tuple[str, str, dict[str, Any]]:
        for path, item in document()["paths"].items():
            for method, operation in item.items():
                if operation.get("operationId") == operation_id:
                    return method.upper(), path, operation
        raise AssertionError(f"no operation {operation_id}")

    def call(
        self,
        operation_id: str,
        *,
        path_params: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        json_body: Any = None,
        parts: dict[str, tuple[str | None, bytes, str]] | None = None,
    ) -> tuple[int, dict[str, str], bytes, Any]:
        method, template, operation = self._operation(operation_id)
        path = template.format(**(path_params or {}))
        headers = {"Authorization": f"Bearer {self.token}"}
        body: bytes | None = None
        if "requestBody" in operation:
            content = resolve(operation["requestBody"])["content"]
            if json_body is not None:
                assert_schema(content["application/json"]["schema"], json_body, operation_id)
                body = json.dumps(json_body).encode()
                headers["Content-Type"] = "application/json"
            elif parts is not None:
                described = content["multipart/form-data"]
                schema = resolve(described["schema"])
                assert set(schema["required"]) <= set(parts), operation_id
                info = json.loads(parts["flowInfo"][1])
                assert_schema(schema["properties"]["flowInfo"], info, "flowInfo")
                fields = []
                for name, (filename, data, content_type) in parts.items():
                    declared = described["encoding"][name]["contentType"]
                    assert content_type in declared, (name, content_type, declared)
                    field = urllib3.fields.RequestField(name=name, data=data, filename=filename)
                    field.make_multipart(content_type=content_type)
                    fields.append(field)
                body, headers["Content-Type"] = urllib3.encode_multipart_formdata(fields)
        url = self.base + path
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        answer = self.http.request(method, url, body=body, headers=headers)
        answer_headers = {key.lower(): value for key, value in answer.headers.items()}
        parsed = check_answer(
            path=PREFIX + path + (f"?{url.split('?', 1)[1]}" if query else ""),
            method=method,
            status=answer.status,
            content_type=answer_headers.get("content-type", ""),
            content=answer.data,
        )
        return answer.status, answer_headers, answer.data, parsed


def verify_signature(signing_key: str, headers: dict[str, str], body: bytes) -> bool:
    """createWebhook: HMAC over SHA-256(payload « @ » epoch), base 64, in Afnor-Signature."""
    lowered = {key.lower(): value for key, value in headers.items()}
    timestamp = lowered["afnor-signature-timestamp"]
    if abs(time.time() - int(timestamp)) > 300:
        return False
    fingerprint = hashlib.sha256(body + b"@" + timestamp.encode()).hexdigest()
    expected = hmac.new(base64.b64decode(signing_key), fingerprint.encode(), hashlib.sha256)
    return hmac.compare_digest(
        base64.b64encode(expected.digest()).decode(), lowered["afnor-signature"]
    )


CDAR_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossDomainAcknowledgementAndResponse
  xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>REGULATED</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn.cpro.gouv.fr:1p0:CDV:invoice</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>ERP-{number}-208</ram:ID>
    <ram:Name>{number}-CDV-208_Suspendue</ram:Name>
    <ram:IssueDateTime><udt:DateTimeString format="204">{now}</udt:DateTimeString></ram:IssueDateTime>
    <ram:SenderTradeParty><ram:RoleCode>WK</ram:RoleCode></ram:SenderTradeParty>
    <ram:IssuerTradeParty><ram:GlobalID schemeID="0002">{buyer_siren}</ram:GlobalID><ram:RoleCode>BY</ram:RoleCode></ram:IssuerTradeParty>
    <ram:RecipientTradeParty>
      <ram:GlobalID schemeID="0002">{seller_siren}</ram:GlobalID><ram:RoleCode>SE</ram:RoleCode>
      <ram:URIUniversalCommunication><ram:URIID schemeID="0225">{seller_siren}</ram:URIID></ram:URIUniversalCommunication>
    </ram:RecipientTradeParty>
  </rsm:ExchangedDocument>
  <rsm:AcknowledgementDocument>
    <ram:MultipleReferencesIndicator><udt:Indicator>false</udt:Indicator></ram:MultipleReferencesIndicator>
    <ram:TypeCode>23</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="204">{now}</udt:DateTimeString></ram:IssueDateTime>
    <ram:ReferenceReferencedDocument>
      <ram:IssuerAssignedID>{number}</ram:IssuerAssignedID>
      <ram:TypeCode>380</ram:TypeCode>
      <ram:FormattedIssueDateTime><qdt:DateTimeString format="102">{issue}</qdt:DateTimeString></ram:FormattedIssueDateTime>
      <ram:ProcessConditionCode>208</ram:ProcessConditionCode>
      <ram:ProcessCondition>Suspendue</ram:ProcessCondition>
      <ram:IssuerTradeParty><ram:GlobalID schemeID="0002">{seller_siren}</ram:GlobalID><ram:RoleCode>SE</ram:RoleCode></ram:IssuerTradeParty>
      <ram:SpecifiedDocumentStatus>
        <ram:ReasonCode>JUSTIF_ABS</ram:ReasonCode>
        <ram:Reason>Joindre le bon de livraison signé</ram:Reason>
        <ram:SequenceNumeric>1</ram:SequenceNumeric>
      </ram:SpecifiedDocumentStatus>
    </ram:ReferenceReferencedDocument>
  </rsm:AcknowledgementDocument>
</rsm:CrossDomainAcknowledgementAndResponse>
"""


def status_code_of(cdar: bytes) -> str:
    root = etree.fromstring(cdar)
    return str(root.xpath("string(//*[local-name()='ProcessConditionCode'])"))


def _accounts() -> tuple[Any, Any]:
    from django.test import Client

    from choeur.structures.enums import Espace
    from tests.api.conftest import make_api_account, make_structure

    supplier = make_api_account(make_structure(SUPPLIER_SIRET, "Menuiserie Durand"), Client())
    buyer = make_api_account(
        make_structure(BUYER_SIRET, "Commune de Test", public=True),
        Client(),
        espace=Espace.FACTURES_RECUES,
    )
    return supplier, buyer


@pytest.mark.django_db(transaction=True)
def test_an_erp_written_from_the_document_deposits_follows_and_is_answered_by_the_buyer(
    live_server: Any, receiver: Receiver
) -> None:
    supplier_account, buyer_account = _accounts()
    base = live_server.url + PREFIX
    token_url = live_server.url + "/api/oauth/token"
    erp = Erp(base, token_url, supplier_account.client_id, supplier_account.client_secret)
    buyer = Erp(base, token_url, buyer_account.client_id, buyer_account.client_secret)

    status, _, _, _ = erp.call("getHealth")
    assert status == 200

    status, _, _, created = erp.call("createWebhook", json_body={"callbackUrl": receiver.url})
    assert status == 201
    signing_key = created["signingKey"]

    invoice = Sample(
        seller_siret=SUPPLIER_SIRET, buyer_siret=BUYER_SIRET, number="ERP-2026-7"
    ).cii()
    status, _, _, info = erp.call(
        "createFlow",
        parts={
            "flowInfo": (
                None,
                json.dumps(
                    {
                        "name": "ERP-2026-7.xml",
                        "flowSyntax": "CII",
                        "trackingId": "erp-7",
                        "sha256": hashlib.sha256(invoice).hexdigest(),
                    }
                ).encode(),
                "application/json",
            ),
            "file": ("ERP-2026-7.xml", invoice, "application/xml"),
        },
    )
    assert status == 202 and info["trackingId"] == "erp-7"

    # The deposit acknowledged, then 200 Déposée and 203 Mise à disposition, as webhooks.
    calls = receiver.wait_for(3)
    events = []
    for headers, body in calls:
        assert verify_signature(signing_key, headers, body), headers
        assert not verify_signature(signing_key, headers, body.replace(b"Ok", b"Error"))
        assert not verify_signature(base64.b64encode(b"0" * 32).decode(), headers, body)
        events.append(check_callback(headers, body))
    assert [(e["flowType"], e["acknowledgement"]["status"]) for e in events] == [
        ("CustomerInvoice", "Ok"),
        ("CustomerInvoiceLC", "Ok"),
        ("CustomerInvoiceLC", "Ok"),
    ]
    assert events[0]["flowId"] == info["flowId"]
    status, headers, cdar, _ = erp.call(
        "getFlow", path_params={"flowId": events[2]["flowId"]}, query={"docType": "Original"}
    )
    assert status == 200 and headers["content-disposition"].startswith("attachment;filename=")
    assert status_code_of(cdar) == "203"  # Mise à disposition
    assert_valid(cdar)

    # The buyer's software suspends the invoice with a CDAR of its own.
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    message = CDAR_TEMPLATE.format(
        number="ERP-2026-7",
        now=now,
        issue="20261102",
        buyer_siren=BUYER_SIRET[:9],
        seller_siren=SUPPLIER_SIRET[:9],
    ).encode()
    assert_valid(message)  # the ERP's message is a valid CDAR (XSD, BR-FR-CDV)
    status, _, _, posted = buyer.call(
        "createFlow",
        parts={
            "flowInfo": (
                None,
                json.dumps({"name": "suspension.xml", "flowSyntax": "CDAR"}).encode(),
                "application/json",
            ),
            "file": ("suspension.xml", message, "application/xml"),
        },
    )
    assert status == 202
    _, _, _, meta = buyer.call("getFlow", path_params={"flowId": posted["flowId"]})
    assert meta["acknowledgement"]["status"] == "Ok", meta

    # The supplier's ERP hears of it: 208 Suspendue, with the buyer's reason.
    calls = receiver.wait_for(4)
    headers, body = calls[3]
    assert verify_signature(signing_key, headers, body)
    event = check_callback(headers, body)
    assert event["flowType"] == "CustomerInvoiceLC"
    _, _, cdar, _ = erp.call(
        "getFlow", path_params={"flowId": event["flowId"]}, query={"docType": "Original"}
    )
    assert status_code_of(cdar) == "208"
    assert b"JUSTIF_ABS" in cdar
    assert_valid(cdar)

    # And finds every flow of its own by searching, page by page.
    found: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "where": {"updatedAfter": "2026-01-01T00:00:00Z"}}
        if cursor:
            params["cursor"] = cursor
        _, _, _, page = erp.call("searchFlows", json_body=params)
        found += [flow["flowId"] for flow in page["results"]]
        cursor = page.get("nextCursor")
        if not cursor:
            break
    assert found == [e["flowId"] for e in events] + [event["flowId"]]
