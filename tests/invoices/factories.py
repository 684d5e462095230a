"""Factories of the invoices tests: a supplier with a depositing user, public recipients."""

from __future__ import annotations

from typing import Any

import factory

from choeur.accounts.models import User
from choeur.structures.enums import AccessMode, Espace, IdentifierType, RattachementStatus, Role
from choeur.structures.models import (
    EspaceSubscription,
    Rattachement,
    Service,
    Structure,
    StructureEspace,
)

SUPPLIER_SIRET = "84211943000010"
PUBLIC_SIRET = "12345678200028"  # code service obligatoire
PUBLIC_EJ_SIRET = "12345678200036"  # engagement obligatoire
PUBLIC_FREE_SIRET = "12345678200051"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = "Camille"
    last_name = "Martin"
    password = factory.django.Password("Mot-de-passe-1")


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        django_get_or_create = ("identifier_type", "identifier")

    identifier_type = IdentifierType.SIRET
    identifier = SUPPLIER_SIRET
    raison_sociale = "MENUISERIE DUPONT ET FILS"

    class Params:
        public = factory.Trait(
            is_public=True,
            kind="STRUCTURE_PUBLIQUE",
            identifier=PUBLIC_FREE_SIRET,
            raison_sociale="COMMUNE DE TEST",
            email="factures@commune.test",
        )


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("structure", "code")

    structure = factory.SubFactory(StructureFactory, public=True)
    code = "SERVICE_DEST_SERV_OBL"
    name = "Service destinataire"


def member(
    structure: Structure,
    user: User | None = None,
    *,
    espace: str = Espace.FACTURES_EMISES,
    mode: str = AccessMode.MODIFICATION,
    role: str = Role.GESTIONNAIRE_PRINCIPAL,
) -> User:
    """A user validly attached to `structure` who subscribes to `espace` in `mode`."""
    user = user or UserFactory()
    Rattachement.objects.get_or_create(
        user=user,
        structure=structure,
        defaults={
            "role": role
            if not Rattachement.objects.filter(
                structure=structure, role=Role.GESTIONNAIRE_PRINCIPAL
            ).exists()
            else Role.UTILISATEUR,
            "status": RattachementStatus.VALIDEE,
        },
    )
    StructureEspace.objects.get_or_create(structure=structure, espace=espace)
    EspaceSubscription.objects.update_or_create(
        user=user, structure=structure, espace=espace, defaults={"mode": mode}
    )
    return user


def public_recipient(siret: str = PUBLIC_FREE_SIRET, **params: Any) -> Structure:
    structure: Structure = StructureFactory(public=True, identifier=siret, **params)
    return structure
