"""Integration in chunks (docs/performance.md, « Throughput »): an archive's invoices are
written a chunk at a time, one transaction and one INSERT per table for each chunk, with the
same invoices, lines, history and audit rows as one by one, and never a partial invoice."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from choeur.core.models import AuditLog
from choeur.invoices.enums import FluxStatus, InvoiceStatus, ItemOutcome
from choeur.invoices.models import Flux, Invoice, InvoiceLine, InvoiceStatusChange
from choeur.invoices.services import integration
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate
from tests.invoices.factories import PUBLIC_FREE_SIRET
from tests.invoices.samples import Sample, zip_of

pytestmark = pytest.mark.django_db(transaction=False)
SUPPLIER = "84211943000010"


def archive(count: int, prefix: str = "LOT") -> dict[str, bytes]:
    return {
        f"{prefix}-{i:03d}.xml": Sample(
            SUPPLIER, PUBLIC_FREE_SIRET, number=f"{prefix}-{i:03d}"
        ).cii()
        for i in range(count)
    }


def deposited(world: Any, files: dict[str, bytes], name: str = "lot.zip") -> Flux:
    """A flux stored and waiting (its task not run yet)."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # queued to the in-memory broker, not run
    try:
        return flux_deposit(
            user=world.user, supplier=world.supplier, upload=Upload(name, zip_of(files))
        )
    finally:
        app.conf.task_always_eager = eager


def test_an_archive_in_chunks_makes_every_invoice_whole(world: Any, settings: Any) -> None:
    settings.INVOICES_INTEGRATION_CHUNK = 3
    files = archive(7)
    flux = deposited(world, files)
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE
    assert [i["outcome"] for i in flux.report["items"]] == [ItemOutcome.INTEGREE] * 7
    invoices = list(Invoice.objects.filter(flux=flux).order_by("flux_position"))
    assert [i.number for i in invoices] == [f"LOT-{i:03d}" for i in range(7)]
    assert [item["invoice_id"] for item in flux.report["items"]] == [i.pk for i in invoices]
    for invoice, data in zip(invoices, files.values(), strict=True):
        assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
        assert invoice.recipient == world.free_recipient
        assert invoice.xml is not None and invoice.xml.read() == data  # the member's own bytes
        assert invoice.fingerprint == invoice.xml.sha256
        assert invoice.lines.count() == 1 and str(invoice.total_ttc) == "360.00"
        history = list(invoice.status_changes.values_list("from_status", "to_status", "actor"))
        assert history == [
            ("", "DEPOSEE", world.user.pk),
            ("DEPOSEE", "MISE_A_DISPOSITION", None),
        ]
        actions = sorted(
            AuditLog.objects.filter(
                object_type="invoices.invoice", object_id=str(invoice.pk)
            ).values_list("action", flat=True)
        )
        assert actions == ["invoice.deposit", "invoice.status"]


