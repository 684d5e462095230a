from __future__ import annotations

import io

import pytest

from choeur.invoices import demo
from choeur.invoices.enums import FluxStatus, InvoiceStatus
from choeur.invoices.models import Flux, Invoice, InvoiceDraft
from tests.invoices.factories import UserFactory, member


@pytest.mark.django_db
def test_demo_loads_invoices_in_several_statuses_and_is_idempotent(world) -> None:  # type: ignore[no-untyped-def]
    from choeur.accounts.demo import SUPPLIER_EMAIL

    member(world.supplier, UserFactory(email=SUPPLIER_EMAIL))
    demo.load(stdout=io.StringIO())
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert {
        InvoiceStatus.MISE_A_DISPOSITION,
        InvoiceStatus.SUSPENDUE,
        InvoiceStatus.A_RECYCLER,
        InvoiceStatus.REJETEE,
    } <= statuses
    assert Flux.objects.filter(status=FluxStatus.IN_REJETE).count() == 1
    counts = (Invoice.objects.count(), Flux.objects.count(), InvoiceDraft.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Invoice.objects.count(), Flux.objects.count(), InvoiceDraft.objects.count()) == counts
