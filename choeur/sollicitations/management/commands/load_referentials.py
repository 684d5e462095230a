from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from choeur.sollicitations.demo import referential_load
from choeur.sollicitations.models import Category, SubCategory


class Command(BaseCommand):
    help = (
        "Crée les catégories et sous-catégories de sollicitation qui manquent "
        "(sans toucher à celles modifiées dans l'administration)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        referential_load()
        self.stdout.write(
            f"Référentiel des sollicitations : {Category.objects.count()} catégories, "
            f"{SubCategory.objects.count()} sous-catégories."
        )
