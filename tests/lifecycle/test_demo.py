from __future__ import annotations

import io

import pytest

from choeur.lifecycle import demo
from choeur.lifecycle.models import StatusChangeDetail
from choeur.structures.enums import Role
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db


def test_demo_processes_waiting_invoices_once(world):
    agent = f.attach(f.user(demo.PUBLIC_EMAIL), world.recipient, role=Role.UTILISATEUR)
    assert agent
    invoices = [f.invoice(supplier=world.supplier, recipient=world.recipient) for _ in range(5)]
    out = io.StringIO()
    demo.load(stdout=out)
    statuses = []
    for invoice in invoices:
        invoice.refresh_from_db()
        statuses.append(invoice.status)
    assert statuses == [
        "SERVICE_FAIT",
        "SUSPENDUE",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
        "MISE_A_DISPOSITION",
    ]
    count = StatusChangeDetail.objects.count()
    demo.load(stdout=out)
    assert StatusChangeDetail.objects.count() == count
    assert "déjà traitées" in out.getvalue()


def test_demo_without_the_public_account_does_nothing(db):
    out = io.StringIO()
    demo.load(stdout=out)
    assert "pas de compte" in out.getvalue()
