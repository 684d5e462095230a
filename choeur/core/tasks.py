"""Task dispatch: enqueue after commit; without a broker the task runs in-process after commit."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# Publishing waits little for a broker that does not answer: the request that queued the task
# has already committed its durable row, and a periodic sweeper queues it again later.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def dispatch(
    task: Task,  # type: ignore[type-arg]
    *args: Any,
    **kwargs: Any,
) -> None:
    """Queue `task` once the current transaction commits (at once when none is open).

    With CELERY_BROKER_URL unset, Celery runs tasks eagerly (settings), so the task runs in
    this process right after the commit: a rolled-back change never triggers its side effects.

    Every dispatched task has a durable row behind it and a sweeper in beat (`flux_sweep`,
    `outbox_flush`): when the broker is down, the task is logged as not queued and the answer
    stands (the deposit is accepted, its row waits for the sweeper), instead of an error after
    the commit.
    """
    transaction.on_commit(lambda: _publish(task, args, kwargs))


def _publish(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:  # type: ignore[type-arg]
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except (OperationalError, ConnectionError) as exc:
        logger.warning(
            "broker unreachable, %s%r not queued now (the sweeper will): %s", task.name, args, exc
        )


@shared_task(name="core.files_collect_orphans")
def files_collect_orphans_task() -> int:
    """Daily: the bytes of deposits whose transaction rolled back (nothing references them)."""
    import datetime as dt

    from choeur.core.files import stored_files_collect_orphans

    return len(stored_files_collect_orphans(older_than=dt.timedelta(hours=24)))
