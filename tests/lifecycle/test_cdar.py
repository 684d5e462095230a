"""CDAR D22B lifecycle messages: the mapping, validity against the official XSD and the
BR-FR-CDV schematron (compiled XSLT of FNFE 1.4.0, run with saxonche), reading, and a received
message moving the invoice like the portal does."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from lxml import etree

from choeur.einvoice import cdar as pure
from choeur.einvoice.validation.engines import SvrlFinding, parse_svrl
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import InvoiceStatusChange
from choeur.lifecycle import reform_codes as rc
from choeur.lifecycle.cdar import cdar_for_change, lifecycle_apply_cdar
from choeur.lifecycle.models import StatusChangeDetail
from choeur.lifecycle.services import invoice_apply_action
from choeur.lifecycle.transitions import Status
from tests.lifecycle import factories as f
from tests.shared import SPEC

CDAR_DIR = SPEC / "official/france-rfe/FNFE_RFE_INVOICE/CDAR"
XSD = CDAR_DIR / "1xsd-CDAR_D22B_uncoupled/CrossDomainAcknowledgementAndResponse_100pD22B.xsd"
XSLT = CDAR_DIR / "2xslt/BR-FR-CDV-Schematron-CDAR.xslt"


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD.resolve())))


@cache
def _stylesheet() -> tuple[Any, Any]:
    import saxonche

    processor = saxonche.PySaxonProcessor(license=False)
    compiled = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(XSLT.resolve())
    )
    assert compiled is not None
    return processor, compiled


def _schematron(data: bytes) -> list[SvrlFinding]:
    processor, compiled = _stylesheet()
    output = compiled.transform_to_string(xdm_node=processor.parse_xml(xml_text=data.decode()))
    assert output, "the BR-FR-CDV stylesheet produced no report"
    return parse_svrl(output.encode())


def assert_valid(data: bytes) -> None:
    """XSD D22B uncoupled, then BR-FR-CDV: no error, no fatal finding."""
    schema = _schema()
    assert schema.validate(etree.fromstring(data)), schema.error_log
    fatal = [x for x in _schematron(data) if x.flag in (None, "fatal", "error")]
    assert fatal == []


NOW = dt.datetime(2026, 12, 2, 10, 30, 0, tzinfo=dt.UTC)


def _message(code: str, **overrides: Any) -> pure.CdarMessage:
    """A message as Chœur sends it (sender Chorus Pro 0238:9999), for status `code`."""
    phase = rc.phase_of(code)
    seller = pure.CdarParty(role="SE", global_id="842119430", scheme="0002", name="DUPONT")
    buyer = pure.CdarParty(role="BY", global_id="123456782", scheme="0002", name="COMMUNE")
    if phase is rc.Phase.TRANSMISSION:
        issuer, to = pure.CdarParty(role="WK"), seller
    elif code in rc.SELLER_CODES:
        issuer, to = seller, buyer
    else:
        issuer, to = buyer, seller
    reasons = rc.reasons_for(code, b2g=True)
    fields: dict[str, Any] = {
        "message_id": f"F-2026-0001_{code}_20261202103000",
        "created_at": NOW,
        "sender": pure.CdarParty(role="WK", global_id="9999", scheme="0238"),
        "issuer": issuer,
        "recipients": (
            pure.CdarParty(
                role=to.role, global_id=to.global_id, scheme="0002", address=to.global_id
            ),
        ),
        "phase": phase.value,
        "status_at": NOW,
        "invoice_number": "F-2026-0001",
        "invoice_issue_date": dt.date(2026, 11, 30),
        "seller_id": "842119430",
        "status_code": code,
        "status_label": rc.STATUS_LABELS[code],
        "buyer": buyer,
        "reason_code": reasons[0] if code in rc.REASON_REQUIRED or code in ("200", "221") else "",
        "reason_text": "Motif libre",
    }
    if code == "212":
        # BR-FR-CDV-14: « Encaissée » carries the amount received and its VAT rate.
        fields["amounts"] = (pure.CdarAmount("MEN", Decimal("1200"), vat_rate=Decimal("20")),)
    fields.update(overrides)
    return pure.CdarMessage(**fields)


# --- The mapping ---------------------------------------------------------------------------


def test_every_chorus_pro_status_is_in_the_mapping() -> None:
    assert set(rc.CHORUS_TO_REFORM) == set(InvoiceStatus.values)
    assert {s.value for s in Status} <= set(rc.CHORUS_TO_REFORM)


def test_mapped_codes_and_reasons_are_in_the_official_lists() -> None:
    for chorus, reform in rc.CHORUS_TO_REFORM.items():
        if reform is None:
            continue
        assert reform.code in rc.STATUS_LABELS, chorus
        if reform.default_reason:
            assert reform.default_reason in rc.reasons_for(reform.code, b2g=True), chorus
    # Every Chorus Pro rejection reason becomes a B2G refusal reason, and back.
    from choeur.lifecycle.enums import RejectionReason

    assert set(rc.REJECTION_TO_REFORM) == set(RejectionReason.values)
    assert set(rc.REJECTION_TO_REFORM.values()) <= set(rc.B2G_REFUSAL_REASONS)
    for code, move in rc.REFORM_TO_CHORUS.items():
        assert rc.reform_status_for(move.to_status) is not None
        assert rc.reform_status_for(move.to_status).code == code  # type: ignore[union-attr]


def test_reason_lists_match_the_schematron_source() -> None:
    """The closed list of BR-FR-CDV-CL-09 is the one of the official .sch."""
    sch = (CDAR_DIR / "schematron/BR-FR-CDV-Schematron-CDAR.sch").read_text()
    start = sch.index('name="custom:status-reason-codes"')
    listed = sch[sch.index("select=\"'", start) + 9 : sch.index("'\"/>", start)].split()
    assert set(listed) == set(rc.REASON_LABELS)
    start = sch.index('name="custom:invoice-status-codes"')
    codes = sch[sch.index("select=\"'", start) + 9 : sch.index("'\"/>", start)].split()
    assert set(rc.STATUS_LABELS) <= set(codes)


def test_reform_codes_module_imports_no_django() -> None:
    tree = ast.parse(Path(rc.__file__).read_text())
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not any(name.startswith("django") for name in imported)


# --- Writer: XSD + BR-FR-CDV ---------------------------------------------------------------

PRODUCED = sorted({r.code for r in rc.CHORUS_TO_REFORM.values() if r is not None})


@pytest.mark.parametrize("code", sorted(rc.STATUS_LABELS))
def test_every_status_code_writes_a_valid_cdar(code: str) -> None:
    assert_valid(pure.write_cdar(_message(code)))


@pytest.mark.parametrize("reason", rc.B2G_REFUSAL_REASONS)
def test_every_b2g_refusal_reason_is_valid_from_chorus_pro(reason: str) -> None:
    assert_valid(pure.write_cdar(_message("210", reason_code=reason)))


def test_the_schematron_does_catch_a_wrong_reason_and_a_missing_one() -> None:
    """The check above can fail: a reason outside 208's list, and 210 without a reason."""
    wrong = _schematron(pure.write_cdar(_message("208", reason_code="QTE_ERR")))
    assert "BR-FR-CDV-CL-09_MDT-113_208" in {x.id for x in wrong}
    missing = _schematron(pure.write_cdar(_message("210", reason_code="", reason_text="")))
    assert "BR-FR-CDV-15_MDT-113" in {x.id for x in missing}


