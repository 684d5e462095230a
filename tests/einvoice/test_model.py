"""The pivot model: open code lists, profiles, and the norm's calculations (BR-CO-10 to 17)."""

from __future__ import annotations

import dataclasses
import inspect
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from choeur.einvoice import model
from choeur.einvoice.enums import InvoiceTypeCode, PaymentMeansCode, VatCategory
from choeur.einvoice.model import AllowanceCharge, LineAllowanceCharge, profile_of
from choeur.einvoice.samples import sample_invoice
from choeur.einvoice.totals import compute_totals, line_net_amount, round_amount, vat_breakdown


def test_every_field_names_its_en16931_id() -> None:
    source = Path(model.__file__).read_text(encoding="utf-8")
    bts = set(re.findall(r"BT-(\d+)", source))
    bgs = set(re.findall(r"BG-(\d+)", source))
    # BT-4 was withdrawn from EN 16931 before publication; the others run from BT-1 to BT-165.
    missing_bt = sorted(set(range(1, 166)) - {4} - {int(b) for b in bts})
    assert not missing_bt, f"BT without a field: {missing_bt}"
    assert {int(b) for b in bgs} >= set(range(1, 33))
    # Every non-metadata field of every dataclass carries a comment with an id.
    for name in dir(model):
        cls = getattr(model, name)
        if dataclasses.is_dataclass(cls) and isinstance(cls, type):
            for field in dataclasses.fields(cls):
                if field.name in ("syntax", "profile"):
                    continue
                lines = inspect.getsource(cls).splitlines()
                start = next(i for i, ln in enumerate(lines) if re.match(rf"\s+{field.name}: ", ln))
                # The formatter may wrap a long declaration: its comment is within three lines.
                declaration = " ".join(lines[start : start + 3])
                assert re.search(r"# .*B[GT]-\d+|# the ", declaration), (
                    f"{cls.__name__}.{field.name} has no BT/BG comment"
                )


def test_code_lists_keep_unknown_codes() -> None:
    assert InvoiceTypeCode("380") is InvoiceTypeCode.COMMERCIAL_INVOICE
    assert InvoiceTypeCode("381").is_credit_note and not InvoiceTypeCode("386").is_credit_note
    odd = VatCategory("XX")
    assert odd == "XX" and not odd.is_known and odd.name == "UNKNOWN_XX"
    assert VatCategory("XX") == odd and {odd: 1}[VatCategory("XX")] == 1
    assert PaymentMeansCode("58") is PaymentMeansCode.SEPA_CREDIT_TRANSFER
    for code in ("384", "389", "386", "393"):
        assert InvoiceTypeCode(code).is_known


def test_profile_from_the_specification_identifier() -> None:
    assert profile_of("urn:cen.eu:en16931:2017") == "EN 16931"
    assert profile_of("urn:factur-x.eu:1p0:minimum") == "MINIMUM"
    assert profile_of("urn:factur-x.eu:1p0:basicwl") == "BASIC WL"
    assert profile_of("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic") == "BASIC"
    assert (
        profile_of("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended") == "EXTENDED"
    )
    assert (
        profile_of("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0")
        is None
    )
    assert profile_of(None) is None


def test_metadata_is_left_out_of_equality() -> None:
    invoice = sample_invoice(1)
    assert replace(invoice, syntax="ubl", profile="BASIC") == replace(invoice, syntax="cii")


def test_line_net_amount_rounds_half_up_to_the_cent() -> None:
    assert line_net_amount(Decimal("3"), Decimal("0.335")) == Decimal("1.01")  # 1.005 -> 1.01
    assert line_net_amount(Decimal("1"), Decimal("2.675")) == Decimal("2.68")
    assert line_net_amount(Decimal("10"), Decimal("12.50"), Decimal("100")) == Decimal("1.25")
    charges = [
        LineAllowanceCharge(is_charge=False, amount=Decimal("1.00")),
        LineAllowanceCharge(is_charge=True, amount=Decimal("0.50")),
    ]
    assert line_net_amount(Decimal("2"), Decimal("5"), None, charges) == Decimal("9.50")
    assert round_amount(Decimal("-0.005")) == Decimal("-0.01")


def test_totals_follow_br_co_10_to_17() -> None:
    invoice = sample_invoice(9)
    invoice = replace(
        invoice,
        allowances_charges=[
            AllowanceCharge(
                is_charge=False,
                amount=Decimal("10.00"),
                vat_category=VatCategory.STANDARD,
                vat_rate=Decimal("20.00"),
            ),
            AllowanceCharge(
                is_charge=True,
                amount=Decimal("4.00"),
                vat_category=VatCategory.STANDARD,
                vat_rate=Decimal("20.00"),
            ),
        ],
    )
    invoice = replace(invoice, totals=replace(invoice.totals, prepaid_amount=Decimal("100.00")))
    computed = compute_totals(invoice)
    t = computed.totals
    assert t.line_total_amount == sum(line.net_amount for line in invoice.lines)  # BR-CO-10
    assert t.allowance_total_amount == Decimal("10.00")  # BR-CO-11
    assert t.charge_total_amount == Decimal("4.00")  # BR-CO-12
    assert t.tax_exclusive_amount == t.line_total_amount - 10 + 4  # BR-CO-13
    assert t.vat_total_amount == sum(r.tax_amount for r in computed.vat_breakdown)  # BR-CO-14
    assert t.tax_inclusive_amount == t.tax_exclusive_amount + t.vat_total_amount  # BR-CO-15
    assert t.payable_amount == t.tax_inclusive_amount - Decimal("100.00")  # BR-CO-16
    for row in computed.vat_breakdown:  # BR-CO-17
        assert row.rate is not None
        assert row.tax_amount == round_amount(row.taxable_amount * row.rate / 100)
    twenty = next(r for r in computed.vat_breakdown if r.rate == Decimal("20"))
    lines_at_20 = sum(ln.net_amount for ln in invoice.lines if ln.vat_rate == Decimal("20"))
    assert twenty.taxable_amount == lines_at_20 - 10 + 4


def test_breakdown_has_one_row_per_category_and_rate() -> None:
    invoice = sample_invoice(30)
    rows = vat_breakdown(invoice)
    assert sorted(str(r.rate) for r in rows) == ["10.00", "20.00", "5.50"]
    assert all(r.category is VatCategory.STANDARD for r in rows)
