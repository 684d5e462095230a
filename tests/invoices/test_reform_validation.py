"""At deposit, with INVOICES_VALIDATION_PROFILE=auto: the French rules BR-FR judge the invoices of
French VAT-registered sellers, the EN 16931 rules alone the others'."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Flux
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate
from tests.invoices.factories import PUBLIC_FREE_SIRET
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db
SUPPLIER = "84211943000010"


def deposit(world: Any, data: bytes) -> Flux:
    flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("f.xml", data))
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    return flux


def rule_ids(flux: Flux) -> set[str]:
    return {e["rule_id"] for item in flux.report.get("items", []) for e in item["errors"]}


@override_settings(INVOICES_VALIDATION_PROFILE="auto")
def test_a_french_vat_registered_sellers_invoice_meets_the_french_rules(world: Any) -> None:
    flux = deposit(world, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    assert flux.status == FluxStatus.IN_REJETE
    assert {"BR-FR-05_BT-22_PMT", "BR-FR-13_BT-34"} <= rule_ids(flux)


@override_settings(INVOICES_VALIDATION_PROFILE="auto")
def test_a_foreign_sellers_invoice_keeps_the_en16931_rules(world: Any) -> None:
    data = Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii().replace(b"FR32123456789", b"BE0123456749", 1)
    data = data.replace(
        b"<ram:CountryID>FR</ram:CountryID>", b"<ram:CountryID>BE</ram:CountryID>", 1
    )
    flux = deposit(world, data)
    assert flux.status == FluxStatus.IN_INTEGRE, rule_ids(flux)
