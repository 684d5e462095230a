"""Demo accounts: the operator, an active supplier and an active public-structure account.

The supplier manages the structure of DEMO_SUPPLIER_SIRET (the demo data of the other domains
use it); a newcomer trying the registration in `make run` can use DEMO_SUPPLIER_2_SIRET, which
has no structure yet.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from choeur.accounts import services
from choeur.accounts.models import User
from choeur.directory.demo import DEMO_PUBLIC_SIRET, DEMO_SUPPLIER_SIRET
from choeur.structures.enums import Espace, IdentifierType, StructureKind
from choeur.structures.models import Structure

ADMIN_EMAIL = "admin@choeur.localhost"
SUPPLIER_EMAIL = "fournisseur@choeur.localhost"
SUPPLIER_PASSWORD = "Choeur-Fournisseur-2026"  # noqa: S105 - a demo login, printed at start
PUBLIC_EMAIL = "acheteur@choeur.localhost"
PUBLIC_PASSWORD = "Choeur-Acheteur-2026"  # noqa: S105 - a demo login, printed at start
SECURITY_QUESTION = "Dans quelle ville êtes-vous né(e) ?"
SECURITY_ANSWER = "Beaumont"

LOGINS = [
    ("Opérateur (administration)", ADMIN_EMAIL, "Choeur-Admin-2026"),
    ("Fournisseur (gestionnaire principal)", SUPPLIER_EMAIL, SUPPLIER_PASSWORD),
    ("Structure publique (gestionnaire principal)", PUBLIC_EMAIL, PUBLIC_PASSWORD),
]


def demo_manager(
    email: str, password: str, names: tuple[str, str], structure: Structure, espaces: list[str]
) -> User:
    """A demo account managing `structure` (the other domains' demo data), or the one that
    already has this email (loading the demo twice changes nothing)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    return services.manager_account_create(
        email=email,
        password=password,
        first_name=names[0],
        last_name=names[1],
        structure=structure,
        espaces=espaces,
        security_question=SECURITY_QUESTION,
        security_answer=SECURITY_ANSWER,
    )


def _structure(siret: str, *, kind: str) -> Structure:
    structure = Structure.objects.filter(
        identifier_type=IdentifierType.SIRET, identifier=siret
    ).first()
    return structure or services.structure_create_from_sirene(siret=siret, kind=kind)


@transaction.atomic
def load(*, stdout: Any) -> None:
    if not User.objects.filter(email__iexact=ADMIN_EMAIL).exists():
        User.objects.create_superuser(
            email=ADMIN_EMAIL, password=LOGINS[0][2], first_name="Opérateur", last_name="Chœur"
        )
    accounts = [
        (
            SUPPLIER_EMAIL,
            SUPPLIER_PASSWORD,
            ("Camille", "Dupont"),
            DEMO_SUPPLIER_SIRET,
            StructureKind.ENTREPRISE_PRIVEE,
            [Espace.FACTURES_EMISES, Espace.SOLLICITATIONS_EMISES],
        ),
        (
            PUBLIC_EMAIL,
            PUBLIC_PASSWORD,
            ("Dominique", "Lefèvre"),
            DEMO_PUBLIC_SIRET,
            StructureKind.STRUCTURE_PUBLIQUE,
            [Espace.FACTURES_RECUES, Espace.SOLLICITATIONS_RECUES],
        ),
    ]
    for email, password, (first_name, last_name), siret, kind, espaces in accounts:
        if User.objects.filter(email__iexact=email).exists():
            continue
        structure = _structure(siret, kind=kind)
        services.manager_account_create(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            structure=structure,
            espaces=[str(code) for code in espaces],
            security_question=SECURITY_QUESTION,
            security_answer=SECURITY_ANSWER,
        )
        stdout.write(f"comptes : {email}, gestionnaire principal de {structure.raison_sociale}.\n")
