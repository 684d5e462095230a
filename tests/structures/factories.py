"""Factories for structures, their members and objects; other apps' tests may use them.

`structure_with_manager()` gives a structure with an open « Factures émises » espace and its
validated gestionnaire principal; `member_add(structure)` a validated simple member.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from choeur.accounts.models import User
from choeur.structures.enums import (
    AccessMode,
    EngagementState,
    Espace,
    IdentifierType,
    RattachementStatus,
    Role,
    StructureKind,
)
from choeur.structures.models import (
    BankAccount,
    EngagementJuridique,
    EspaceSubscription,
    Rattachement,
    Service,
    Structure,
    StructureEspace,
)

PASSWORD = "Bonjour-2026!"
# Valid French IBANs (checksum right) whose bank schwifty knows.
IBAN_CA = "FR7630006000011234567890189"
IBAN_OTHER = "FR1420041010050500013M02606"


def _siret(n: int) -> str:
    """A Luhn-valid SIRET from a counter."""
    base = f"9{n:012d}"
    for last in range(10):
        candidate = base + str(last)
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char)
            if index % 2 == 1:
                digit *= 2
                if digit > 9:
                    digit -= 9
            total += digit
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    is_active = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> User:
        password = kwargs.pop("password", PASSWORD)
        return User.objects.create_user(*args, password=password, **kwargs)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    identifier_type = IdentifierType.SIRET
    identifier = factory.Sequence(lambda n: _siret(n + 1))
    raison_sociale = factory.Sequence(lambda n: f"ENTREPRISE EXEMPLE {n}")
    adresse = "12 RUE DES ARTISANS"
    code_postal = "69003"
    ville = "LYON"
    kind = StructureKind.ENTREPRISE_PRIVEE

    class Params:
        public = factory.Trait(
            is_public=True,
            kind=StructureKind.STRUCTURE_PUBLIQUE,
            raison_sociale=factory.Sequence(lambda n: f"COMMUNE EXEMPLE {n}"),
        )


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    structure = factory.SubFactory(StructureFactory)
    code = factory.Sequence(lambda n: f"SERVICE_{n}")
    name = factory.Sequence(lambda n: f"Service {n}")


class BankAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankAccount

    structure = factory.SubFactory(StructureFactory)
    label = factory.Sequence(lambda n: f"Compte {n}")
    holder = "MENUISERIE DUPONT"
    iban = IBAN_CA
    bic = "AGRIFRPPXXX"
    bank_name = "CREDIT AGRICOLE SA"


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementJuridique

    structure = factory.SubFactory(StructureFactory, public=True)
    number = factory.Sequence(lambda n: f"EJ{n:08d}")
    amount_ht = Decimal("1000.00")
    amount_ttc = Decimal("1200.00")
    state = EngagementState.COMMANDE
    date = datetime.date(2026, 1, 15)


def espaces_open(structure: Structure, *espaces: str) -> None:
    for espace in espaces:
        StructureEspace.objects.update_or_create(
            structure=structure, espace=espace, defaults={"is_open": True}
        )


def subscribe(
    user: User, structure: Structure, espace: str, mode: str = AccessMode.MODIFICATION
) -> EspaceSubscription:
    espaces_open(structure, espace)
    subscription, _ = EspaceSubscription.objects.update_or_create(
        user=user, structure=structure, espace=espace, defaults={"mode": mode}
    )
    return subscription


def member_add(
    structure: Structure,
    user: User | None = None,
    *,
    role: str = Role.UTILISATEUR,
    status: str = RattachementStatus.VALIDEE,
    **user_fields: Any,
) -> Rattachement:
    user = user or UserFactory(**user_fields)
    return Rattachement.objects.create(
        user=user,
        structure=structure,
        role=role,
        status=status,
        decided_at=timezone.now() if status != RattachementStatus.EN_COURS_DE_VALIDATION else None,
    )


def structure_with_manager(**structure_fields: Any) -> tuple[Structure, User]:
    """A structure, its validated gestionnaire principal, the usual espaces open."""
    structure = StructureFactory(**structure_fields)
    espaces_open(
        structure,
        Espace.FACTURES_EMISES,
        Espace.SOLLICITATIONS_EMISES,
        Espace.ACTIVITES_GESTIONNAIRE,
        *([Espace.FACTURES_RECUES, Espace.ENGAGEMENTS] if structure.is_public else []),
    )
    manager = UserFactory()
    member_add(structure, manager, role=Role.GESTIONNAIRE_PRINCIPAL)
    subscribe(manager, structure, Espace.ACTIVITES_GESTIONNAIRE)
    subscribe(manager, structure, Espace.FACTURES_EMISES)
    return structure, manager