@pytest.mark.parametrize("code", sorted(rc.STATUS_LABELS))
def test_round_trip_keeps_code_reason_and_invoice(code: str) -> None:
    message = _message(code)
    read = pure.read_cdar(pure.write_cdar(message))
    assert (read.status_code, read.reason_code, read.reason_text) == (
        message.status_code,
        message.reason_code,
        message.reason_text,
    )
    assert (read.invoice_number, read.invoice_issue_date, read.seller_id) == (
        "F-2026-0001",
        dt.date(2026, 11, 30),
        "842119430",
    )
    assert read.amounts == message.amounts or code != "212"


# --- Rendering a history row ---------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def _apply(invoice, to, user, **kwargs):
    return invoice_apply_action(
        invoice=invoice, to_status=to, actor_user=user, actor_kind="RECIPIENT", **kwargs
    )


@pytestmark_db
@pytest.mark.parametrize(
    ("chorus", "kwargs"),
    [
        ("SUSPENDUE", {"reason": "Bon de livraison manquant"}),
        ("REJETEE", {"reason": "Déjà reçue", "reason_code": "DOUBLON"}),
        ("REJETEE", {"reason": "Voir courrier", "reason_code": "PRESTATION_NON_CONFORME"}),
        ("A_RECYCLER", {}),
        ("SERVICE_FAIT", {}),
        ("MISE_EN_PAIEMENT", {}),
    ],
)
def test_each_recipient_status_renders_a_valid_cdar(world, mad_invoice, chorus, kwargs) -> None:
    change = _apply(mad_invoice, chorus, world.agent, **kwargs)
    data = cdar_for_change(change=InvoiceStatusChange.objects.get(pk=change.pk))
    assert data is not None
    assert_valid(data)
    read = pure.read_cdar(data)
    reform = rc.reform_status_for(chorus)
    assert reform is not None and read.status_code == reform.code
    assert read.issuer.role == "BY" and read.issuer.global_id == "123456782"
    assert read.seller_id == "842119430" and read.invoice_number == mad_invoice.number
    if "reason_code" in kwargs:
        assert read.reason_code == rc.REJECTION_TO_REFORM[kwargs["reason_code"]]


