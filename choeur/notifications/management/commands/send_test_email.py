from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from choeur.notifications.models import OutboxStatus
from choeur.notifications.services import email_queue


class Command(BaseCommand):
    help = "Envoie un courriel d'essai, pour vérifier la configuration SMTP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("to")

    def handle(self, *args: Any, **options: Any) -> None:
        email = email_queue(
            to=options["to"],
            subject="Courriel d'essai",
            template="notifications/emails/test",
            context={"name": options["to"]},
        )
        email.refresh_from_db()
        if email.status == OutboxStatus.SENT:
            self.stdout.write(self.style.SUCCESS("Courriel envoyé."))
        else:
            self.stdout.write(self.style.ERROR(f"Courriel non envoyé : {email.last_error}"))
