"""Saisie web: totals computed on the server with EN 16931 rounding; the pivot is valid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import choeur.einvoice as einvoice
from choeur.invoices.enums import InvoiceStatus, TvaRegime
from choeur.invoices.services.drafts import (
    Saisie,
    SaisieLine,
    build_pivot,
    french_vat_number,
    invoice_draft_save,
)
from choeur.structures.models import Structure

D = Decimal


def structures() -> tuple[Structure, Structure]:
    supplier = Structure(
        identifier_type="SIRET",
        identifier="84211943000010",
        raison_sociale="MENUISERIE",
        adresse="1 rue",
        code_postal="75001",
        ville="Paris",
    )
    recipient = Structure(
        identifier_type="SIRET",
        identifier="12345678200028",
        raison_sociale="COMMUNE",
        is_public=True,
    )
    return supplier, recipient


def saisie(**kwargs) -> Saisie:  # type: ignore[no-untyped-def]
    _supplier, recipient = structures()
    values = {
        "recipient": recipient,
        "number": "F-1",
        "issue_date": dt.date(2026, 11, 2),
        "due_date": dt.date(2026, 12, 2),
        "service_code": "SERVICE_DEST_SERV_OBL",
        "lines": [
            SaisieLine("Conseil", D("3"), "HUR", D("33.333"), D("20"), D("1.50")),
            SaisieLine("Livre", D("2"), "C62", D("10"), D("5.5")),
            SaisieLine("Frais", D("1"), "C62", D("7.77"), D("0")),
        ],
    }
    values.update(kwargs)
    return Saisie(**values)


def test_totals_follow_en16931_rounding() -> None:
    supplier, _ = structures()
    pivot = build_pivot(supplier=supplier, saisie=saisie())
    # 3 x 33.333 = 99.999 -> 100.00, minus the 1.50 discount = 98.50 (BT-131 rounded per line)
    assert [line.net_amount for line in pivot.lines] == [D("98.50"), D("20.00"), D("7.77")]
    rows = {
        (r.category.value, r.rate): (r.taxable_amount, r.tax_amount) for r in pivot.vat_breakdown
    }
    assert rows[("S", D("20.00"))] == (D("98.50"), D("19.70"))
    assert rows[("S", D("5.50"))] == (D("20.00"), D("1.10"))
    assert rows[("Z", D("0.00"))] == (D("7.77"), D("0.00"))
    assert pivot.totals.tax_exclusive_amount == D("126.27")
    assert pivot.totals.vat_total_amount == D("20.80")
    assert pivot.totals.payable_amount == D("147.07")


@pytest.mark.parametrize("regime", list(TvaRegime))
def test_pivot_of_a_saisie_is_valid_en16931(regime) -> None:  # type: ignore[no-untyped-def]
    supplier, _ = structures()
    pivot = build_pivot(supplier=supplier, saisie=saisie(tva_regime=regime))
    report = einvoice.validate(einvoice.write_cii(pivot))
    assert report.is_valid, [(f.rule_id, f.message_fr) for f in report.errors]


def test_french_vat_number() -> None:
    assert (
        french_vat_number("842119430")
        == "FR" + f"{(12 + 3 * (842119430 % 97)) % 97:02d}" + "842119430"
    )
    assert french_vat_number("404833048") == "FR83404833048"  # a published example


@pytest.mark.django_db
def test_draft_is_kept_as_brouillon(world) -> None:  # type: ignore[no-untyped-def]
    draft = invoice_draft_save(
        user=world.user, supplier=world.supplier, data={"number": "F-9", "total_ttc": "12.00"}
    )
    assert draft.status == InvoiceStatus.BROUILLON
    draft = invoice_draft_save(
        user=world.user, supplier=world.supplier, data={"number": "F-10"}, draft=draft
    )
    draft.refresh_from_db()
    assert draft.number == "F-10"
    assert draft.total_ttc is None


def test_bank_account_becomes_the_credit_transfer() -> None:
    from choeur.structures.models import BankAccount

    supplier, _ = structures()
    account = BankAccount(
        label="Compte", holder="MENUISERIE", iban="FR7630006000011234567890189", bic="AGRIFRPP"
    )
    pivot = build_pivot(supplier=supplier, saisie=saisie(bank_account=account))
    assert pivot.payment_instructions is not None
    assert (
        pivot.payment_instructions.credit_transfers[0].account_id == "FR7630006000011234567890189"
    )
    report = einvoice.validate(einvoice.write_cii(pivot))
    assert report.is_valid, [(f.rule_id, f.message_fr) for f in report.errors]
    assert (
        einvoice.read(einvoice.write_cii(pivot))
        .payment_instructions.credit_transfers[0]
        .account_id.endswith("0189")
    )


def test_credit_note_with_its_preceding_invoice() -> None:
    supplier, _ = structures()
    pivot = build_pivot(supplier=supplier, saisie=saisie(type="AVOIR", preceding_number="F-0"))
    assert pivot.type_code.value == "381"
    report = einvoice.validate(einvoice.write_cii(pivot))
    assert report.is_valid, [(f.rule_id, f.message_fr) for f in report.errors]
