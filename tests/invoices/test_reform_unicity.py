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
from choeur.structures.enums import IdentifierType
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


def test_the_key_is_a_database_constraint_across_the_etablissements(
    world: Any, sibling: tuple[Any, Any]
) -> None:
    # The key is kept on the invoice (the SIREN of its supplier's SIRET) and unique: no
    # query may be trusted to see a deposit that commits at the same moment.
    from django.db import IntegrityError, transaction

    deposit(world.user, world.supplier, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    first = Invoice.objects.get()
    assert (first.seller_siren, first.number, first.issue_year) == (
        "842119430",
        "FA-2026-001",
        2026,
    )
    structure, _user = sibling
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.bulk_create([_copy(first, supplier=structure)])
    with pytest.raises(IntegrityError), transaction.atomic():
        _copy(first, supplier=structure).save()
    # Another number is another key; a supplier without SIRET has no SIREN: no key at all.
    other = _copy(first, supplier=structure, number="FA-2026-002")
    other.save()
    assert other.seller_siren == "842119430"
    foreign = StructureFactory(
        identifier_type=IdentifierType.HORS_UE, identifier="CH-123", raison_sociale="SA SUISSE"
    )
    [abroad] = Invoice.objects.bulk_create([_copy(first, supplier=foreign, flux_position=7)])
    abroad.refresh_from_db()
    assert abroad.seller_siren == ""


def test_the_migration_fills_the_key_of_the_invoices_already_there(
    world: Any, sibling: tuple[Any, Any]
) -> None:
    # Invoices of before the key: two établissements of one SIREN may already share a number.
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "choeur.invoices.migrations.0010_invoice_reform_unicity_key"
    )
    deposit(world.user, world.supplier, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    first = Invoice.objects.get()
    structure, _user = sibling
    Invoice.objects.filter(pk=first.pk).update(seller_siren="")
    later = _copy(first, supplier=structure)
    later.save()
    Invoice.objects.filter(pk=later.pk).update(seller_siren="")
    migration.fill_seller_siren(apps, None)
    keys = dict(Invoice.objects.values_list("pk", "seller_siren"))
    assert keys == {first.pk: "842119430", later.pk: ""}  # the earlier one holds the key


def _copy(invoice: Invoice, **changes: Any) -> Invoice:
    fields = {
        f.attname: getattr(invoice, f.attname)
        for f in Invoice._meta.concrete_fields
        if f.attname not in {"id", "seller_siren", "flux_position", "supplier_id"}
    }
    fields["flux_position"] = invoice.flux_position + 1
    return Invoice(**{**fields, **changes})


def test_a_deposit_that_passed_the_check_meanwhile_is_still_rej_uni(
    world: Any, sibling: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window of two concurrent deposits: the second's check ran before the first was
    # written (it sees nothing); the database refuses its row, and the reason is still REJ_UNI.
    from choeur.invoices.services import integration

    deposit(world.user, world.supplier, Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii())
    real = integration.check_unicity
    calls: list[int] = []

    def too_early(pivot: Any, *, supplier: Any) -> list[Any]:
        calls.append(1)
        return [] if len(calls) == 1 else real(pivot, supplier=supplier)

    monkeypatch.setattr(integration, "check_unicity", too_early)
    structure, user = sibling
    second = deposit(user, structure, Sample(SIBLING, PUBLIC_FREE_SIRET, price="80.00").cii())
    assert second.status == FluxStatus.IN_REJETE
    assert [e["rule_id"] for e in errors(second)] == ["REJ_UNI"]
    assert Invoice.objects.count() == 1 and len(calls) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_etablissements_depositing_one_number_at_once_on_postgresql(
    world: Any, sibling: tuple[Any, Any]
) -> None:
    # Both flux are integrated at the same moment: whichever commits first wins, the other is
    # REJ_UNI (by the check or, in the window, by the constraint), never both integrated.
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL ne désigne pas PostgreSQL")
    structure, user = sibling
    flows = [
        flux_deposit(
            user=world.user,
            supplier=world.supplier,
            upload=Upload("a.xml", Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()),
        ),
        flux_deposit(
            user=user,
            supplier=structure,
            upload=Upload("b.xml", Sample(SIBLING, PUBLIC_FREE_SIRET, price="80.00").cii()),
        ),
    ]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def integrate(flux_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            flux_integrate(flux_id=flux_id)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=integrate, args=(f.pk,)) for f in flows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    for flux in flows:
        flux.refresh_from_db()
    assert sorted(f.status for f in flows) == sorted([FluxStatus.IN_INTEGRE, FluxStatus.IN_REJETE])
    [rejected] = [f for f in flows if f.status == FluxStatus.IN_REJETE]
    assert [e["rule_id"] for e in errors(rejected)] == ["REJ_UNI"]
    assert Invoice.objects.filter(number="FA-2026-001").count() == 1