@pytestmark_db
@pytest.mark.parametrize("chorus", ["DEPOSEE", "EN_COURS_ACHEMINEMENT", "MISE_A_DISPOSITION"])
def test_platform_statuses_render_valid_transmission_cdars(world, chorus) -> None:
    invoice = f.invoice(supplier=world.supplier, recipient=world.recipient, status=chorus)
    data = cdar_for_change(change=InvoiceStatusChange.objects.get(invoice=invoice))
    assert data is not None
    assert_valid(data)
    read = pure.read_cdar(data)
    assert read.phase == "305" and read.issuer.role == "WK"


@pytestmark_db
def test_supplier_completion_renders_a_valid_cdar(world, mad_invoice) -> None:
    _apply(mad_invoice, "SUSPENDUE", world.agent, reason="Pièce manquante")
    change = invoice_apply_action(
        invoice=mad_invoice,
        to_status="COMPLETEE",
        actor_user=world.supplier_user,
        actor_kind="SUPPLIER",
        reason="Voici la pièce",
    )
    data = cdar_for_change(change=change)
    assert data is not None
    assert_valid(data)
    assert pure.read_cdar(data).issuer.role == "SE"


@pytestmark_db
def test_statuses_without_a_reform_code_render_nothing(world, mad_invoice) -> None:
    change = _apply(mad_invoice, "MANDATEE", world.agent, mandat_number="M-1")
    assert cdar_for_change(change=change) is None


# --- Incoming messages ---------------------------------------------------------------------


def _incoming(invoice, code: str, reason: str = "", text: str = "", **overrides: Any) -> bytes:
    fields: dict[str, Any] = {
        "invoice_number": invoice.number,
        "invoice_issue_date": invoice.issue_date,
        "seller_id": invoice.supplier.identifier[:9],
        "reason_code": reason,
        "reason_text": text,
        # The buyer's own platform sends it.
        "sender": pure.CdarParty(role="WK", global_id="0007", scheme="0238"),
    }
    return pure.write_cdar(_message(code, **{**fields, **overrides}))


def _unchanged(invoice, status: str = "MISE_A_DISPOSITION") -> None:
    invoice.refresh_from_db()
    assert invoice.status == status
    assert InvoiceStatusChange.objects.filter(invoice=invoice).count() == 1
    assert not StatusChangeDetail.objects.exists()


