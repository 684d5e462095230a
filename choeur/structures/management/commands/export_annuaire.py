"""`manage.py export_annuaire FILE [--services FILE]`: write the directory of public structures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from choeur.structures.annuaire import export_services, export_structures


class Command(BaseCommand):
    help = "Exporte l'annuaire des structures publiques (format de import_annuaire, UTF-8, « ; »)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FICHIER_STRUCTURES")
        parser.add_argument("--services", type=Path, metavar="FICHIER_SERVICES")

    def handle(self, *args: Any, **options: Any) -> None:
        with options["file"].open("w", encoding="utf-8-sig", newline="") as out:
            count = export_structures(out)
        self.stdout.write(f"{count} structures écrites dans {options['file']}.")
        if options["services"]:
            with options["services"].open("w", encoding="utf-8-sig", newline="") as out:
                count = export_services(out)
            self.stdout.write(f"{count} services écrits dans {options['services']}.")
