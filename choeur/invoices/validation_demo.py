"""Demo of the validator circuit (cadre A9): a prime contractor and its subcontractor, with two
subcontractor's invoices addressed to the demo public structure: one waiting in the prime
contractor's « Factures à valider », one it validated, now in the buyer's « Factures reçues ».
Idempotent; runs after the accounts and invoices demos."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from choeur.accounts import services as account_services
from choeur.accounts.models import User
from choeur.invoices.models import Invoice
from choeur.invoices.services.drafts import Saisie, SaisieError, SaisieLine, invoice_submit
from choeur.invoices.services.integration import flux_integrate
from choeur.invoices.services.validation_circuit import (
    ValidationRefused,
    invoice_validation_treat,
    validation_request_attach,
    validators_check,
)
from choeur.structures.enums import Espace, IdentifierType, StructureKind
from choeur.structures.models import Structure

PRIME_SIRET = "55210055400013"
SUBCONTRACTOR_SIRET = "48765432100018"
PRIME_EMAIL = "titulaire@choeur.localhost"
PRIME_PASSWORD = "Choeur-Titulaire-2026"  # noqa: S105 - a demo login, printed at start
SUBCONTRACTOR_EMAIL = "soustraitant@choeur.localhost"
SUBCONTRACTOR_PASSWORD = "Choeur-SousTraitant-2026"  # noqa: S105 - a demo login, printed at start
NUMBER_PREFIX = "ST-DEMO-"

LOGINS = [
    ("Titulaire d'un marché (valideur, « Factures à valider »)", PRIME_EMAIL, PRIME_PASSWORD),
    ("Sous-traitant (factures en cadre A9)", SUBCONTRACTOR_EMAIL, SUBCONTRACTOR_PASSWORD),
]


def _structure(siret: str, name: str) -> Structure:
    structure, _created = Structure.objects.get_or_create(
        identifier_type=IdentifierType.SIRET,
        identifier=siret,
        defaults={
            "raison_sociale": name,
            "kind": StructureKind.ENTREPRISE_PRIVEE,
            "adresse": "12 rue des Bâtisseurs",
            "code_postal": "69007",
            "ville": "Lyon",
            "email": f"contact-{siret}@choeur.localhost",
        },
    )
    return structure


def _account(
    email: str, password: str, names: tuple[str, str], structure: Structure, espaces: list[str]
) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    from choeur.accounts.demo import SECURITY_ANSWER, SECURITY_QUESTION

    return account_services.manager_account_create(
        email=email,
        password=password,
        first_name=names[0],
        last_name=names[1],
        structure=structure,
        espaces=espaces,
        security_question=SECURITY_QUESTION,
        security_answer=SECURITY_ANSWER,
    )


def load(*, stdout: Any) -> None:
    from choeur.directory.demo import DEMO_PUBLIC_FREE_SIRET

    buyer = Structure.objects.filter(identifier=DEMO_PUBLIC_FREE_SIRET).first()
    if buyer is None:
        stdout.write("  sous-traitance : pas de structure publique de démonstration\n")
        return
    prime = _structure(PRIME_SIRET, "BÂTIR ENSEMBLE SA (titulaire)")
    subcontractor = _structure(SUBCONTRACTOR_SIRET, "PEINTURES DU RHÔNE (sous-traitant)")
    prime_user = _account(
        PRIME_EMAIL,
        PRIME_PASSWORD,
        ("Alex", "Moreau"),
        prime,
        [Espace.FACTURES_A_VALIDER, Espace.FACTURES_EMISES],
    )
    sub_user = _account(
        SUBCONTRACTOR_EMAIL,
        SUBCONTRACTOR_PASSWORD,
        ("Sacha", "Bernard"),
        subcontractor,
        [Espace.FACTURES_EMISES],
    )
    if Invoice.objects.filter(supplier=subcontractor, number__startswith=NUMBER_PREFIX).exists():
        stdout.write("  sous-traitance : factures de démonstration déjà déposées\n")
        return
    today = timezone.localdate()
    made = []
    for index in (1, 2):
        saisie = Saisie(
            recipient=buyer,
            number=f"{NUMBER_PREFIX}{today.year}-{index:03d}",
            issue_date=today - dt.timedelta(days=3 - index),
            due_date=today + dt.timedelta(days=30),
            cadre="A9_FACTURE_SOUSTRAITANT",
            lines=[
                SaisieLine(
                    "Peinture des façades (lot 4)",
                    Decimal(4 * index),
                    "HUR",
                    Decimal("48.00"),
                    Decimal("20"),
                ),
            ],
        )
        try:
            choice = validators_check(
                cadre=saisie.cadre, supplier=subcontractor, identifier_1=PRIME_SIRET
            )
            with transaction.atomic():
                flux = invoice_submit(user=sub_user, supplier=subcontractor, saisie=saisie)
                validation_request_attach(flux=flux, choice=choice)
        except (SaisieError, ValidationRefused) as exc:
            stdout.write(f"  sous-traitance : {exc}\n")
            return
        flux_integrate(flux_id=flux.pk)
        invoice = Invoice.objects.filter(flux=flux).first()
        if invoice is not None:
            made.append(invoice)
    if len(made) == 2:
        try:
            invoice_validation_treat(
                invoice=made[1],
                user=prime_user,
                action="VALIDATION",
                comment="Travaux réalisés conformément au marché.",
            )
        except ValidationRefused as refused:
            stdout.write(f"  sous-traitance : {refused.message}\n")
    stdout.write(
        f"  sous-traitance : {len(made)} facture(s) de sous-traitant (A9), "
        "une à valider par le titulaire, une validée\n"
    )
