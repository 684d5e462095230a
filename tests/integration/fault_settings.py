"""Settings of the web, worker and beat processes that the fault tests start.

The production settings, with three changes so that a test's processes only talk to each other on
the shared RabbitMQ: every task goes to the test's own queue (CHOEUR_TEST_QUEUE), beat runs the
flux sweeper alone and often (CHOEUR_TEST_SWEEP_EVERY seconds), and the technical account's
hash made by the test process (MD5, the test suite's fast hasher) is accepted.
"""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403 - the production settings, changed below
from config.settings import PASSWORD_HASHERS

CELERY_TASK_DEFAULT_QUEUE = os.environ["CHOEUR_TEST_QUEUE"]
CELERY_TASK_ROUTES = {"*": {"queue": CELERY_TASK_DEFAULT_QUEUE}}
CELERY_BEAT_SCHEDULE = {
    "invoices.flux_sweep": {
        "task": "invoices.flux_sweep",
        "schedule": float(os.environ.get("CHOEUR_TEST_SWEEP_EVERY", "3")),
    }
}
# A message not started within this is lost and sent again (900 s in production: the backlogs of
# these tests clear in far less, and a message the cut broker swallowed is sent again in time).
INVOICES_QUEUED_LOST_AFTER_SECONDS = int(os.environ.get("INVOICES_QUEUED_LOST_AFTER_SECONDS", "45"))
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
