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
    from config.celery import app

    CALLS.clear()
    with caplog.at_level("DEBUG", logger="kombu"):
        dispatch(record, "sans courtier")
        with app.connection_for_write() as connection:  # what a producer of the pool is given
            assert connection.info()["transport"] == "memory"
    assert CALLS == ["sans courtier"]
    assert not [r for r in caplog.records if r.name.startswith("kombu")]
