"""Periodic jobs of the works circuit; each task only calls a service."""

from __future__ import annotations

from celery import shared_task
from celery.schedules import crontab

from choeur.works.services import tacit_procedures_run

# The entry of settings.CELERY_BEAT_SCHEDULE: every hour, the works invoices whose MOE or MOA
# let the regulatory delay run out go on (tacit procedures, reference C.3 and C.9).
BEAT_SCHEDULE = {
    "works.tacit_procedures": {"task": "works.tacit_procedures", "schedule": crontab(minute=5)},
}


@shared_task(name="works.tacit_procedures")
def tacit_procedures() -> int:
    return tacit_procedures_run()
