"""A deposited document is parsed once: the tree validation judges is the tree the pivot is read
from (issue 13), for XML and Factur-X deposits alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import choeur.einvoice.readers as readers
import choeur.einvoice.security as security
from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate
from tests.invoices.factories import PUBLIC_SIRET
from tests.invoices.samples import Sample
from tests.invoices.test_integration import SUPPLIER, _pivot_bytes

pytestmark = pytest.mark.django_db(transaction=False)


def _integrate_counting_parses(world: Any, data: bytes, name: str, monkeypatch: Any) -> list[int]:
    """Deposit `data`, then integrate it while counting the hardened XML parses (their sizes)."""
    flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload(name, data))
    parsed: list[int] = []
    original: Callable[..., Any] = security.parse_xml

    def counting(data: bytes, **options: Any) -> Any:
        parsed.append(len(data))
        return original(data, **options)

    monkeypatch.setattr(security, "parse_xml", counting)
    monkeypatch.setattr(readers, "parse_xml", counting)
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE, flux.report
    return parsed


def test_a_cii_deposit_is_parsed_once(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = Sample(SUPPLIER, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL").cii()
    assert _integrate_counting_parses(world, data, "facture.xml", monkeypatch) == [len(data)]
    assert Invoice.objects.get().total_ttc is not None


def test_a_ubl_deposit_is_parsed_once(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = _pivot_bytes(world, "ubl")
    assert _integrate_counting_parses(world, data, "facture.xml", monkeypatch) == [len(data)]
    assert Invoice.objects.get().number == "UBL-1"


def test_a_facturx_deposit_parses_its_embedded_xml_once(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = _pivot_bytes(world, "facturx")
    parsed = _integrate_counting_parses(world, data, "facture.pdf", monkeypatch)
    invoice = Invoice.objects.get()
    assert parsed == [invoice.xml.size]
    assert invoice.number == "FACTURX-1"


def test_the_pivot_the_platform_rules_read_is_the_one_integrated(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With the French rules (a French seller, the default profile) the platform's own rules
    read the pivot from the tree: the deposit takes that pivot rather than reading it again."""
    data = Sample(SUPPLIER, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL").cii()
    flux = flux_deposit(user=world.user, supplier=world.supplier, upload=Upload("f.xml", data))
    reads: list[object] = []
    original: Callable[..., Any] = readers._read_tree

    def counting(root: Any, syntax: Any) -> Any:
        reads.append(root)
        return original(root, syntax)

    monkeypatch.setattr(readers, "_read_tree", counting)
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE, flux.report
    assert len(reads) == 1
    assert Invoice.objects.get().total_ttc is not None
