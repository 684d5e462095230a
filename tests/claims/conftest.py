"""A juridiction receiving mémoires de frais de justice and an expert depositing them; a service
receiving demandes de remboursement TIC and a farmer depositing them; outsiders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from choeur.accounts.models import User
from choeur.claims.enums import MissionNature, TicProduct
from choeur.claims.models import Claim
from choeur.claims.services import MemoireInput, TicInput, memoire_deposit, tic_deposit
from choeur.invoices.services.deposit import Upload
from choeur.invoices.services.drafts import SaisieLine
from choeur.invoices.services.integration import flux_integrate
from choeur.structures.enums import AccessMode, Espace, Role, StructureKind
from choeur.structures.models import BankAccount, Structure
from tests.lifecycle import factories as f

JURIDICTION_SIRET = "13000796610009"
EXPERT_SIRET = "88123450410001"
TIC_SERVICE_SIRET = "17450001710001"
FARMER_SIRET = "88223450310001"
OTHER_SIRET = "84211943000010"
TODAY = dt.date(2026, 3, 16)
PROOF = f.PDF


def integrated(claim: Claim) -> Claim:
    """The claim once its flux is integrated (in production a task after commit; the tests'
    transaction never commits, so it runs here)."""
    flux_integrate(flux_id=claim.flux_id)
    claim.flux.refresh_from_db()
    return claim


@dataclass
class ClaimsWorld:
    juridiction: Structure
    greffe: User  # « Factures reçues » and « Mémoires » in Modification on the juridiction
    greffe_reader: User  # both espaces in Consultation
    expert: Structure
    expert_user: User  # « Factures émises » and « Mémoires » in Modification
    expert_bank: BankAccount
    tic_service: Structure
    tic_agent: User
    farmer: Structure
    farmer_user: User
    farmer_bank: BankAccount
    outsider: User  # the espaces in Modification on another structure

    def memoire_input(self, **changes: Any) -> MemoireInput:
        values: dict[str, Any] = {
            "recipient": self.juridiction,
            "number": "MEM-2026-001",
            "issue_date": TODAY,
            "procedure_number": "26123000045",
            "requisition_reference": "REQ-2026-0458",
            "requisition_date": dt.date(2026, 2, 1),
            "prescripteur": "Mme la juge d'instruction Fontaine",
            "mission_nature": MissionNature.EXPERTISE,
            "mission_description": "Expertise comptable",
            "lines": [
                SaisieLine(
                    "Honoraires d'expertise", Decimal("12"), "HUR", Decimal("95"), Decimal("20")
                ),
                SaisieLine(
                    "Frais de déplacement", Decimal("1"), "LS", Decimal("84.40"), Decimal("20")
                ),
            ],
            "bank_account": self.expert_bank,
        }
        values.update(changes)
        return MemoireInput(**values)

    def memoire(self, **changes: Any) -> Claim:
        return integrated(
            memoire_deposit(
                user=self.expert_user,
                supplier=self.expert,
                data=self.memoire_input(**changes),
                attachments=[Upload("requisition.pdf", PROOF, "application/pdf")],
            )
        )

    def tic_input(self, **changes: Any) -> TicInput:
        values: dict[str, Any] = {
            "recipient": self.tic_service,
            "issue_date": TODAY,
            "exploitation_name": "EARL des Trois Chênes",
            "pacage_number": "045123456",
            "campaign_year": 2025,
            "quantities": {
                TicProduct.GAZOLE_NON_ROUTIER: Decimal("12000"),
                TicProduct.GAZ_NATUREL: Decimal("35.5"),
            },
            "bank_account": self.farmer_bank,
        }
        values.update(changes)
        return TicInput(**values)

    def tic(self, **changes: Any) -> Claim:
        return integrated(
            tic_deposit(
                user=self.farmer_user,
                supplier=self.farmer,
                data=self.tic_input(**changes),
                attachments=[Upload("factures-gnr.pdf", PROOF, "application/pdf")],
                today=TODAY,
            )
        )


def _bank(structure: Structure) -> BankAccount:
    return BankAccount.objects.create(
        structure=structure,
        label="Compte principal",
        holder=structure.raison_sociale,
        iban="FR7630006000011234567890189",
        bic="AGRIFRPPXXX",
    )


def _member(
    email: str,
    where: Structure,
    espaces: list[str],
    mode: str = AccessMode.MODIFICATION,
    role: str = Role.GESTIONNAIRE_PRINCIPAL,
) -> User:
    who = f.user(email)
    for espace in espaces:
        f.attach(who, where, espace=espace, mode=mode, role=role)
    return who


def build_claims_world() -> ClaimsWorld:
    juridiction = f.structure(
        JURIDICTION_SIRET,
        "TRIBUNAL JUDICIAIRE DE BEAUMONT",
        public=True,
        receives_memoires_justice=True,
    )
    greffe = _member(
        "greffe@tj-beaumont.test", juridiction, [Espace.FACTURES_RECUES, Espace.MEMOIRES_JUSTICE]
    )
    reader = _member(
        "lecteur@tj-beaumont.test",
        juridiction,
        [Espace.FACTURES_RECUES, Espace.MEMOIRES_JUSTICE],
        AccessMode.CONSULTATION,
        Role.UTILISATEUR,
    )
    expert = f.structure(
        EXPERT_SIRET, "CABINET DUVAL EXPERTISES", kind=StructureKind.PROFESSIONNEL_JUSTICE
    )
    expert_user = _member(
        "expert@duval.test", expert, [Espace.FACTURES_EMISES, Espace.MEMOIRES_JUSTICE]
    )
    tic_service = f.structure(
        TIC_SERVICE_SIRET,
        "DDFIP DU LOIRET — REMBOURSEMENTS TIC",
        public=True,
        receives_tic_refunds=True,
    )
    tic_agent = _member(
        "agent@ddfip.test", tic_service, [Espace.FACTURES_RECUES, Espace.DEMANDES_REMBOURSEMENT_TIC]
    )
    farmer = f.structure(
        FARMER_SIRET, "EARL DES TROIS CHÊNES", kind=StructureKind.EXPLOITANT_AGRICOLE
    )
    farmer_user = _member(
        "sophie@troischenes.test",
        farmer,
        [Espace.FACTURES_EMISES, Espace.DEMANDES_REMBOURSEMENT_TIC],
    )
    other = f.structure(OTHER_SIRET, "MENUISERIE DUPONT")
    outsider = _member(
        "intrus@dupont.test",
        other,
        [
            Espace.FACTURES_EMISES,
            Espace.FACTURES_RECUES,
            Espace.MEMOIRES_JUSTICE,
            Espace.DEMANDES_REMBOURSEMENT_TIC,
        ],
    )
    return ClaimsWorld(
        juridiction,
        greffe,
        reader,
        expert,
        expert_user,
        _bank(expert),
        tic_service,
        tic_agent,
        farmer,
        farmer_user,
        _bank(farmer),
        outsider,
    )


@pytest.fixture
def world(db: None) -> ClaimsWorld:
    return build_claims_world()
