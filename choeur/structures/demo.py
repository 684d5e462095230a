"""Demo data of the structures domain (runs after the directory and the accounts demos).

Adds: a second supplier user whose rattachement request to the demo supplier structure waits in
« Approbations »; bank accounts for the demo supplier; services and engagements juridiques for
the demo public structures. Idempotent.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from choeur.accounts.models import User
from choeur.directory.demo import (
    DEMO_PUBLIC_EJ_SIRET,
    DEMO_PUBLIC_SERVICE_EJ_CODE,
    DEMO_PUBLIC_SIRET,
    DEMO_SUPPLIER_SIRET,
)
from choeur.structures.enums import EngagementState, IdentifierType, RattachementStatus, Role
from choeur.structures.models import (
    BankAccount,
    EngagementJuridique,
    Rattachement,
    Service,
    Structure,
)
from choeur.structures.services.structure import structure_default_espaces

PENDING_EMAIL = "demande.rattachement@choeur.localhost"
PENDING_PASSWORD = "Choeur-Demande-2026"  # noqa: S105 - a demo login, printed at start
LOGINS = [
    ("Fournisseur en attente de rattachement", PENDING_EMAIL, PENDING_PASSWORD),
]

# Valid IBANs (checksums right) of banks schwifty knows.
DEMO_BANK_ACCOUNTS = [
    ("Compte principal", "FR7630006000011234567890189", "AGRIFRPPXXX", "CREDIT AGRICOLE SA", False),
    ("Affacturage", "FR1420041010050500013M02606", "PSSTFRPP", "LA BANQUE POSTALE", True),
]
DEMO_PUBLIC_SERVICES = [
    ("ACHATS_INFORMATIQUES", "Achats informatiques", False),
    ("RESTAURATION_SCOLAIRE", "Restauration scolaire", True),
]
# (number, service code or "", amount HT, state): EJ2026000001 is the one to cite on an invoice.
DEMO_ENGAGEMENTS = [
    ("EJ2026000001", DEMO_PUBLIC_SERVICE_EJ_CODE, Decimal("12500.00"), EngagementState.COMMANDE),
    ("EJ2026000002", "RESTAURATION_SCOLAIRE", Decimal("48000.00"), EngagementState.COMMANDE),
    ("EJ2025000099", "", Decimal("3200.00"), EngagementState.CLOTURE),
]
DEMO_EJ_STRUCTURE_ENGAGEMENTS = [
    ("BC-2026-0001", "", Decimal("8400.00"), EngagementState.COMMANDE),
]


def _supplier_structure() -> Structure | None:
    """The demo supplier's structure: by its SIRET, else the first private structure with a
    gestionnaire principal (created by the accounts demo)."""
    structure = Structure.objects.filter(
        identifier_type=IdentifierType.SIRET, identifier=DEMO_SUPPLIER_SIRET
    ).first()
    if structure is not None:
        return structure
    return (
        Structure.objects.filter(
            is_public=False,
            rattachements__role=Role.GESTIONNAIRE_PRINCIPAL,
            rattachements__status=RattachementStatus.VALIDEE,
        )
        .order_by("pk")
        .first()
    )


def _engagements(structure: Structure, rows: Sequence[tuple[str, str, Decimal, str]]) -> int:
    made = 0
    for number, code, amount, state in rows:
        service = Service.objects.filter(structure=structure, code=code).first() if code else None
        _, created = EngagementJuridique.objects.get_or_create(
            structure=structure,
            number=number,
            defaults={
                "service": service,
                "amount_ht": amount,
                "amount_ttc": (amount * Decimal("1.2")).quantize(Decimal("0.01")),
                "state": state,
                "date": datetime.date(2026, 1, 5),
            },
        )
        made += created
    return made


@transaction.atomic
def load(*, stdout: Any) -> None:
    supplier = _supplier_structure()
    if supplier is None:
        stdout.write("structures : pas de structure fournisseur de démonstration, étape ignorée.\n")
    else:
        user = User.objects.filter(email__iexact=PENDING_EMAIL).first()
        if user is None:
            user = User.objects.create_user(
                email=PENDING_EMAIL,
                password=PENDING_PASSWORD,
                first_name="Léa",
                last_name="Moreau",
            )
            if hasattr(user, "activated_at"):
                # An activated account, as if the registration had been completed.
                user.activated_at = timezone.now()
                user.save()
        Rattachement.objects.get_or_create(
            user=user,
            structure=supplier,
            defaults={
                "role": Role.UTILISATEUR,
                "status": RattachementStatus.EN_COURS_DE_VALIDATION,
            },
        )
        for label, iban, bic, bank, is_factor in DEMO_BANK_ACCOUNTS:
            BankAccount.objects.get_or_create(
                structure=supplier,
                iban=iban,
                defaults={
                    "label": label,
                    "holder": supplier.raison_sociale,
                    "bic": bic,
                    "bank_name": bank,
                    "is_factor": is_factor,
                },
            )
    public = Structure.objects.filter(
        identifier_type=IdentifierType.SIRET, identifier=DEMO_PUBLIC_SIRET
    ).first()
    if public is None:
        stdout.write("structures : pas de structure publique de démonstration, étape ignorée.\n")
        return
    structure_default_espaces(public)
    for code, name, engagement_required in DEMO_PUBLIC_SERVICES:
        Service.objects.get_or_create(
            structure=public,
            code=code,
            defaults={"name": name, "engagement_required": engagement_required},
        )
    made = _engagements(public, DEMO_ENGAGEMENTS)
    ej_structure = Structure.objects.filter(
        identifier_type=IdentifierType.SIRET, identifier=DEMO_PUBLIC_EJ_SIRET
    ).first()
    if ej_structure is not None:
        made += _engagements(ej_structure, DEMO_EJ_STRUCTURE_ENGAGEMENTS)
    stdout.write(f"structures : {made} engagement(s) juridique(s) de démonstration créé(s).\n")
