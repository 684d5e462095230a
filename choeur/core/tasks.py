"""Task dispatch, by name: enqueue after commit; without a broker the task runs in-process after
commit.

Services name the task they queue (`send("invoices.flux_integrate", flux.pk)`) and never import
a task module, so task modules (which call services) and services (which queue tasks) do not
import each other (tests/integration/test_import_cycles.py). Every task takes the id of the row it
works on and is idempotent on it: with late acknowledgement a task may run twice (a worker lost
after the work, before the ack), and a second run finds the work done and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import Task, current_app, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# Publishing waits little for a broker that does not answer: the request that queued the task
# has already committed its durable row, and a periodic sweeper queues it again later.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def send(name: str, *args: Any, on_unsent: Callable[[], None] | None = None) -> None:
    """Queue the task called `name` once the current transaction commits (at once when none
    is open), routed to its queue by CELERY_TASK_ROUTES (config/settings.py).

    With CELERY_BROKER_URL unset, Celery runs tasks eagerly (settings), so the task runs in
    this process right after the commit: a rolled-back change never triggers its side effects.

    Every queued task has a durable row behind it and a sweeper in beat (`flux_sweep`,
    `outbox_flush`, `webhook_sweep`): when the broker is down, the task is logged as not queued
    and the answer stands (the deposit is accepted, its row waits for the sweeper), instead of
    an error after the commit. `on_unsent` then runs (in autocommit, after that commit): the
    row records it was not queued, so its sweeper sends it at its next pass (`Flux.queued_at`).
    """
    transaction.on_commit(lambda: _publish(name, args, {}, on_unsent))


def dispatch(
    task: Task,  # type: ignore[type-arg]
    *args: Any,
    **kwargs: Any,
) -> None:
    """`send` for a task object at hand (its name is what travels)."""
    transaction.on_commit(lambda: _publish(task.name, args, kwargs))


def _publish(
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    on_unsent: Callable[[], None] | None = None,
) -> None:
    app = current_app
    try:
        if app.conf.task_always_eager:
            _registered(name).apply_async(args=args, kwargs=kwargs)
        else:
            app.send_task(
                name, args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY
            )
    except (OperationalError, ConnectionError) as exc:
        logger.warning(
            "broker unreachable, %s%r not queued now (the sweeper will): %s", name, args, exc
        )
        if on_unsent is not None:
            try:
                on_unsent()
            except Exception:  # noqa: BLE001 - the sweeper still finds the row, only later
                logger.exception("could not record that %s%r was not queued", name, args)


def _registered(name: str) -> Task:  # type: ignore[type-arg]
    """The task called `name` in this process (in-process runs): the task modules of the
    installed apps are imported the first time one is asked for."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


@shared_task(name="core.files_collect_orphans")
def files_collect_orphans_task() -> int:
    """Daily: the bytes of deposits whose transaction rolled back (nothing references them)."""
    import datetime as dt

    from choeur.core.files import stored_files_collect_orphans

    return len(stored_files_collect_orphans(older_than=dt.timedelta(hours=24)))
