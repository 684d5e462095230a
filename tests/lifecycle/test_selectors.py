from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from choeur.invoices.models import Invoice
from choeur.lifecycle.selectors import (
    ReceivedFilters,
    invoice_list_for_recipient,
    received_invoices,
    synthese_for_recipient,
)
from choeur.lifecycle.services import invoice_apply_action
from choeur.structures.enums import AccessMode
from tests.lifecycle import factories as f

pytestmark = pytest.mark.django_db


def test_polling_by_status_change_time(world):
    old = f.invoice(supplier=world.supplier, recipient=world.recipient, age_days=10)
    fresh = f.invoice(supplier=world.supplier, recipient=world.recipient)
    since = timezone.now() - dt.timedelta(days=1)
    found = invoice_list_for_recipient(
        user=world.manager, filters=ReceivedFilters(status_changed_from=since)
    )
    assert list(found) == [fresh]
    invoice_apply_action(
        invoice=old, to_status="SERVICE_FAIT", actor_user=world.manager, actor_kind="RECIPIENT"
    )
    found = invoice_list_for_recipient(
        user=world.manager, filters=ReceivedFilters(status_changed_from=since, sort="numero")
    )
    assert set(found) == {old, fresh}
    assert not invoice_list_for_recipient(
        user=world.manager,
        filters=ReceivedFilters(status_changed_to=timezone.now() - dt.timedelta(days=20)),
    ).exists()


def test_modification_scope_excludes_readers(world, mad_invoice):
    assert list(received_invoices(world.reader)) == [mad_invoice]
    assert not received_invoices(world.reader, mode=AccessMode.MODIFICATION).exists()
    assert list(received_invoices(world.agent, mode=AccessMode.MODIFICATION)) == [mad_invoice]


def test_inactive_user_sees_nothing(world, mad_invoice):
    world.agent.is_active = False
    world.agent.save()
    assert not received_invoices(world.agent).exists()


def test_synthese_counts_and_amounts_per_status(world):
    f.invoice(supplier=world.supplier, recipient=world.recipient)
    f.invoice(supplier=world.supplier, recipient=world.recipient, total_ttc="100.00")
    f.invoice(supplier=world.supplier, recipient=world.recipient, status="REJETEE")
    f.invoice(supplier=world.supplier, recipient=world.other_recipient)
    data = synthese_for_recipient(user=world.manager)
    by_status = {c.status: (c.count, c.amount) for c in data.counts}
    assert by_status["MISE_A_DISPOSITION"] == (
        2,
        Invoice._meta.get_field("total_ttc").to_python("1300.00"),
    )
    assert by_status["REJETEE"][0] == 1
    assert data.total == 3 and data.waiting == 2 and data.delay_days == 30
