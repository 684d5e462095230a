"""Task dispatch: enqueue after commit; without a broker the task runs in-process after commit."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction


def dispatch(
    task: Task,  # type: ignore[type-arg]
    *args: Any,
    **kwargs: Any,
) -> None:
    """Queue `task` once the current transaction commits (at once when none is open).

    With CELERY_BROKER_URL unset, Celery runs tasks eagerly (settings), so the task runs in
    this process right after the commit: a rolled-back change never triggers its side effects.
    """
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
