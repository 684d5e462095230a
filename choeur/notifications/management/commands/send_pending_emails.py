from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from choeur.notifications.services import outbox_flush


class Command(BaseCommand):
    help = "Envoie les courriels en attente dont l'heure de nouvel essai est venue."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = outbox_flush()
        self.stdout.write(f"{sent} courriel(s) envoyé(s).")
