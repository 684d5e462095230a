"""Demo of the other payment requests: a juridiction receiving mémoires de frais de justice and an
expert with a mémoire being processed (service fait), a service receiving demandes de
remboursement TIC and a farmer whose request for the last campaign waits for it. Each with a
login; idempotent; runs after the accounts demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from choeur.accounts.models import User
from choeur.claims.enums import ClaimKind, MissionNature, TicProduct
from choeur.claims.models import Claim
from choeur.claims.rates import campaigns
from choeur.claims.services import (
    ClaimRefused,
    MemoireInput,
    TicInput,
    memoire_deposit,
    tic_deposit,
)
from choeur.invoices.services.deposit import Upload
from choeur.invoices.services.drafts import SaisieLine
from choeur.invoices.services.integration import flux_integrate
from choeur.lifecycle.services import ActionRefused, invoice_apply_action
from choeur.lifecycle.transitions import Actor
from choeur.structures.enums import Espace, IdentifierType, StructureKind
from choeur.structures.models import BankAccount, Structure

JURIDICTION_SIRET = "13000796610009"
EXPERT_SIRET = "88123450410001"
TIC_SERVICE_SIRET = "17450001710001"
FARMER_SIRET = "88223450310001"
PASSWORDS = {
    "greffe@choeur.localhost": "Choeur-Juridiction-2026",
    "expert@choeur.localhost": "Choeur-Expert-2026",
    "service-tic@choeur.localhost": "Choeur-ServiceTIC-2026",
    "agriculteur@choeur.localhost": "Choeur-Agriculteur-2026",
}
LOGINS = [
    (
        "Juridiction (« Mémoires de frais de justice », reçus)",
        "greffe@choeur.localhost",
        PASSWORDS["greffe@choeur.localhost"],
    ),
    (
        "Expert judiciaire (« Mémoires de frais de justice », déposés)",
        "expert@choeur.localhost",
        PASSWORDS["expert@choeur.localhost"],
    ),
    (
        "Service des remboursements TIC (« Demandes de remboursement TIC », reçues)",
        "service-tic@choeur.localhost",
        PASSWORDS["service-tic@choeur.localhost"],
    ),
    (
        "Exploitant agricole (« Demandes de remboursement TIC », déposées)",
        "agriculteur@choeur.localhost",
        PASSWORDS["agriculteur@choeur.localhost"],
    ),
]
PROOF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _structure(siret: str, name: str, kind: str, city: str, **flags: Any) -> Structure:
    structure, _created = Structure.objects.get_or_create(
        identifier_type=IdentifierType.SIRET,
        identifier=siret,
        defaults={
            "raison_sociale": name,
            "kind": kind,
            "adresse": "1 rue de la République",
            "code_postal": "45000",
            "ville": city,
            "email": f"contact-{siret}@choeur.localhost",
            **flags,
        },
    )
    return structure


def _account(email: str, names: tuple[str, str], structure: Structure, espaces: list[str]) -> User:
    from choeur.accounts.demo import demo_manager

    return demo_manager(email, PASSWORDS[email], names, structure, espaces)


def _bank(structure: Structure, holder: str) -> BankAccount:
    account, _created = BankAccount.objects.get_or_create(
        structure=structure,
        label="Compte principal",
        defaults={
            "holder": holder,
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPPXXX",
            "bank_name": "CREDIT AGRICOLE SA",
        },
    )
    return account


def _memoire(
    stdout: Any, expert: Structure, juridiction: Structure, users: dict[str, User]
) -> None:
    if Claim.objects.filter(supplier=expert, kind=ClaimKind.MEMOIRE_JUSTICE).exists():
        stdout.write("  mémoires de justice : mémoire de démonstration déjà déposé\n")
        return
    today = timezone.localdate()
    claim = memoire_deposit(
        user=users["expert"],
        supplier=expert,
        data=MemoireInput(
            recipient=juridiction,
            number=f"MEM-{today.year}-001",
            issue_date=today - dt.timedelta(days=3),
            procedure_number=f"{today.year % 100:02d}123000045",
            requisition_reference=f"REQ-{today.year}-0458",
            requisition_date=today - dt.timedelta(days=40),
            prescripteur="Mme la juge d'instruction Claire Fontaine",
            mission_nature=MissionNature.EXPERTISE,
            mission_description="Expertise comptable de la SARL Dupuis (dossier de fraude).",
            lines=[
                SaisieLine(
                    "Honoraires d'expertise", Decimal("12"), "HUR", Decimal("95"), Decimal("20")
                ),
                SaisieLine(
                    "Frais de déplacement", Decimal("1"), "LS", Decimal("84.40"), Decimal("20")
                ),
            ],
            bank_account=_bank(expert, "Paul Duval"),
        ),
        attachments=[Upload("requisition.pdf", PROOF, "application/pdf")],
    )
    flux_integrate(flux_id=claim.flux_id)
    invoice = claim.flux.invoices.first()
    if invoice is not None:
        try:
            invoice_apply_action(
                invoice=invoice,
                to_status="SERVICE_FAIT",
                actor_user=users["greffe"],
                actor_kind=Actor.RECIPIENT,
            )
        except ActionRefused as refused:
            stdout.write(f"  mémoires de justice : {refused.message}\n")
    stdout.write(
        f"  mémoires de justice : mémoire {claim.number} déposé à {juridiction.raison_sociale} "
        "(service fait)\n"
    )


def _tic(stdout: Any, farmer: Structure, service: Structure, users: dict[str, User]) -> None:
    if Claim.objects.filter(supplier=farmer, kind=ClaimKind.DEMANDE_REMBOURSEMENT).exists():
        stdout.write("  remboursements TIC : demande de démonstration déjà déposée\n")
        return
    today = timezone.localdate()
    closed = [year for year in campaigns() if year < today.year]
    if not closed:
        stdout.write("  remboursements TIC : aucune campagne close dans le barème\n")
        return
    claim = tic_deposit(
        user=users["agriculteur"],
        supplier=farmer,
        data=TicInput(
            recipient=service,
            issue_date=today,
            exploitation_name="EARL des Trois Chênes",
            pacage_number="045123456",
            campaign_year=closed[0],
            quantities={
                TicProduct.GAZOLE_NON_ROUTIER: Decimal("12000"),
                TicProduct.GAZ_NATUREL: Decimal("35.5"),
            },
            bank_account=_bank(farmer, "EARL des Trois Chênes"),
        ),
        attachments=[Upload("factures-gnr.pdf", PROOF, "application/pdf")],
        today=today,
    )
    flux_integrate(flux_id=claim.flux_id)
    stdout.write(
        f"  remboursements TIC : demande {claim.number} (campagne {closed[0]}) déposée à "
        f"{service.raison_sociale}\n"
    )


def load(*, stdout: Any) -> None:
    juridiction = _structure(
        JURIDICTION_SIRET,
        "TRIBUNAL JUDICIAIRE DE BEAUMONT",
        StructureKind.STRUCTURE_PUBLIQUE,
        "Beaumont",
        is_public=True,
        receives_memoires_justice=True,
    )
    expert = _structure(
        EXPERT_SIRET,
        "CABINET DUVAL EXPERTISES",
        StructureKind.PROFESSIONNEL_JUSTICE,
        "Orléans",
    )
    service = _structure(
        TIC_SERVICE_SIRET,
        "DIRECTION DÉPARTEMENTALE DES FINANCES PUBLIQUES — REMBOURSEMENTS TIC",
        StructureKind.STRUCTURE_PUBLIQUE,
        "Orléans",
        is_public=True,
        receives_tic_refunds=True,
    )
    farmer = _structure(
        FARMER_SIRET, "EARL DES TROIS CHÊNES", StructureKind.EXPLOITANT_AGRICOLE, "Pithiviers"
    )
    users = {
        "greffe": _account(
            "greffe@choeur.localhost",
            ("Hélène", "Marchand"),
            juridiction,
            [Espace.FACTURES_RECUES, Espace.MEMOIRES_JUSTICE],
        ),
        "expert": _account(
            "expert@choeur.localhost",
            ("Paul", "Duval"),
            expert,
            [Espace.FACTURES_EMISES, Espace.MEMOIRES_JUSTICE],
        ),
        "service-tic": _account(
            "service-tic@choeur.localhost",
            ("Karim", "Benali"),
            service,
            [Espace.FACTURES_RECUES, Espace.DEMANDES_REMBOURSEMENT_TIC],
        ),
        "agriculteur": _account(
            "agriculteur@choeur.localhost",
            ("Sophie", "Lemaire"),
            farmer,
            [Espace.FACTURES_EMISES, Espace.DEMANDES_REMBOURSEMENT_TIC],
        ),
    }
    try:
        _memoire(stdout, expert, juridiction, users)
        _tic(stdout, farmer, service, users)
    except ClaimRefused as refused:
        stdout.write(f"  mémoires et remboursements TIC : {refused.message}\n")
