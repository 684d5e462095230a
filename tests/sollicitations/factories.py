"""Factories of the sollicitations tests: a supplier, a public recipient, their agents, the
referential, and invoices to ask about."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from choeur.accounts.models import User
from choeur.core.files import stored_file_create
from choeur.sollicitations.enums import Routing
from choeur.sollicitations.models import Category, SubCategory
from choeur.structures.enums import AccessMode, Espace, IdentifierType, RattachementStatus
from choeur.structures.models import (
    EspaceSubscription,
    Rattachement,
    Service,
    Structure,
    StructureEspace,
)

SUPPLIER_SIRET = "84211943000010"
OTHER_SUPPLIER_SIRET = "51234567900017"
PUBLIC_SIRET = "12345678200028"
OTHER_PUBLIC_SIRET = "12345678200051"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"agent{n}@example.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
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
            identifier=PUBLIC_SIRET,
            raison_sociale="COMMUNE DE TEST",
        )


def grant(
    user: User,
    structure: Structure,
    espace: str,
    mode: str = AccessMode.MODIFICATION,
) -> User:
    """`user` validly attached to `structure`, subscribing to the open `espace` in `mode`."""
    Rattachement.objects.get_or_create(
        user=user, structure=structure, defaults={"status": RattachementStatus.VALIDEE}
    )
    StructureEspace.objects.get_or_create(structure=structure, espace=espace)
    EspaceSubscription.objects.update_or_create(
        user=user, structure=structure, espace=espace, defaults={"mode": mode}
    )
    return user


def supplier_user(structure: Structure | None = None, **kwargs: Any) -> User:
    structure = structure or StructureFactory()
    return grant(UserFactory(**kwargs), structure, Espace.SOLLICITATIONS_EMISES)


def agent(
    structure: Structure | None = None, mode: str = AccessMode.MODIFICATION, **kwargs: Any
) -> User:
    structure = structure or StructureFactory(public=True)
    return grant(UserFactory(**kwargs), structure, Espace.SOLLICITATIONS_RECUES, mode)


def service(structure: Structure, code: str = "ACHATS", active: bool = True) -> Service:
    obj, _ = Service.objects.get_or_create(
        structure=structure, code=code, defaults={"name": f"Service {code}", "is_active": active}
    )
    return obj


def subcategory(
    routing: str = Routing.STRUCTURE,
    code: str | None = None,
    offered_logged_out: bool = False,
    active: bool = True,
) -> SubCategory:
    category, _ = Category.objects.get_or_create(
        code="FACTURE" if routing == Routing.STRUCTURE else "CONNEXION",
        defaults={"label": "Factures" if routing == Routing.STRUCTURE else "Connexion"},
    )
    code = code or ("FACTURE_REJETEE" if routing == Routing.STRUCTURE else "MOT_DE_PASSE")
    obj, _ = SubCategory.objects.get_or_create(
        category=category,
        code=code,
        defaults={
            "label": code.replace("_", " ").capitalize(),
            "routing": routing,
            "offered_logged_out": offered_logged_out,
            "is_active": active,
        },
    )
    return obj


def upload(name: str = "capture.pdf", data: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def make_invoice(
    supplier: Structure, recipient: Structure, number: str = "F2026-001", status: str = "REJETEE"
) -> Any:
    from choeur.invoices.models import Flux, Invoice

    stored = stored_file_create(data=number.encode(), name=f"{number}.pdf")
    flux = Flux.objects.create(
        numero=f"FLUX-{number}",
        supplier=supplier,
        mode_depot="PORTAIL_PDF",
        filename=f"{number}.pdf",
        original=stored,
    )
    return Invoice.objects.create(
        flux=flux,
        mode_depot="PORTAIL_PDF",
        supplier=supplier,
        recipient=recipient,
        number=number,
        issue_date=dt.date(2026, 11, 2),
        issue_year=2026,
        total_ht=Decimal("100.00"),
        total_tva=Decimal("20.00"),
        total_ttc=Decimal("120.00"),
        amount_due=Decimal("120.00"),
        status=status,
        fingerprint="0" * 64,
    )
