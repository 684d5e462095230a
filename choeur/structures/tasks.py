"""Periodic jobs of the structures domain; each task only calls a service."""

from __future__ import annotations

from celery import shared_task
from celery.schedules import crontab

from choeur.structures.services import technical_password_reminders_send

# The entry for settings.CELERY_BEAT_SCHEDULE: every morning, warn the managers whose technical
# password expires in 15 days (the reference's daily password-expiry reminder).
BEAT_SCHEDULE = {
    "structures.technical_password_reminders": {
        "task": "structures.technical_password_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
}


@shared_task(name="structures.technical_password_reminders")
def technical_password_reminders() -> int:
    return technical_password_reminders_send()
