"""Demo accounts. The registration flow's own demo users are added by the accounts domain."""

from __future__ import annotations

from typing import Any

from choeur.accounts.models import User

LOGINS = [("Opérateur (administration)", "admin@choeur.localhost", "Choeur-Admin-2026")]


def load(*, stdout: Any) -> None:
    for _role, email, password in LOGINS:
        if not User.objects.filter(email__iexact=email).exists():
            User.objects.create_superuser(
                email=email, password=password, first_name="Opérateur", last_name="Chœur"
            )
