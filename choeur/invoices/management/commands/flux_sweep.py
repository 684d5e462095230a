"""`manage.py flux_sweep`: queue again the flux stuck in a non-final state (what the beat entry
`invoices.flux_sweep` does), for deployments without Celery beat (cron, `make run`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from choeur.invoices.services.integration import flux_sweep


class Command(BaseCommand):
    help = "Relance l'intégration des flux restés dans un état non final."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            help=(
                "Âge minimal (secondes) de l'état du flux et de son dernier envoi à la file ; "
                "par défaut INVOICES_SWEEP_AFTER_SECONDS pour l'état et "
                "INVOICES_QUEUED_LOST_AFTER_SECONDS pour l'envoi (0 : relancer tout flux non final)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options["older_than"]
        delay = dt.timedelta(seconds=seconds) if seconds is not None else None
        swept = flux_sweep(older_than=delay, lost_after=delay)
        self.stdout.write(f"{len(swept)} flux relancé(s).")
