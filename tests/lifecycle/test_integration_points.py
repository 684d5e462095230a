"""The calls other apps are told to make (docs/lifecycle.md), inside their own transactions."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from choeur.invoices.models import InvoiceStatusChange
from choeur.lifecycle.services import ActionRefused, invoice_apply_action
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db


def test_routing_after_integration_inside_the_deposit_transaction(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        invoice = f.invoice(
            supplier=world.supplier,
            recipient=world.recipient,
            service=world.achats,
            depositor=world.supplier_user,
            status="DEPOSEE",
        )
        invoice_apply_action(
            invoice=invoice, to_status="MISE_A_DISPOSITION", actor_user=None, actor_kind="SYSTEM"
        )
    invoice.refresh_from_db()
    assert invoice.status == "MISE_A_DISPOSITION"
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        f"Nouvelle facture reçue : {invoice.number}",
        f"Votre facture {invoice.number} : Mise à disposition",
    ]


def test_recycling_goes_back_through_routing(world):
    invoice = f.invoice(
        supplier=world.supplier,
        recipient=world.recipient,
        service=world.achats,
        status="A_RECYCLER",
    )
    with transaction.atomic():
        invoice_apply_action(
            invoice=invoice,
            to_status="DEPOSEE",
            actor_user=world.supplier_user,
            actor_kind="SUPPLIER",
            reason="Recyclage : COMMUNE DE TEST",
        )
        invoice_apply_action(
            invoice=invoice, to_status="MISE_A_DISPOSITION", actor_user=None, actor_kind="SYSTEM"
        )
    steps = list(
        InvoiceStatusChange.objects.filter(invoice=invoice)
        .order_by("pk")
        .values_list("to_status", "detail__actor_kind")
    )
    assert steps[1:] == [("DEPOSEE", "SUPPLIER"), ("MISE_A_DISPOSITION", "SYSTEM")]


def test_a_refusal_inside_the_callers_transaction_rolls_back_its_work(world):
    invoice = f.invoice(supplier=world.supplier, recipient=world.recipient, status="SUSPENDUE")
    with pytest.raises(ActionRefused), transaction.atomic():
        f.attachment(invoice, name="ajout.pdf")
        invoice_apply_action(
            invoice=invoice, to_status="COMPLETEE", actor_user=world.agent, actor_kind="SUPPLIER"
        )
    assert not invoice.attachments.exists()
