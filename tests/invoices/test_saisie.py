"""Saisie web: totals computed on the server with EN 16931 rounding; the pivot is valid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import choeur.einvoice as einvoice
from choeur.invoices.enums import FluxStatus, InvoiceStatus, InvoiceType, TvaRegime
from choeur.invoices.forms import LineForm
from choeur.invoices.services.drafts import (
    Saisie,
    SaisieLine,
    build_pivot,
    french_vat_number,
    invoice_draft_save,
    invoice_submit,
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


# --- Platform-made invoices draw no finding (issue 12) ---------------------------------------

SAISIE_SETTINGS = settings(
    max_examples=60,
    deadline=None,  # each example runs Saxon over two documents
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
UNIT_CODES = [code for code, _label in LineForm.base_fields["unit"].choices]  # type: ignore[attr-defined]
RATES = [D(rate) for rate, _label in LineForm.base_fields["vat_rate"].choices]  # type: ignore[attr-defined]
typed = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàçôABCDEFGHIJ0123456789 -'&<"),
    min_size=1,
    max_size=40,
).map(lambda s: " ".join(s.split()) or "x")


@st.composite
def saisie_lines(draw: st.DrawFn) -> list[SaisieLine]:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        quantity = draw(st.decimals(D("0.0001"), D("9999"), places=4))
        price = draw(st.decimals(D("0"), D("99999"), places=4))
        gross = round(quantity * price, 2)
        discount = draw(st.one_of(st.just(D("0")), st.decimals(D("0"), gross, places=2)))
        lines.append(
            SaisieLine(
                designation=draw(typed),
                quantity=quantity,
                unit=draw(st.sampled_from(UNIT_CODES)),
                unit_price=price,
                vat_rate=draw(st.sampled_from(RATES)),
                discount=discount,
                reference=draw(st.sampled_from(["", "REF-1"])),
            )
        )
    return lines


@st.composite
def saisies(draw: st.DrawFn) -> tuple[Structure, Saisie]:
    """What a supplier can type in the form (or send through the API, which gives no due date),
    every optional field present or left blank."""
    from choeur.structures.models import BankAccount

    supplier = Structure(
        identifier_type="SIRET",
        identifier="84211943000010",
        raison_sociale=draw(st.sampled_from(["MENUISERIE", "L'Atelier & Fils"])),
        adresse=draw(st.sampled_from(["", "1 rue de la Paix"])),
        complement_adresse_1=draw(st.sampled_from(["", "Bâtiment B"])),
        code_postal=draw(st.sampled_from(["", "75001"])),
        ville=draw(st.sampled_from(["", "Paris"])),
        numero_tva=draw(st.sampled_from(["", "FR92842119430"])),
    )
    recipient = Structure(
        identifier_type="SIRET",
        identifier="12345678200028",
        raison_sociale="COMMUNE",
        is_public=True,
        adresse=draw(st.sampled_from(["", "Place de la Mairie"])),
        ville=draw(st.sampled_from(["", "Lyon"])),
    )
    kind = draw(st.sampled_from(list(InvoiceType)))
    issue = draw(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)))
    account = BankAccount(
        label="Compte",
        holder=draw(st.sampled_from(["MENUISERIE", ""])),
        iban="FR7630006000011234567890189",
        bic=draw(st.sampled_from(["AGRIFRPP", ""])),
    )
    saisie = Saisie(
        recipient=recipient,
        number=draw(st.from_regex(r"\AF-[0-9]{1,8}\Z")),
        issue_date=issue,
        due_date=draw(st.sampled_from([None, issue + dt.timedelta(days=30)])),
        lines=draw(saisie_lines()),
        service_code=draw(st.sampled_from(["", "SERVICE_DEST_SERV_OBL"])),
        engagement_number=draw(st.sampled_from(["", "EJ0001234"])),
        cadre=draw(
            st.sampled_from(["A1_FACTURE_FOURNISSEUR", "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"])
        ),
        type=kind,
        currency=draw(st.sampled_from(["EUR", "USD"])),
        tva_regime=draw(st.sampled_from(list(TvaRegime))),
        exemption_reason=draw(st.sampled_from(["", "Article 261 du CGI"])),
        bank_account=draw(st.sampled_from([None, account])),
        comment=draw(st.one_of(st.just(""), typed)),
        preceding_number="F-0" if kind == InvoiceType.AVOIR else "",
        delivery_date=draw(st.sampled_from([None, issue - dt.timedelta(days=3)])),
    )
    return supplier, saisie


@SAISIE_SETTINGS
@given(typed_in=saisies())
def test_every_saisie_makes_an_invoice_without_any_finding(
    typed_in: tuple[Structure, Saisie],
) -> None:
    supplier, typed_saisie = typed_in
    pivot = build_pivot(supplier=supplier, saisie=typed_saisie)
    for xml in (einvoice.write_cii(pivot), einvoice.write_ubl(pivot)):
        report = einvoice.validate(xml)
        assert [(f.rule_id, f.severity.value, f.location) for f in report.findings] == []


@pytest.mark.django_db
@pytest.mark.parametrize("regime", list(TvaRegime))
def test_the_integrated_saisie_has_a_compte_rendu_without_findings(
    world, regime, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # Through the real service: the Factur-X written on submit, deposited, validated, integrated.
    typed_saisie = saisie(recipient=world.recipient, tva_regime=regime, comment="Merci")
    with django_capture_on_commit_callbacks(execute=True):
        flux = invoice_submit(user=world.user, supplier=world.supplier, saisie=typed_saisie)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE, flux.report
    assert flux.report["errors"] == []
    [item] = flux.report["items"]
    assert (item["outcome"], item["errors"], item["warnings"]) == ("INTEGREE", [], [])
    invoice = flux.invoices.get()
    report = einvoice.validate(invoice.main_document.read())
    assert report.syntax == "facturx"
    assert [(f.rule_id, f.severity.value) for f in report.findings] == []
