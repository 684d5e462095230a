"""`manage.py create_technical_account --structure SIRET`: an operator connects an ERP without the
web pages. Creates the structure's compte technique, or renews it (new password and client
secret) when it has one, and prints what the ERP needs, once (docs/api.md)."""

from __future__ import annotations

import base64
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from choeur.structures.errors import StructureError
from choeur.structures.models import Structure, TechnicalAccount
from choeur.structures.services.technical import (
    TechnicalSecrets,
    technical_account_create,
    technical_account_renew,
)

OPERATOR = "opérateur (manage.py create_technical_account)"


class Command(BaseCommand):
    help = (
        "Crée le compte technique d'une structure, ou le renouvelle s'il existe (nouveaux mot de "
        "passe et secret OAuth2), et affiche une seule fois client_id, client_secret, identifiant "
        "et mot de passe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--structure", required=True, metavar="SIRET", help="Identifiant de la structure."
        )
        parser.add_argument(
            "--number",
            type=int,
            metavar="N",
            help="Renouveler le compte technique n° N (par défaut : le premier compte actif).",
        )
        parser.add_argument(
            "--new",
            action="store_true",
            help="Créer un compte technique de plus, même si la structure en a déjà un.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identifier = "".join(str(options["structure"]).split())
        structures = list(Structure.objects.filter(identifier=identifier)[:2])
        if not structures:
            raise CommandError(f"Aucune structure d'identifiant {identifier}.")
        if len(structures) > 1:
            raise CommandError(f"Plusieurs structures ont l'identifiant {identifier}.")
        structure = structures[0]
        accounts = TechnicalAccount.objects.filter(structure=structure).order_by("number")
        account = None
        if options["number"] is not None:
            account = accounts.filter(number=options["number"]).first()
            if account is None:
                raise CommandError(
                    f"{structure} n'a pas de compte technique n° {options['number']}."
                )
        elif not options["new"]:
            account = accounts.filter(is_active=True).first() or accounts.first()
        if account is not None and not account.is_active:
            # Suspended by the structure's gestionnaire principal: not silently brought back.
            raise CommandError(
                f"Le compte technique {account.login} est désactivé : le gestionnaire principal "
                "le réactive, ou créez-en un autre avec --new."
            )
        try:
            if account is None:
                made = technical_account_create(actor=None, structure=structure, operator=OPERATOR)
                verb = "créé"
            else:
                made = technical_account_renew(
                    actor=None, account=account, new_client_secret=True, operator=OPERATOR
                )
                verb = "renouvelé"
        except StructureError as exc:
            raise CommandError(exc.message) from exc
        self._print(made, structure, verb)

    def _print(self, made: TechnicalSecrets, structure: Structure, verb: str) -> None:
        account = made.account
        header = base64.b64encode(f"{account.login}:{made.password}".encode()).decode()
        self.stdout.write(
            f"Compte technique {verb} pour {structure.raison_sociale} "
            f"({structure.identifier_type} {structure.identifier}) :"
        )
        for label, text in (
            ("client_id", account.application.client_id),
            ("client_secret", made.client_secret or ""),
            ("login", account.login),
            ("password", made.password),
            ("cpro-account", header),
            ("expire le", f"{account.expires_on:%Y-%m-%d}"),
        ):
            self.stdout.write(f"  {label:<14} {text}")
        self.stdout.write("Notez-les maintenant : ils ne seront plus affichés.")
