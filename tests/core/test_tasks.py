from __future__ import annotations

import pytest
from celery import shared_task
from django.db import transaction

from choeur.core.tasks import dispatch

CALLS: list[str] = []


@shared_task
def record(value: str) -> None:
    CALLS.append(value)


@pytest.mark.django_db(transaction=True)
def test_dispatched_task_runs_in_process_after_commit() -> None:
    CALLS.clear()
    with transaction.atomic():
        dispatch(record, "après")
        assert CALLS == []
    assert CALLS == ["après"]


@pytest.mark.django_db(transaction=True)
def test_dispatched_task_never_runs_when_the_transaction_rolls_back() -> None:
    CALLS.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        dispatch(record, "jamais")
        raise RuntimeError
    assert CALLS == []


@pytest.mark.django_db(transaction=True)
def test_in_process_tasks_never_look_for_a_broker(caplog: pytest.LogCaptureFixture) -> None:
    """Without CELERY_BROKER_URL nothing tries to reach a broker: `make run`'s console stays
    free of kombu's « No hostname was supplied » on every email and task."""
    from django.conf import settings
    from kombu import Connection

    CALLS.clear()
    with caplog.at_level("DEBUG", logger="kombu"):
        dispatch(record, "sans courtier")
        # What the producer pool is given without CELERY_BROKER_URL (other tests may point the
        # app itself at a real broker for a while).
        with Connection(settings.CELERY_BROKER_URL) as connection:
            assert connection.info()["transport"] == "memory"
    assert CALLS == ["sans courtier"]
    assert not [r for r in caplog.records if r.name.startswith("kombu")]


@pytest.fixture
def broker_down():  # type: ignore[no-untyped-def]
    """Celery configured for a broker that does not answer (a closed port on loopback)."""
    from config.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_connection_timeout)
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.task_always_eager = False
    app.conf.broker_url = "amqp://guest:guest@127.0.0.1:9//"
    app.conf.broker_connection_timeout = 1
    yield app
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_connection_timeout = saved


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_loses_nothing_and_breaks_no_answer(broker_down, caplog) -> None:  # type: ignore[no-untyped-def]
    """The deposit is accepted with the broker down: its row is durable, the task is not lost
    but left to the sweeper, and the request does not fail after its commit."""
    from choeur.invoices.enums import FluxStatus
    from choeur.invoices.models import Flux
    from choeur.invoices.services.deposit import Upload, flux_deposit
    from tests.invoices.factories import PUBLIC_FREE_SIRET, StructureFactory, member
    from tests.invoices.samples import Sample

    supplier = StructureFactory()
    user = member(supplier)
    with caplog.at_level("WARNING", logger="choeur.core.tasks"):
        flux = flux_deposit(
            user=user,
            supplier=supplier,
            upload=Upload("f.xml", Sample(supplier.identifier, PUBLIC_FREE_SIRET).cii()),
        )
    assert Flux.objects.get(pk=flux.pk).status == FluxStatus.IN_RECU
    assert any("not queued" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_a_retry_after_a_broker_outage_queues_the_waiting_flux_at_once(broker_down) -> None:  # type: ignore[no-untyped-def]
    from choeur.invoices.enums import FluxStatus
    from choeur.invoices.models import Flux
    from choeur.invoices.services.deposit import Upload, flux_deposit
    from tests.invoices.factories import StructureFactory, member, public_recipient
    from tests.invoices.samples import Sample

    supplier = StructureFactory()
    user = member(supplier)
    recipient = public_recipient()
    upload = Upload("f.xml", Sample(supplier.identifier, recipient.identifier).cii())
    first = flux_deposit(user=user, supplier=supplier, upload=upload, idempotency_key="K-1")
    assert Flux.objects.get(pk=first.pk).status == FluxStatus.IN_RECU
    broker_down.conf.task_always_eager = True  # the broker is back (here: in-process)
    again = flux_deposit(user=user, supplier=supplier, upload=upload, idempotency_key="K-1")
    assert again.pk == first.pk and Flux.objects.count() == 1
    assert Flux.objects.get(pk=first.pk).status == FluxStatus.IN_INTEGRE
