"""The one Celery app. Without CELERY_BROKER_URL, tasks run eagerly (see choeur.core.tasks)."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("choeur")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _database_between_tasks(sender: Any = None, **_kwargs: Any) -> None:
    """Between tasks, what Django does between requests: drop a connection that is broken (the
    database restarted) or older than CONN_MAX_AGE, keep a good one (CELERY_DB_REUSE_MAX).
    A task run in-process (no broker) shares its caller's connection and transaction: left alone."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
