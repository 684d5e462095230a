"""Two agents act on the same invoice at the same moment: one succeeds, the other gets a clear
refusal, and the history stays whole (one row per real change, in order)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from choeur.invoices.models import Invoice, InvoiceStatusChange
from choeur.lifecycle.models import StatusChangeDetail
from choeur.lifecycle.services import ActionRefused, invoice_apply_action
from tests.lifecycle import factories as f


def _race(invoice_id: int, attempts: list[tuple[object, str, dict[str, str]]]) -> list[object]:
    """Run each (user, to_status, extra) in its own thread, released together."""
    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def act(index: int, user: object, to_status: str, extra: dict[str, str]) -> None:
        try:
            invoice = Invoice.objects.get(pk=invoice_id)
            barrier.wait(timeout=10)
            results[index] = invoice_apply_action(
                invoice=invoice,
                to_status=to_status,
                actor_user=user,
                actor_kind="RECIPIENT",
                expected_status="MISE_A_DISPOSITION",
                **extra,
            )
        except ActionRefused as refused:
            results[index] = refused
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(index, *attempt))
        for index, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _check_one_winner(invoice: Invoice, results: list[object]) -> None:
    refusals = [r for r in results if isinstance(r, ActionRefused)]
    successes = [r for r in results if isinstance(r, InvoiceStatusChange)]
    assert len(successes) == 1 and len(refusals) == 1, results
    assert refusals[0].code == "STALE"
    assert "a changé entre-temps" in refusals[0].message
    invoice.refresh_from_db()
    winner = successes[0]
    assert invoice.status == winner.to_status
    history = list(InvoiceStatusChange.objects.filter(invoice=invoice).order_by("pk"))
    assert [(h.from_status, h.to_status) for h in history] == [
        ("", "MISE_A_DISPOSITION"),
        ("MISE_A_DISPOSITION", winner.to_status),
    ]
    assert StatusChangeDetail.objects.filter(change__invoice=invoice).count() == 1


def _scenario(world_users: tuple[object, object], invoice: Invoice) -> None:
    agent, manager = world_users
    for _ in range(3):
        Invoice.objects.filter(pk=invoice.pk).update(status="MISE_A_DISPOSITION")
        InvoiceStatusChange.objects.filter(invoice=invoice).exclude(from_status="").delete()
        results = _race(
            invoice.pk,
            [
                (agent, "SUSPENDUE", {"reason": "Bon de livraison manquant"}),
                (manager, "REJETEE", {"reason": "Doublon"}),
            ],
        )
        _check_one_winner(invoice, results)


@pytest.mark.django_db(transaction=True)
def test_two_agents_at_once_one_wins_one_is_refused(world):
    invoice = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.achats)
    _scenario((world.agent, world.manager), invoice)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_at_once_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL ne désigne pas PostgreSQL")
    invoice = f.invoice(supplier=world.supplier, recipient=world.recipient, service=world.achats)
    _scenario((world.agent, world.manager), invoice)
