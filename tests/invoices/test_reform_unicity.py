"""The reform's unicity key (BT-1 + seller's SIREN + year): a second invoice under the same key is
rejected with the official reason REJ_UNI, whichever établissement of the SIREN deposits it, on
every way in (a flux here, the /cpro API below)."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import pytest
from django.test import Client

from choeur.einvoice import read
from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.checks import UNICITY_RULE, seller_siren
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate
from choeur.lifecycle.reform_codes import reasons_for
from tests.invoices.factories import PUBLIC_FREE_SIRET, StructureFactory, member
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db
SUPPLIER = "84211943000010"
SIBLING = "84211943000028"  # another établissement of the same SIREN 842119430
OTHER_COMPANY = "73282932000074"


def deposit(user: Any, supplier: Any, data: bytes) -> Flux:
    flux = flux_deposit(user=user, supplier=supplier, upload=Upload("facture.xml", data))
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    return flux


def errors(flux: Flux) -> list[dict[str, Any]]:
    return [e for item in flux.report.get("items", []) for e in item["errors"]]


@pytest.fixture
def sibling(world: Any) -> tuple[Any, Any]:
    structure = StructureFactory(identifier=SIBLING, raison_sociale="MENUISERIE DUPONT LYON")
    return structure, member(structure)


def test_the_same_number_from_another_etablissement_of_the_siren_is_rej_uni(
    world: Any, sibling: tuple[Any, Any]
) -> None:
    first = deposit(world.user, world.supplier, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    assert first.status == FluxStatus.IN_INTEGRE
    structure, user = sibling
    second = deposit(user, structure, Sample(SIBLING, PUBLIC_FREE_SIRET, price="80.00").cii())
    assert second.status == FluxStatus.IN_REJETE
    [problem] = errors(second)
    assert problem["rule_id"] == UNICITY_RULE == "REJ_UNI"
    assert problem["bt"] == "BT-1"
    assert "SIREN 842119430" in problem["message"] and SUPPLIER in problem["message"]
    assert Invoice.objects.count() == 1
    # The official reason code of the reform, as the lifecycle domain lists it.
    assert "REJ_UNI" in reasons_for("213")  # a reason of status 213 Rejetée


def test_another_year_or_another_siren_is_not_a_duplicate(
    world: Any, sibling: tuple[Any, Any]
) -> None:
    deposit(world.user, world.supplier, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    structure, user = sibling
    next_year = Sample(SIBLING, PUBLIC_FREE_SIRET, issue=date(2027, 1, 4)).cii()
    assert deposit(user, structure, next_year).status == FluxStatus.IN_INTEGRE
    other = StructureFactory(identifier=OTHER_COMPANY, raison_sociale="AUTRE SOCIETE")
    other_flux = deposit(member(other), other, Sample(OTHER_COMPANY, PUBLIC_FREE_SIRET).cii())
    assert other_flux.status == FluxStatus.IN_INTEGRE
    assert Invoice.objects.count() == 3


def test_the_depositing_structures_own_duplicate_keeps_its_check(world: Any) -> None:
    deposit(world.user, world.supplier, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    again = deposit(world.user, world.supplier, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    assert [e["rule_id"] for e in errors(again)] == ["CHOEUR-DOUBLON-01"]


def test_the_sellers_siren_comes_from_the_invoice() -> None:
    pivot = read(Sample(SIBLING, PUBLIC_FREE_SIRET).cii())
    assert seller_siren(pivot) == "842119430"  # BT-30 is a SIRET here
    siren_only = (
        Sample(SIBLING, PUBLIC_FREE_SIRET)
        .cii()
        .replace(b'schemeID="0009">84211943000028<', b'schemeID="0002">842119430<')
    )
    assert seller_siren(read(siren_only)) == "842119430"


def test_the_api_channel_applies_it_too(world: Any) -> None:
    from choeur.structures.enums import Espace
    from tests.api.conftest import make_api_account

    deposit(world.user, world.supplier, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    structure = StructureFactory(identifier=SIBLING, raison_sociale="MENUISERIE DUPONT LYON")
    account = make_api_account(structure, Client(), espace=Espace.FACTURES_EMISES)
    data = Sample(SIBLING, PUBLIC_FREE_SIRET, price="70.00").cii()
    answer = account.post(
        "/cpro/factures/v1/deposer/flux",
        {"fichierFlux": base64.b64encode(data).decode(), "nomFichier": "f.xml"},
    )
    assert answer.status_code == 200, answer.content
    flux = Flux.objects.get(numero=answer.json()["numeroFluxDepot"])
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_REJETE
    assert [e["rule_id"] for e in errors(flux)] == ["REJ_UNI"]
