from __future__ import annotations

from typing import Any

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
