"""At deposit, by default (INVOICES_VALIDATION_PROFILE unset, "auto"): the French rules BR-FR
judge the invoices of French VAT-registered sellers, with their official rule ids and
severities; the EN 16931 rules alone judge the others' and those naming a B2G process of Chorus
Pro alone; an operator turns the French rules off with INVOICES_VALIDATION_PROFILE=EN16931."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

import choeur.einvoice as einvoice
from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Flux
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate, validation_profile
from tests.invoices.factories import PUBLIC_FREE_SIRET
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db
SUPPLIER = "84211943000010"
# What the official BR-FR stylesheet says of an invoice written as before the reform: the
# three mentions, BT-23 (A1 is Chorus Pro's code), the SIREN BT-30, the addresses BT-34/BT-49.
BEFORE_THE_REFORM = {
    "BR-FR-05_BT-22_PMT",
    "BR-FR-05_BT-22_PMD",
    "BR-FR-05_BT-22_AAB",
    "BR-FR-08_BT-23",
    "BR-FR-10_BT-30",
    "BR-FR-12_BT-49",
    "BR-FR-13_BT-34",
}


def deposit(world: Any, data: bytes) -> Flux:
    flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("f.xml", data))
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    return flux


def errors(flux: Flux) -> list[dict[str, Any]]:
    return [e for item in flux.report.get("items", []) for e in item["errors"]]


def test_the_french_rules_apply_by_default() -> None:
    assert validation_profile() == "AUTO"


def test_a_french_vat_registered_sellers_invoice_meets_the_french_rules(world: Any) -> None:
    old = Sample(SUPPLIER, PUBLIC_FREE_SIRET, cadre="A1", reform=False).cii()
    flux = deposit(world, old)
    assert flux.status == FluxStatus.IN_REJETE
    assert {e["rule_id"] for e in errors(flux)} == BEFORE_THE_REFORM
    # The severities are the official ones (all fatal), the texts the official French ones.
    official = einvoice.validate(old, profile="BR-FR")
    expected = {f.rule_id: f.severity.value for f in official.findings}
    assert {e["rule_id"]: e["severity"] for e in errors(flux)} == expected
    mention = next(e for e in errors(flux) if e["rule_id"] == "BR-FR-05_BT-22_AAB")
    assert "escompte" in mention["message"]
    # The same invoice as the reform writes it is integrated.
    assert deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET, number="FA-2").cii()).status == (
        FluxStatus.IN_INTEGRE
    )


@override_settings(INVOICES_VALIDATION_PROFILE="EN16931")
def test_an_operator_turns_the_french_rules_off(world: Any) -> None:
    flux = deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET, cadre="A1", reform=False).cii())
    assert flux.status == FluxStatus.IN_INTEGRE, errors(flux)


def test_a_foreign_sellers_invoice_keeps_the_en16931_rules(world: Any) -> None:
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET, reform=False).cii()
    data = data.replace(b"FR32123456789", b"BE0123456749", 1)
    data = data.replace(
        b"<ram:CountryID>FR</ram:CountryID>", b"<ram:CountryID>BE</ram:CountryID>", 1
    )
    flux = deposit(world, data)
    assert flux.status == FluxStatus.IN_INTEGRE, errors(flux)


def test_a_b2g_process_of_chorus_pro_alone_keeps_the_en16931_rules() -> None:
    # A9 (a subcontractor's invoice, the validator circuit) has no code among the reform's
    # (BR-FR-08): its invoice is judged by the EN 16931 rules until the BR-FR-CPRO rules exist.
    a9 = Sample(SUPPLIER, PUBLIC_FREE_SIRET, cadre="A9", reform=False).cii()
    report = einvoice.validate(a9, profile="AUTO")
    assert (report.profile, report.findings) == ("EN16931", ())
    # ... while A1 and A2 have theirs, and get the French rules.
    for cadre in ("A1", "A2"):
        data = Sample(SUPPLIER, PUBLIC_FREE_SIRET, cadre=cadre, reform=False).cii()
        report = einvoice.validate(data, profile="AUTO")
        assert report.profile == "BR-FR"
        assert "BR-FR-08_BT-23" in {f.rule_id for f in report.findings}
