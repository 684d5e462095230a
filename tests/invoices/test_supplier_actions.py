"""« Compléter », « Recycler », « Traiter le rejet » and the status history they leave."""

from __future__ import annotations

import pytest

from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate
from choeur.invoices.services.status import invoice_set_status
from choeur.invoices.services.supplier import (
    InvoiceActionError,
    invoice_acknowledge_rejection,
    invoice_complete,
    invoice_recycle,
)
from choeur.structures.enums import AccessMode
from tests.invoices.factories import PUBLIC_FREE_SIRET, PUBLIC_SIRET, member
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db
SUPPLIER = "84211943000010"


@pytest.fixture
def invoice(world) -> Invoice:  # type: ignore[no-untyped-def]
    flux = flux_deposit(
        user=world.user,
        supplier=world.supplier,
        upload=Upload("f.xml", Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()),
    )
    flux_integrate(flux_id=flux.pk)
    return Invoice.objects.get()


def test_complete_a_suspended_invoice(world, invoice) -> None:  # type: ignore[no-untyped-def]
    invoice_set_status(
        invoice=invoice, to=InvoiceStatus.SUSPENDUE, actor=None, reason="Il manque le PV"
    )
    invoice_complete(
        invoice=invoice,
        actor=world.user,
        comment="PV de réception joint",
        attachments=[Upload("pv.pdf", b"%PDF-1.4 pv")],
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.COMPLETEE
    assert invoice.attachments.get().added_on_status == InvoiceStatus.SUSPENDUE
    last = invoice.status_changes.last()
    assert (last.from_status, last.to_status, last.reason, last.actor) == (
        "SUSPENDUE",
        "COMPLETEE",
        "PV de réception joint",
        world.user,
    )


def test_complete_needs_a_comment_or_an_attachment(world, invoice) -> None:  # type: ignore[no-untyped-def]
    invoice_set_status(invoice=invoice, to=InvoiceStatus.SUSPENDUE, actor=None)
    with pytest.raises(InvoiceActionError):
        invoice_complete(invoice=invoice, actor=world.user, comment="  ")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SUSPENDUE


def test_complete_refuses_a_bad_attachment_and_changes_nothing(world, invoice) -> None:  # type: ignore[no-untyped-def]
    invoice_set_status(invoice=invoice, to=InvoiceStatus.SUSPENDUE, actor=None)
    with pytest.raises(InvoiceActionError, match="extension"):
        invoice_complete(
            invoice=invoice, actor=world.user, comment="x", attachments=[Upload("a.exe", b"x")]
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SUSPENDUE
    assert not invoice.attachments.exists()


def test_complete_only_a_suspended_invoice(world, invoice) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvoiceActionError, match="Suspendue"):
        invoice_complete(invoice=invoice, actor=world.user, comment="x")


def test_consultation_cannot_act(world, invoice) -> None:  # type: ignore[no-untyped-def]
    reader = member(world.supplier, mode=AccessMode.CONSULTATION)
    invoice_set_status(invoice=invoice, to=InvoiceStatus.SUSPENDUE, actor=None)
    with pytest.raises(InvoiceActionError):
        invoice_complete(invoice=invoice, actor=reader, comment="x")


def test_recycle_changes_only_the_routing(world, invoice) -> None:  # type: ignore[no-untyped-def]
    invoice_set_status(
        invoice=invoice, to=InvoiceStatus.A_RECYCLER, actor=None, reason="Mauvais destinataire"
    )
    invoice_recycle(
        invoice=invoice,
        actor=world.user,
        recipient_siret=PUBLIC_SIRET,
        service_code="SERVICE_DEST_SERV_OBL",
        engagement_number="",
    )
    invoice.refresh_from_db()
    assert invoice.recipient == world.recipient
    assert invoice.service == world.service
    assert invoice.number == "FA-2026-001"
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert list(invoice.status_changes.values_list("to_status", flat=True))[-3:] == [
        "A_RECYCLER",
        "DEPOSEE",
        "MISE_A_DISPOSITION",
    ]


def test_recycle_checks_the_new_routing(world, invoice) -> None:  # type: ignore[no-untyped-def]
    invoice_set_status(invoice=invoice, to=InvoiceStatus.A_RECYCLER, actor=None)
    with pytest.raises(InvoiceActionError, match="code service est obligatoire"):
        invoice_recycle(
            invoice=invoice,
            actor=world.user,
            recipient_siret=PUBLIC_SIRET,
            service_code="",
            engagement_number="",
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_RECYCLER
    assert invoice.recipient == world.free_recipient


def test_acknowledge_rejection(world, invoice) -> None:  # type: ignore[no-untyped-def]
    invoice_set_status(
        invoice=invoice, to=InvoiceStatus.REJETEE, actor=None, reason="Montant erroné"
    )
    invoice_acknowledge_rejection(invoice=invoice, actor=world.user)
    invoice.refresh_from_db()
    assert invoice.rejection_processed_at is not None
    assert invoice.status == InvoiceStatus.REJETEE
    with pytest.raises(InvoiceActionError):
        invoice_acknowledge_rejection(invoice=invoice, actor=world.user)
