from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from choeur.core.files import stored_files_collect_orphans


class Command(BaseCommand):
    help = (
        "Supprime les fichiers stockés qu'aucune ligne ne référence (dépôts annulés), "
        "plus anciens que --heures (24 par défaut)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--heures", type=int, default=24)
        parser.add_argument("--simulation", action="store_true", help="liste sans supprimer")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = stored_files_collect_orphans(
            older_than=dt.timedelta(hours=max(1, options["heures"])),
            dry_run=options["simulation"],
        )
        verb = "à supprimer" if options["simulation"] else "supprimé(s)"
        self.stdout.write(f"{len(removed)} fichier(s) orphelin(s) {verb}.")
        for name in removed:
            self.stdout.write(f"  {name}")
