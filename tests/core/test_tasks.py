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
