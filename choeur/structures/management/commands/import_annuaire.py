"""`manage.py import_annuaire FILE...`: load the directory of public structures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from choeur.structures.annuaire import AnnuaireImportError, annuaire_import_paths


class Command(BaseCommand):
    help = (
        "Importe l'annuaire des structures publiques : fichier des structures (format de "
        "l'annuaire Chorus Pro, « ; »), fichier des services, ou « matelas de données » du bac à "
        "sable. Tout ou rien : la moindre erreur est signalée avec sa ligne et rien n'est écrit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FICHIER")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = annuaire_import_paths(options["files"])
        except AnnuaireImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Structures : {result.structures_created} créées, {result.structures_updated} mises "
            f"à jour. Services : {result.services_created} créés, {result.services_updated} mis "
            "à jour."
        )
        for warning in result.warnings:
            self.stdout.write(f"  {warning}")
