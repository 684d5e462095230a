"""The checks every fault test ends with (`assert_nothing_lost`) do fail: on a lost deposit, a
flux left waiting, an invoice missing or altered, a stored file no row references. In-process,
tasks run eagerly; SQLite or PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from choeur.invoices.enums import FluxStatus
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit
from tests.integration.faults import Answer, Deposit, TcpProxy, assert_nothing_lost
from tests.invoices.factories import PUBLIC_SIRET
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db(transaction=True)


def _deposited(world: Any, number: str) -> Deposit:
    data = Sample(
        world.supplier.identifier, PUBLIC_SIRET, service_code="SERVICE_DEST_SERV_OBL", number=number
    ).cii()
    key = f"cle-{number}"
    flux = flux_deposit(
        user=world.user, supplier=world.supplier, upload=Upload("f.xml", data), idempotency_key=key
    )
    body = json.dumps({"codeRetour": 0, "numeroFluxDepot": flux.numero}).encode()
    deposit = Deposit(key, data, "f.xml", {number: data})
    deposit.answers.append(Answer(key, 200, 0.0, 0.0, "application/json", body))
    return deposit


def test_a_clean_run_passes(world: Any) -> None:
    assert_nothing_lost(world.user, [_deposited(world, "OK-1"), _deposited(world, "OK-2")])


def test_an_accepted_deposit_without_its_flux_is_seen(world: Any) -> None:
    deposits = [_deposited(world, "PERDU-1")]
    Invoice.objects.all().delete()
    Flux.objects.all().delete()
    with pytest.raises(AssertionError):
        assert_nothing_lost(world.user, deposits)


def test_a_flux_left_waiting_is_seen(world: Any) -> None:
    deposits = [_deposited(world, "ATTENTE-1")]
    Flux.objects.update(status=FluxStatus.IN_EN_COURS_TRAITEMENT_CPP)
    with pytest.raises(AssertionError):
        assert_nothing_lost(world.user, deposits)


def test_an_invoice_missing_from_its_flux_is_seen(world: Any) -> None:
    deposit = _deposited(world, "MANQUE-1")
    deposit.invoices["MANQUE-2"] = b"<autre/>"  # sent in the flux, never integrated
    with pytest.raises(AssertionError):
        assert_nothing_lost(world.user, [deposit])


def test_an_original_that_differs_from_what_was_sent_is_seen(world: Any) -> None:
    deposit = _deposited(world, "ALTERE-1")
    deposit.data = deposit.data.replace(b"ALTERE-1", b"ALTERE-X")
    with pytest.raises(AssertionError):
        assert_nothing_lost(world.user, [deposit])


def test_a_stored_file_no_row_references_is_seen(world: Any) -> None:
    deposits = [_deposited(world, "ORPHELIN-1")]
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    orphan = media / "files" / "ab" / "cd" / ("abcd" + "0" * 60)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"restes d'un depot annule")
    with pytest.raises(AssertionError):
        assert_nothing_lost(world.user, deposits)


def test_the_proxy_forwards_then_refuses_while_cut_then_forwards_again() -> None:
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def echo() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.sendall(conn.recv(100))

    threading.Thread(target=echo, daemon=True).start()
    proxy = TcpProxy(*server.getsockname())

    def ask() -> bytes:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as client:
            client.sendall(b"ping")
            try:
                return client.recv(100)
            except ConnectionResetError:
                return b""

    try:
        assert ask() == b"ping"
        proxy.cut()
        assert ask() == b""
        proxy.restore()
        assert ask() == b"ping"
    finally:
        proxy.close()
        server.close()
