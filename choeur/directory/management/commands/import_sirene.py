"""`manage.py import_sirene FILE...`: load INSEE Sirene stock files (see docs/annuaire.md)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from choeur.directory.sirene import SireneImportError, import_stock_file


class Command(BaseCommand):
    help = (
        "Importe des fichiers stock Sirene de l'INSEE (StockEtablissement, StockUniteLegale ; "
        "CSV, .csv.gz ou .zip). Met à jour les lignes existantes ; tout ou rien par fichier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FICHIER")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Ignore les lignes invalides (listées) au lieu d'abandonner le fichier.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Pas de barre de progression."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for path in options["files"]:
            bar = tqdm(
                desc=path.name,
                unit=" lignes",
                unit_scale=True,
                file=sys.stderr,
                disable=options["no_progress"] or None,
            )
            started = time.perf_counter()
            try:
                result = import_stock_file(
                    path, skip_invalid=options["skip_invalid"], progress=bar.update
                )
            except SireneImportError as exc:
                bar.close()
                self.stderr.write(f"{path} : ÉCHEC, rien n'a été importé. {exc}")
                for error in exc.errors:
                    self.stderr.write(f"  {error}")
                failed = True
                continue
            bar.close()
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"{path} ({result.kind}) : {result.rows} lignes lues, {result.created} créées, "
                f"{result.updated} mises à jour, {result.unchanged} inchangées, "
                f"{result.skipped} ignorées "
                f"en {elapsed:.1f} s."
            )
            for error in result.errors:
                self.stdout.write(f"  ignorée : {error}")
        if failed:
            raise CommandError("Au moins un fichier n'a pas été importé (voir ci-dessus).")
