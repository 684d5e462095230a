"""A long random walk of actions by every kind of actor: refusals write nothing, and the history
always chains (each change starts where the previous one ended; late updates start from the
status they left unchanged)."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ObjectDoesNotExist

from choeur.invoices.models import InvoiceStatusChange
from choeur.lifecycle.services import ActionRefused, invoice_apply_action
from choeur.lifecycle.transitions import Actor, Status, targets_for
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_actions_keep_the_history_whole(world, seed):
    rng = random.Random(seed)
    invoice = f.invoice(
        supplier=world.supplier, recipient=world.recipient, service=world.achats, status="DEPOSEE"
    )
    users = {
        Actor.SUPPLIER: world.supplier_user,
        Actor.RECIPIENT: world.agent,
        Actor.ACCOUNTANT: world.agent,
        Actor.SYSTEM: None,
    }
    applied = 0
    for _ in range(120):
        actor = rng.choice(list(Actor))
        allowed = targets_for(invoice.status, actor, include_late=True)
        # Mostly moves the table allows (so the walk goes far), sometimes anything at all.
        target = rng.choice(allowed) if allowed and rng.random() < 0.7 else rng.choice(list(Status))
        before_rows = InvoiceStatusChange.objects.filter(invoice=invoice).count()
        try:
            invoice_apply_action(
                invoice=invoice,
                to_status=target,
                actor_user=users.get(actor),  # no user for the other circuits' actors
                actor_kind=actor,
                reason="motif" if rng.random() < 0.8 else "",
                mandat_number="M-1" if rng.random() < 0.8 else "",
            )
        except ActionRefused:
            assert InvoiceStatusChange.objects.filter(invoice=invoice).count() == before_rows
        else:
            applied += 1
    assert applied > 10
    current = ""
    for row in InvoiceStatusChange.objects.filter(invoice=invoice).order_by("pk"):
        try:
            late = row.detail.out_of_order
        except ObjectDoesNotExist:
            late = False
        assert row.from_status == current, (row.from_status, current)
        if not late:
            current = row.to_status
    invoice.refresh_from_db()
    assert invoice.status == current
