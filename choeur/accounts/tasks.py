from __future__ import annotations

from celery import shared_task

from choeur.accounts.services import registration_purge_stale


@shared_task(name="accounts.registration_purge")
def registration_purge() -> int:
    return registration_purge_stale()
