"""Demo of the works circuit (CCAG Travaux): a works contract with its four parties, each with a
login (the titulaire, the maîtrise d'œuvre, the maîtrise d'ouvrage, the paying commune), its
fiche identité du marché, and two deposits: a projet de décompte mensuel waiting for the MOE, a
projet de décompte final the MOE transmitted to the MOA with its projet de décompte général; and
a first-rank subcontractor on the fiche, with a login, whose projet de décompte mensuel (A10)
waits for the titulaire's validation in « Factures à valider ». Idempotent; runs after the
accounts demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from choeur.accounts.models import User
from choeur.invoices.models import Invoice
from choeur.invoices.services.drafts import Saisie, SaisieError, SaisieLine, invoice_submit
from choeur.invoices.services.integration import flux_integrate
from choeur.structures.enums import (
    AccessMode,
    EngagementType,
    Espace,
    IdentifierType,
    StructureKind,
)
from choeur.structures.models import (
    EngagementJuridique,
    EspaceSubscription,
    Structure,
    StructureEspace,
)
from choeur.works.models import WorksContract
from choeur.works.services import (
    DocumentInput,
    WorksRefused,
    contract_create,
    contract_member_add,
    works_act,
    works_document_issue,
)

SUPPLIER_SIRET = "38012986600036"
MOE_SIRET = "41234567800017"
MOA_SIRET = "20004523100019"
PAYER_SIRET = "21380185500014"
SUB_SIRET = "44678912300010"
SUB_NUMBER_PREFIX = "TRAV-DEMO-ST-"
EJ_NUMBER = "EJ-TRAVAUX-DEMO-2026"
NUMBER_PREFIX = "TRAV-DEMO-"
PASSWORDS = {
    "titulaire-travaux@choeur.localhost": "Choeur-Travaux-2026",
    "moe@choeur.localhost": "Choeur-MaitriseOeuvre-2026",
    "moa@choeur.localhost": "Choeur-MaitriseOuvrage-2026",
    "payeur-travaux@choeur.localhost": "Choeur-Payeur-2026",
    "soustraitant-travaux@choeur.localhost": "Choeur-SousTraitant-2026",
}
LOGINS = [
    (
        "Titulaire d'un marché de travaux (« Factures de travaux », projets de décompte)",
        "titulaire-travaux@choeur.localhost",
        PASSWORDS["titulaire-travaux@choeur.localhost"],
    ),
    (
        "Maîtrise d'œuvre (« Factures de travaux »)",
        "moe@choeur.localhost",
        PASSWORDS["moe@choeur.localhost"],
    ),
    (
        "Maîtrise d'ouvrage, MOA uniquement (« Factures de travaux »)",
        "moa@choeur.localhost",
        PASSWORDS["moa@choeur.localhost"],
    ),
    (
        "Service payeur des travaux (« Factures reçues »)",
        "payeur-travaux@choeur.localhost",
        PASSWORDS["payeur-travaux@choeur.localhost"],
    ),
    (
        "Sous-traitant du marché de travaux (projet A10 à valider par le titulaire, qui le "
        "valide dans « Factures à valider »)",
        "soustraitant-travaux@choeur.localhost",
        PASSWORDS["soustraitant-travaux@choeur.localhost"],
    ),
]


def _structure(siret: str, name: str, **flags: Any) -> Structure:
    structure, _created = Structure.objects.get_or_create(
        identifier_type=IdentifierType.SIRET,
        identifier=siret,
        defaults={
            "raison_sociale": name,
            "kind": StructureKind.STRUCTURE_PUBLIQUE
            if flags.get("is_public")
            else StructureKind.ENTREPRISE_PRIVEE,
            "adresse": "2 place de la Mairie",
            "code_postal": "38000",
            "ville": "Grenoble",
            "email": f"contact-{siret}@choeur.localhost",
            **flags,
        },
    )
    return structure


def _account(email: str, names: tuple[str, str], structure: Structure, espaces: list[str]) -> User:
    from choeur.accounts.demo import demo_manager

    return demo_manager(email, PASSWORDS[email], names, structure, espaces)


def _subcontractor(supplier: Structure, supplier_user: User, moa_user: User) -> str:
    """The subcontractor on the fiche, its login, and its A10 waiting for the titulaire."""
    sub = _structure(SUB_SIRET, "ÉLECTRICITÉ PETIT (sous-traitant)")
    sub_user = _account(
        "soustraitant-travaux@choeur.localhost",
        ("Sacha", "Petit"),
        sub,
        [Espace.FACTURES_EMISES, Espace.FACTURES_TRAVAUX],
    )
    # the titulaire validates its subcontractors' projets in « Factures à valider »
    StructureEspace.objects.update_or_create(
        structure=supplier, espace=Espace.FACTURES_A_VALIDER, defaults={"is_open": True}
    )
    EspaceSubscription.objects.update_or_create(
        user=supplier_user,
        structure=supplier,
        espace=Espace.FACTURES_A_VALIDER,
        defaults={"mode": AccessMode.MODIFICATION},
    )
    contract = WorksContract.objects.select_related("engagement__structure", "moa", "supplier")
    fiche = contract.get(engagement__number=EJ_NUMBER)
    if not fiche.members.filter(structure=sub).exists():
        try:
            contract_member_add(user=moa_user, contract=fiche, structure=sub, kind="SOUSTRAITANT")
        except WorksRefused as refused:
            return refused.message
    if Invoice.objects.filter(supplier=sub, number__startswith=SUB_NUMBER_PREFIX).exists():
        return "projet du sous-traitant déjà déposé"
    payer = fiche.engagement.structure
    year = timezone.localdate().year
    try:
        _deposit(sub_user, sub, payer, f"{SUB_NUMBER_PREFIX}{year}-001", "A10")
    except SaisieError as exc:
        return exc.message
    return "un projet de décompte mensuel de sous-traitant (A10) à valider par le titulaire"


def _deposit(user: User, supplier: Structure, payer: Structure, number: str, cadre: str) -> Any:
    today = timezone.localdate()
    saisie = Saisie(
        recipient=payer,
        number=number,
        issue_date=today - dt.timedelta(days=2),
        due_date=today + dt.timedelta(days=30),
        engagement_number=EJ_NUMBER,
        cadre=cadre,
        lines=[
            SaisieLine(
                "Lot 2 gros œuvre : travaux exécutés du mois",
                Decimal("1"),
                "C62",
                Decimal("18500.00"),
                Decimal("20"),
            )
        ],
    )
    with transaction.atomic():
        flux = invoice_submit(user=user, supplier=supplier, saisie=saisie)
    flux_integrate(flux_id=flux.pk)
    return Invoice.objects.filter(flux=flux).select_related("works").first()


def load(*, stdout: Any) -> None:
    supplier = _structure(SUPPLIER_SIRET, "BÂTIMENTS MARTIN ET FILS")
    moe = _structure(MOE_SIRET, "ATELIER LEROY ARCHITECTES (maîtrise d'œuvre)")
    moa = _structure(
        MOA_SIRET,
        "SYNDICAT INTERCOMMUNAL DES ÉCOLES (MOA)",
        is_public=True,
        is_moa=True,
        is_moa_only=True,
    )
    payer = _structure(PAYER_SIRET, "COMMUNE DE VILLEBOIS (payeur)", is_public=True, is_moa=True)
    supplier_user = _account(
        "titulaire-travaux@choeur.localhost",
        ("Dominique", "Martin"),
        supplier,
        [Espace.FACTURES_EMISES, Espace.FACTURES_TRAVAUX],
    )
    moe_user = _account("moe@choeur.localhost", ("Claude", "Leroy"), moe, [Espace.FACTURES_TRAVAUX])
    moa_user = _account("moa@choeur.localhost", ("Ariane", "Roux"), moa, [Espace.FACTURES_TRAVAUX])
    _account(
        "payeur-travaux@choeur.localhost",
        ("Jean", "Perrin"),
        payer,
        [Espace.FACTURES_RECUES, Espace.FACTURES_TRAVAUX],
    )
    engagement, _ = EngagementJuridique.objects.get_or_create(
        structure=payer,
        number=EJ_NUMBER,
        defaults={
            "kind": EngagementType.MARCHE,
            "amount_ht": Decimal("450000.00"),
            "amount_ttc": Decimal("540000.00"),
            "date": timezone.localdate() - dt.timedelta(days=90),
            "supplier_identifier": SUPPLIER_SIRET,
        },
    )
    if not WorksContract.objects.filter(engagement=engagement).exists():
        try:
            contract_create(
                user=moa_user,
                engagement=engagement,
                label="Rénovation énergétique de l'école Jules-Ferry",
                contract_number="2026-MT-014",
                supplier=supplier,
                moe=moe,
                moa=moa,
            )
        except WorksRefused as refused:
            stdout.write(f"  travaux : {refused.message}\n")
            return
    stdout.write(f"  travaux : {_subcontractor(supplier, supplier_user, moa_user)}\n")
    if Invoice.objects.filter(supplier=supplier, number__startswith=NUMBER_PREFIX).exists():
        stdout.write("  travaux : factures de travaux de démonstration déjà déposées\n")
        return
    year = timezone.localdate().year
    try:
        monthly = _deposit(supplier_user, supplier, payer, f"{NUMBER_PREFIX}{year}-001", "A4")
        final = _deposit(supplier_user, supplier, payer, f"{NUMBER_PREFIX}{year}-002", "A7")
    except SaisieError as exc:
        stdout.write(f"  travaux : {exc.message}\n")
        return
    if final is not None and hasattr(final, "works"):
        try:
            works_act(works=final.works, user=moe_user, role="MOE", to_status="PRISE_EN_COMPTE_MOE")
            works_document_issue(
                works=final.works,
                user=moe_user,
                role="MOE",
                document=DocumentInput(
                    cadre="A17_PROJET_DECOMPTE_GENERAL_MOE",
                    number=f"PDG-{year}-014",
                    amount_ht="18500.00",
                    amount_ttc="22200.00",
                    comment="Projet de décompte général établi d'après le décompte final.",
                ),
            )
        except WorksRefused as refused:
            stdout.write(f"  travaux : {refused.message}\n")
    made = sum(1 for i in (monthly, final) if i is not None)
    stdout.write(
        f"  travaux : marché de travaux et sa fiche identité, {made} facture(s) de travaux "
        "(un projet de décompte mensuel à la MOE, un projet de décompte final transmis à la MOA)\n"
    )
