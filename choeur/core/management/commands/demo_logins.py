from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from choeur.core.demo import demo_modules


class Command(BaseCommand):
    help = "Affiche les identifiants des comptes de démonstration."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = [login for module in demo_modules() for login in getattr(module, "LOGINS", [])]
        if not logins:
            self.stdout.write("  Aucun compte de démonstration.")
            return
        self.stdout.write("  Comptes de démonstration :")
        for role, email, password in logins:
            self.stdout.write(
                f"    {role}\n      identifiant : {email}   mot de passe : {password}"
            )
        if getattr(settings, "SECOND_FACTOR_REQUIRED", True):
            self.stdout.write(
                "  Après le mot de passe, un code de vérification à 6 chiffres est demandé : "
                "il est envoyé par courriel, donc affiché dans cette console (make run)."
            )