def test_queries_per_invoice_do_not_grow_with_the_archive(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The routing reads (structure, espace, service), the duplicate check and the writes are
    per chunk, not per invoice: 40 invoices cost a few queries more than 10, not four times."""
    # The reform's flows (api/afnor: a flow per invoice and per history row, read and written
    # invoice by invoice) are counted apart in docs/performance.md.
    monkeypatch.setattr("choeur.api.afnor.services.afnor_flux_finished", lambda **kwargs: None)
    counts = []
    for count, prefix in ((10, "PETIT"), (40, "GRAND")):
        flux = deposited(world, archive(count, prefix), name=f"{prefix}.zip")
        with CaptureQueriesContext(connection) as queries:
            flux_integrate(flux_id=flux.pk)
        assert Invoice.objects.filter(flux=flux, status="MISE_A_DISPOSITION").count() == count
        counts.append(len(queries))
    small, large = counts
    assert large - small <= 10, counts
    assert large / 40 < 2, counts  # about 22 per invoice when each was written on its own


def test_duplicates_are_found_in_the_database_and_inside_the_archive(world: Any) -> None:
    first = deposited(world, archive(2, "DUP"), name="premier.zip")
    flux_integrate(flux_id=first.pk)
    again = archive(3, "DUP")  # DUP-000 and DUP-001 exist, DUP-002 is new...
    again["copie.xml"] = again["DUP-002.xml"]  # ...and sent twice in this archive
    flux = deposited(world, again, name="second.zip")
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE_PARTIEL
    outcomes = [(i["file"], i["outcome"]) for i in flux.report["items"]]
    assert outcomes == [
        ("DUP-000.xml", ItemOutcome.REJETEE),
        ("DUP-001.xml", ItemOutcome.REJETEE),
        ("DUP-002.xml", ItemOutcome.INTEGREE),
        ("copie.xml", ItemOutcome.REJETEE),
    ]
    messages = [i["errors"][0]["message"] for i in flux.report["items"] if i["errors"]]
    assert all(m.startswith("Doublon : une facture n° DUP-00") for m in messages), messages
    assert Invoice.objects.filter(number="DUP-002").count() == 1


def test_a_chunk_that_fails_leaves_no_partial_invoice_and_the_retry_finishes(
    world: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.INVOICES_INTEGRATION_CHUNK = 4
    flux = deposited(world, archive(10, "PANNE"))
    real = AuditLog.objects.bulk_create
    calls = {"n": 0}

    def database_lost(objs: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:  # the second chunk's last INSERT
            raise OperationalError("server closed the connection unexpectedly")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(AuditLog.objects, "bulk_create", database_lost)
    with pytest.raises(OperationalError):
        flux_integrate(flux_id=flux.pk)
    # The first chunk is whole; nothing of the second one remains, not even its lines.
    assert sorted(Invoice.objects.filter(flux=flux).values_list("flux_position", flat=True)) == [
        0,
        1,
        2,
        3,
    ]
    assert InvoiceLine.objects.filter(invoice__flux=flux).count() == 4
    assert InvoiceStatusChange.objects.filter(invoice__flux=flux).count() == 8
    monkeypatch.setattr(AuditLog.objects, "bulk_create", real)
    flux_integrate(flux_id=flux.pk)  # the sweeper's retry
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE
    invoices = Invoice.objects.filter(flux=flux)
    assert sorted(invoices.values_list("flux_position", flat=True)) == list(range(10))
    assert InvoiceStatusChange.objects.filter(invoice__flux=flux).count() == 20
    assert (
        AuditLog.objects.filter(
            object_type="invoices.invoice",
            object_id__in=[str(pk) for pk in invoices.values_list("pk", flat=True)],
        ).count()
        == 20
    )


def test_a_concurrent_run_that_wrote_first_is_taken_over_one_by_one(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run (a task delivered twice) made position 1 after this run looked: the
    duplicate check finds that invoice, of this very flux and position, and takes it as is."""
    flux = deposited(world, archive(3, "COURSE"))
    flux_integrate(flux_id=flux.pk)
    made = {i.flux_position: i.pk for i in Invoice.objects.filter(flux=flux)}
    Invoice.objects.filter(flux=flux).exclude(flux_position=1).delete()
    Flux.objects.filter(pk=flux.pk).update(status=FluxStatus.IN_RECU)
    real_init = integration.FluxRun.__init__

    def blind(self: Any, flux: Flux) -> None:
        real_init(self, flux)
        self.done = {}  # as if position 1 were written between this look and the INSERT

    monkeypatch.setattr(integration.FluxRun, "__init__", blind)
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE
    assert Invoice.objects.filter(flux=flux).count() == 3
    assert flux.report["items"][1]["invoice_id"] == made[1]


def test_a_chunk_refused_by_a_constraint_is_written_again_one_by_one(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunk's INSERT meets a constraint (a duplicate deposited by another flux since the
    check, a concurrent run): each document is then written on its own, which tells which."""
    from django.db import IntegrityError

    flux = deposited(world, archive(3, "CONTRAINTE"))

    def refused(run: Any, ready: Any) -> Any:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(integration, "_write_chunk", refused)
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_INTEGRE
    for invoice in Invoice.objects.filter(flux=flux):
        assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
        assert list(invoice.status_changes.values_list("to_status", flat=True)) == [
            "DEPOSEE",
            "MISE_A_DISPOSITION",
        ]


def test_a_flux_whose_runs_keep_being_cut_off_is_not_tried_forever(
    world: Any, settings: Any
) -> None:
    """With late acknowledgement, a task that kills its worker comes back each time: after
    the last attempt the flux is finished with the reason instead of looping."""
    flux = deposited(world, archive(2, "COUPE"))
    Flux.objects.filter(pk=flux.pk).update(
        status=FluxStatus.IN_EN_COURS_TRAITEMENT_CPP,
        attempts=settings.INVOICES_INTEGRATION_MAX_ATTEMPTS,
    )
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_REJETE
    [error] = flux.report["errors"]
    assert error["rule_id"] == "CHOEUR-MOTEUR-02"
    assert "interrompu 5 fois" in error["message"]
    assert not Invoice.objects.filter(flux=flux).exists()