@pytestmark_db
def test_received_refusal_moves_the_invoice_like_the_portal(
    world, mad_invoice, django_capture_on_commit_callbacks
) -> None:
    portal = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.achats)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = lifecycle_apply_cdar(
            user=world.agent, data=_incoming(mad_invoice, "210", "DOUBLON", "Déjà reçue")
        )
        _apply(portal, "REJETEE", world.agent, reason="Déjà reçue", reason_code="DOUBLON")
    assert outcome.accepted and outcome.code == "APPLIED", outcome.message
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == InvoiceStatus.REJETEE
    by_cdar = InvoiceStatusChange.objects.filter(invoice=mad_invoice).latest("pk")
    by_portal = InvoiceStatusChange.objects.filter(invoice=portal).latest("pk")
    assert (by_cdar.to_status, by_cdar.reason, by_cdar.actor_id) == (
        by_portal.to_status,
        by_portal.reason,
        by_portal.actor_id,
    )
    assert by_cdar.detail.reason_code == by_portal.detail.reason_code == "DOUBLON"
    assert by_cdar.detail.actor_kind == "RECIPIENT"
    # The supplier is told, as after the portal's button.
    assert sum(mad_invoice.number in m.subject for m in mail.outbox) == 1
    # And the history row it left is published back with the same code and reason.
    read = pure.read_cdar(cdar_for_change(change=by_cdar) or b"")
    assert (read.status_code, read.reason_code) == ("210", "DOUBLON")


@pytestmark_db
@pytest.mark.parametrize(
    ("code", "reason", "expected"),
    [
        ("208", "JUSTIF_ABS", "SUSPENDUE"),
        ("205", "", "SERVICE_FAIT"),
        ("211", "", "MISE_EN_PAIEMENT"),
        ("221", "ROUTAGE_ERR", "A_RECYCLER"),
        ("210", "TX_TVA_ERR", "REJETEE"),
    ],
)
def test_received_statuses_map_to_their_chorus_pro_moves(
    world, mad_invoice, code, reason, expected
) -> None:
    outcome = lifecycle_apply_cdar(user=world.agent, data=_incoming(mad_invoice, code, reason))
    assert outcome.accepted, outcome.message
    mad_invoice.refresh_from_db()
    assert mad_invoice.status == expected
    if reason:
        assert rc.REASON_LABELS[reason] in (outcome.change.reason if outcome.change else "")


@pytestmark_db
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not xml at all", "MALFORMED"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "MALFORMED"),
        (b"<Invoice/>", "MALFORMED"),
    ],
)
def test_malformed_messages_are_refused(world, mad_invoice, data, code) -> None:
    outcome = lifecycle_apply_cdar(user=world.agent, data=data)
    assert not outcome.accepted and outcome.code == code and outcome.message
    _unchanged(mad_invoice)


@pytestmark_db
def test_a_message_without_invoice_number_is_refused(world, mad_invoice) -> None:
    data = _incoming(mad_invoice, "205")
    root = etree.fromstring(data)
    number = root.find(f".//{{{pure.RAM}}}IssuerAssignedID")
    assert number is not None
    number.getparent().remove(number)  # type: ignore[union-attr]
    outcome = lifecycle_apply_cdar(user=world.agent, data=etree.tostring(root))
    assert outcome.code == "MALFORMED" and "MDT-87" in outcome.message
    _unchanged(mad_invoice)


@pytestmark_db
def test_unknown_invoices_are_refused(world, mad_invoice) -> None:
    wrong_number = _incoming(mad_invoice, "205", invoice_number="F-NOPE")
    wrong_year = _incoming(mad_invoice, "205", invoice_issue_date=dt.date(2025, 1, 5))
    wrong_seller = _incoming(mad_invoice, "205", seller_id="552100554")
    for data in (wrong_number, wrong_year, wrong_seller):
        outcome = lifecycle_apply_cdar(user=world.agent, data=data)
        assert outcome.code == "UNKNOWN_INVOICE", outcome.message
    # Someone else's invoice is just as unknown.
    outcome = lifecycle_apply_cdar(user=world.outsider, data=_incoming(mad_invoice, "205"))
    assert outcome.code == "UNKNOWN_INVOICE"
    _unchanged(mad_invoice)


