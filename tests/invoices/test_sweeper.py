"""The flux sweeper sends a flux's message again only when none is on its way (never queued, a
run stalled since its last message, a message older than the « lost » delay), and a message for a
flux another run holds does nothing: a backlog longer than INVOICES_SWEEP_AFTER_SECONDS no longer
gets one more message per sweep, and a duplicate delivered during a run starts no second run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

from choeur.invoices.enums import FLUX_FINAL_STATUSES, FluxStatus
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit, flux_for_retry
from choeur.invoices.services.integration import flux_integrate, flux_sweep
from tests.invoices.factories import PUBLIC_FREE_SIRET
from tests.invoices.samples import Sample

pytestmark = pytest.mark.django_db(transaction=False)
SUPPLIER = "84211943000010"


def lost_deposit(world: Any, capture: Any, key: str = "") -> Flux:
    """A deposit whose message is in the broker (its task is not run here)."""
    with capture(execute=False):
        flux = flux_deposit(
            user=world.user,
            supplier=world.supplier,
            upload=Upload("a.xml", Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()),
            idempotency_key=key,
        )
    flux.refresh_from_db()
    return flux


def ago(**kwargs: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """The messages the code hands to the broker (none is run)."""
    messages: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(
        "choeur.core.tasks._publish",
        lambda name, args, kwargs, on_unsent=None: messages.append((name, args)),
    )
    return messages


def test_a_deposit_records_when_it_was_queued(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    flux = lost_deposit(world, django_capture_on_commit_callbacks)
    assert flux.queued_at is not None
    assert abs(flux.queued_at - flux.created_at) < dt.timedelta(seconds=5)


def test_a_message_waiting_in_a_backlog_is_not_sent_again(
    world, django_capture_on_commit_callbacks, sent, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.INVOICES_SWEEP_AFTER_SECONDS = 8
    settings.INVOICES_QUEUED_LOST_AFTER_SECONDS = 600
    flux = lost_deposit(world, django_capture_on_commit_callbacks)
    # Waiting for 5 minutes behind a backlog: well past the sweep delay, not yet lost.
    Flux.objects.filter(pk=flux.pk).update(
        status_changed_at=ago(minutes=5), queued_at=ago(minutes=5)
    )
    for _sweep in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert flux_sweep() == []
    assert sent == []


def test_a_message_older_than_the_lost_delay_is_sent_once_more(
    world, django_capture_on_commit_callbacks, sent, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.INVOICES_QUEUED_LOST_AFTER_SECONDS = 600
    flux = lost_deposit(world, django_capture_on_commit_callbacks)
    Flux.objects.filter(pk=flux.pk).update(
        status_changed_at=ago(minutes=11), queued_at=ago(minutes=11)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert flux_sweep() == [flux.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert flux_sweep() == []  # the new message is on its way
    assert sent == [("invoices.flux_integrate", (flux.pk,))]
    flux.refresh_from_db()
    assert flux.queued_at is not None and flux.queued_at > ago(minutes=1)


def test_a_flux_the_broker_refused_is_sent_at_the_next_sweep(
    world, django_capture_on_commit_callbacks, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    import choeur.invoices.tasks  # noqa: F401 - the task run in-process once the broker is back

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection refused")

    down = SimpleNamespace(conf=SimpleNamespace(task_always_eager=False), send_task=broker_down)
    monkeypatch.setattr("choeur.core.tasks.current_app", down)
    with django_capture_on_commit_callbacks(execute=True):
        flux = flux_deposit(
            user=world.user,
            supplier=world.supplier,
            upload=Upload("a.xml", Sample(SUPPLIER, PUBLIC_FREE_SIRET).cii()),
        )
    flux.refresh_from_db()
    assert flux.status == FluxStatus.IN_RECU  # accepted and durable
    assert flux.queued_at is None  # recorded as never queued
    monkeypatch.undo()  # the broker is back (tasks run in-process here)
    with django_capture_on_commit_callbacks(execute=True):
        assert flux_sweep() == [flux.pk]  # at once, with no delay
    flux.refresh_from_db()
    assert flux.status in FLUX_FINAL_STATUSES, flux.report  # integrated (or judged): run
    assert flux.attempts == 1
    assert Invoice.objects.filter(flux=flux).count() <= 1


def test_a_retried_deposit_requeues_only_a_flux_whose_message_is_not_on_its_way(
    world, django_capture_on_commit_callbacks, sent
) -> None:  # type: ignore[no-untyped-def]
    flux = lost_deposit(world, django_capture_on_commit_callbacks, key="k-1")
    with django_capture_on_commit_callbacks(execute=True):
        assert flux_for_retry(user=world.user, key="k-1") == flux
    assert sent == []  # queued a moment ago: its message is on its way
    Flux.objects.filter(pk=flux.pk).update(queued_at=None)  # the broker had refused it
    with django_capture_on_commit_callbacks(execute=True):
        flux_for_retry(user=world.user, key="k-1")
    assert sent == [("invoices.flux_integrate", (flux.pk,))]


def test_a_stalled_run_is_sent_again_once(
    world, django_capture_on_commit_callbacks, sent, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.INVOICES_SWEEP_AFTER_SECONDS = 120
    flux = lost_deposit(world, django_capture_on_commit_callbacks)
    # Its worker died three minutes ago in the middle of the run (queued just before).
    Flux.objects.filter(pk=flux.pk).update(
        status=FluxStatus.IN_EN_COURS_TRAITEMENT_CPP,
        status_changed_at=ago(minutes=3),
        queued_at=ago(minutes=3, seconds=1),
        attempts=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert flux_sweep() == [flux.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert flux_sweep() == []
    assert len(sent) == 1


def test_a_live_run_is_not_sent_again(
    world, django_capture_on_commit_callbacks, sent, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.INVOICES_SWEEP_AFTER_SECONDS = 120
    flux = lost_deposit(world, django_capture_on_commit_callbacks)
    Flux.objects.filter(pk=flux.pk).update(
        status=FluxStatus.IN_EN_COURS_TRAITEMENT_CPP,
        status_changed_at=ago(seconds=30),  # its last chunk's heartbeat
        queued_at=ago(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert flux_sweep() == []
    assert sent == []


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite: the process's own runs")
def test_a_duplicate_message_during_a_run_is_a_no_op(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from choeur.invoices.services import integration

    flux = lost_deposit(world, django_capture_on_commit_callbacks)
    with integration._run_lock(flux.pk) as mine:  # a run of this process holds it
        assert mine
        flux_integrate(flux_id=flux.pk)  # the duplicate, delivered meanwhile
        flux.refresh_from_db()
        assert flux.status == FluxStatus.IN_RECU and flux.attempts == 0  # no second run
    assert not Invoice.objects.exists()
    flux_integrate(flux_id=flux.pk)  # once the run ended (here: by an error), at once
    flux.refresh_from_db()
    assert flux.status in FLUX_FINAL_STATUSES and flux.attempts == 1


def test_a_message_for_a_stalled_run_takes_it_over(
    world, django_capture_on_commit_callbacks, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.INVOICES_SWEEP_AFTER_SECONDS = 120
    flux = lost_deposit(world, django_capture_on_commit_callbacks)
    Flux.objects.filter(pk=flux.pk).update(
        status=FluxStatus.IN_EN_COURS_TRAITEMENT_CPP, status_changed_at=ago(minutes=3), attempts=1
    )
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status in FLUX_FINAL_STATUSES, flux.report  # integrated (or judged): run
    assert flux.attempts == 2
    assert Invoice.objects.filter(flux=flux).count() <= 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: the run's advisory lock")
def test_a_duplicate_message_while_another_session_runs_the_flux_is_a_no_op(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from django.db import connections

    flux = lost_deposit(world, django_capture_on_commit_callbacks)
    key = int.from_bytes(
        hashlib.sha256(f"flux-run:{flux.pk}".encode()).digest()[:8], "big", signed=True
    )
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])  # the first run holds it
        flux_integrate(flux_id=flux.pk)
        flux.refresh_from_db()
        assert flux.status == FluxStatus.IN_RECU and flux.attempts == 0
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])  # the first run ends
    finally:
        other.close()
    flux_integrate(flux_id=flux.pk)
    flux.refresh_from_db()
    assert flux.status in FLUX_FINAL_STATUSES, flux.report  # integrated (or judged): run
    assert flux.attempts == 1  # the no-op took no attempt
