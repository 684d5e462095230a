from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from choeur.core.demo import demo_modules


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Charger les données même avec DEBUG=false (jamais sur un serveur réel).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo superuser's password is published in the README: never on a real server.
        # `make run` sets DEBUG=true; anything else has to say so explicitly.
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "Refusé : les comptes de démonstration (dont un superutilisateur au mot de passe "
                "publié) ne se chargent qu'avec DEBUG=true (make run). Sur une copie de test, "
                "ajoutez --i-know-this-is-not-production."
            )
        # The demo's notifications would flood the console: they are recorded, not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for module in demo_modules():
                module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