@pytestmark_db
def test_moves_the_table_or_the_rights_refuse_change_nothing(world, mad_invoice) -> None:
    # The reader has « Factures reçues » in Consultation only.
    outcome = lifecycle_apply_cdar(user=world.reader, data=_incoming(mad_invoice, "205"))
    assert outcome.code == "FORBIDDEN"
    _unchanged(mad_invoice)
    rejected = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.achats, status="REJETEE"
    )
    outcome = lifecycle_apply_cdar(
        user=world.agent, data=_incoming(rejected, "208", "JUSTIF_ABS", "x")
    )
    assert outcome.code == "NOT_ALLOWED" and "Rejetée" in outcome.message
    _unchanged(rejected, "REJETEE")


@pytestmark_db
@pytest.mark.parametrize(
    ("code", "reason", "refusal"),
    [
        ("204", "", "NO_EQUIVALENT"),
        ("207", "QTE_ERR", "NO_EQUIVALENT"),
        ("200", "", "NO_EQUIVALENT"),
        ("210", "", "REASON_REQUIRED"),
        ("208", "QTE_ERR", "UNKNOWN_REASON"),
    ],
)
def test_codes_and_reasons_the_portal_cannot_apply_are_refused(
    world, mad_invoice, code, reason, refusal
) -> None:
    outcome = lifecycle_apply_cdar(user=world.agent, data=_incoming(mad_invoice, code, reason))
    assert outcome.code == refusal and code in outcome.message
    _unchanged(mad_invoice)


@pytestmark_db
def test_unknown_status_code_is_refused(world, mad_invoice) -> None:
    data = _incoming(mad_invoice, "205").replace(
        b"<ram:ProcessConditionCode>205<", b"<ram:ProcessConditionCode>999<"
    )
    assert lifecycle_apply_cdar(user=world.agent, data=data).code == "UNKNOWN_STATUS_CODE"
    _unchanged(mad_invoice)


# --- The download on the history ----------------------------------------------------------


@pytestmark_db
def test_history_offers_the_cdar_to_the_recipient_and_the_supplier(
    client, world, mad_invoice
) -> None:
    change = _apply(mad_invoice, "SUSPENDUE", world.agent, reason="Bon de livraison manquant")
    url = reverse("lifecycle:history_cdar", args=[mad_invoice.pk, change.pk])
    client.force_login(world.agent)
    page = client.get(reverse("lifecycle:detail", args=[mad_invoice.pk])).content.decode()
    assert url in page and "message CDAR" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    assert_valid(response.content)
    assert pure.read_cdar(response.content).status_code == "208"
    client.force_login(world.supplier_user)
    page = client.get(f"/factures/{mad_invoice.pk}/").content.decode()
    assert url in page
    assert client.get(url).status_code == 200


@pytestmark_db
def test_history_cdar_is_not_found_for_outsiders_and_unmapped_rows(
    client, world, mad_invoice
) -> None:
    change = _apply(mad_invoice, "MANDATEE", world.agent, mandat_number="M-7")
    first = InvoiceStatusChange.objects.filter(invoice=mad_invoice).earliest("pk")
    mapped = reverse("lifecycle:history_cdar", args=[mad_invoice.pk, first.pk])
    for user in (world.outsider, world.other_agent, f.user("inconnu@ailleurs.test")):
        client.force_login(user)
        response = client.get(mapped)
        assert response.status_code == 404
        assert mad_invoice.number not in response.content.decode()
    client.force_login(world.agent)
    assert client.get(mapped).status_code == 200
    unmapped = reverse("lifecycle:history_cdar", args=[mad_invoice.pk, change.pk])
    assert client.get(unmapped).status_code == 404
    page = client.get(reverse("lifecycle:detail", args=[mad_invoice.pk])).content.decode()
    assert unmapped not in page
    # A row of another invoice is not reached through this one.
    other = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.achats)
    foreign = InvoiceStatusChange.objects.get(invoice=other)
    bad = reverse("lifecycle:history_cdar", args=[mad_invoice.pk, foreign.pk])
    assert client.get(bad).status_code == 404
    client.logout()
    assert client.get(mapped).status_code == 302


def test_docs_show_the_mapping_of_every_status() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs/lifecycle.md").read_text()
    for status in Status:
        reform = rc.reform_status_for(status)
        assert f"| {status.value} | {reform.code if reform else '—'} |" in doc, status
