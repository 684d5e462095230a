"""A works contract with its four parties: the titulaire (a building firm), the maîtrise
d'œuvre (an architects' firm), the maîtrise d'ouvrage (a public structure flagged MOA) and the
paying structure (a commune), each with a user in its « Factures de travaux »; and outsiders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from choeur.accounts.models import User
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate
from choeur.structures.enums import AccessMode, Espace, Role
from choeur.structures.models import EngagementJuridique, Structure
from choeur.works.models import WorksContract
from choeur.works.services import contract_create
from tests.invoices.samples import Sample
from tests.lifecycle import factories as f

SUPPLIER_SIRET = "84211943000010"
MOE_SIRET = "73282932000074"
MOA_SIRET = "21690123100011"
PAYER_SIRET = "21690123400015"
EJ = "EJ-TRAVAUX-2026-01"


@dataclass
class WorksWorld:
    supplier: Structure
    supplier_user: User  # « Factures émises » and « Factures de travaux » in Modification
    moe: Structure
    moe_user: User
    moa: Structure
    moa_user: User
    moa_reader: User  # « Factures de travaux » in Consultation on the MOA
    payer: Structure
    payer_user: User  # « Factures reçues » in Modification on the paying structure
    outsider: User  # « Factures de travaux » in Modification on another structure
    engagement: EngagementJuridique
    contract: WorksContract

    def deposit(self, *, cadre: str = "A4", number: str = "PDM-2026-01", **kwargs: Any) -> Flux:
        data = Sample(
            SUPPLIER_SIRET,
            PAYER_SIRET,
            number=number,
            engagement=kwargs.pop("engagement", EJ),
            cadre=cadre,
            buyer_name="COMMUNE DE VILLEBOIS",
            **kwargs,
        ).cii()
        flux = flux_deposit(
            user=self.supplier_user, supplier=self.supplier, upload=Upload(f"{number}.xml", data)
        )
        flux_integrate(flux_id=flux.pk)
        flux.refresh_from_db()
        return flux

    def invoice(self, **kwargs: Any) -> Invoice:
        flux = self.deposit(**kwargs)
        return Invoice.objects.get(flux=flux)


def rules(flux: Flux) -> list[str]:
    found = [e["rule_id"] for e in flux.report.get("errors", [])]
    for item in flux.report.get("items", []):
        found += [e["rule_id"] for e in item["errors"]]
    return found


def _works_user(email: str, where: Structure, mode: str = AccessMode.MODIFICATION) -> User:
    return f.attach(
        f.user(email), where, espace=Espace.FACTURES_TRAVAUX, mode=mode, role=Role.UTILISATEUR
    )


@pytest.fixture
def works(db: None) -> WorksWorld:
    return build_works_world()


def build_works_world() -> WorksWorld:
    """The four parties of a works contract and its fiche identité (also for tests/e2e)."""
    supplier = f.structure(SUPPLIER_SIRET, "BÂTIMENTS MARTIN", email="compta@martin.test")
    supplier_user = f.attach(
        f.user("conducteur@martin.test"),
        supplier,
        espace=Espace.FACTURES_EMISES,
        role=Role.GESTIONNAIRE_PRINCIPAL,
    )
    f.attach(supplier_user, supplier, espace=Espace.FACTURES_TRAVAUX)
    moe = f.structure(MOE_SIRET, "ATELIER D'ARCHITECTURE LEROY")
    moe_user = _works_user("architecte@leroy.test", moe)
    moa = f.structure(MOA_SIRET, "SYNDICAT DES ÉCOLES", public=True, is_moa=True, is_moa_only=True)
    moa_user = _works_user("maitrise-ouvrage@syndicat.test", moa)
    moa_reader = _works_user("lecteur@syndicat.test", moa, AccessMode.CONSULTATION)
    payer = f.structure(PAYER_SIRET, "COMMUNE DE VILLEBOIS", public=True, is_moa=True)
    payer_user = f.attach(
        f.user("comptable@villebois.test"), payer, role=Role.GESTIONNAIRE_PRINCIPAL
    )
    f.attach(payer_user, payer, espace=Espace.FACTURES_TRAVAUX)
    other = f.structure("73282932000082", "AUTRE CABINET")
    outsider = _works_user("intrus@autre.test", other)
    engagement = EngagementJuridique.objects.create(
        structure=payer, number=EJ, amount_ht="500000", date=dt.date(2026, 1, 1)
    )
    contract = contract_create(
        user=payer_user,
        engagement=engagement,
        label="Rénovation de l'école Jules-Ferry",
        contract_number="2026-MT-001",
        supplier=supplier,
        moe=moe,
        moa=moa,
    )
    return WorksWorld(
        supplier,
        supplier_user,
        moe,
        moe_user,
        moa,
        moa_user,
        moa_reader,
        payer,
        payer_user,
        outsider,
        engagement,
        contract,
    )


SUB_SIRET = "51234567800019"
CO_SIRET = "52234567800018"
SUB_OF_CO_SIRET = "53234567800017"


@dataclass
class Subcontracting:
    """A first-rank subcontractor of the titulaire, a co-contractor (the titulaire is the
    mandataire) and the co-contractor's own subcontractor, on the contract's fiche identité;
    the titulaire and the co-contractor validate in « Factures à valider »."""

    sub: Structure
    sub_user: User
    co: Structure
    co_user: User  # deposits (« Factures émises ») and validates (« Factures à valider »)
    sub_of_co: Structure
    sub_of_co_user: User
    prime_validator: User  # the titulaire's « Factures à valider »

    def invoice(self, world: WorksWorld, who: str, *, cadre: str, number: str) -> Invoice:
        structure, user = {
            "sub": (self.sub, self.sub_user),
            "co": (self.co, self.co_user),
            "sub_of_co": (self.sub_of_co, self.sub_of_co_user),
        }[who]
        data = Sample(
            structure.identifier,
            PAYER_SIRET,
            number=number,
            engagement=EJ,
            cadre=cadre,
            seller_name=structure.raison_sociale,
            buyer_name="COMMUNE DE VILLEBOIS",
        ).cii()
        flux = flux_deposit(user=user, supplier=structure, upload=Upload(f"{number}.xml", data))
        flux_integrate(flux_id=flux.pk)
        flux.refresh_from_db()
        return Invoice.objects.get(flux=flux)


def _depositor(email: str, where: Structure) -> User:
    user = f.attach(f.user(email), where, espace=Espace.FACTURES_EMISES)
    return f.attach(user, where, espace=Espace.FACTURES_TRAVAUX)


def add_subcontracting(world: WorksWorld) -> Subcontracting:
    from choeur.works.services import contract_member_add

    sub = f.structure(SUB_SIRET, "ÉLECTRICITÉ PETIT")
    co = f.structure(CO_SIRET, "PLOMBERIE ROUX")
    sub_of_co = f.structure(SUB_OF_CO_SIRET, "CARRELAGES NOEL")
    prime_validator = f.attach(
        f.user("validation@martin.test"), world.supplier, espace=Espace.FACTURES_A_VALIDER
    )
    co_user = _depositor("compta@roux.test", co)
    f.attach(co_user, co, espace=Espace.FACTURES_A_VALIDER)
    contract_member_add(
        user=world.payer_user, contract=world.contract, structure=sub, kind="SOUSTRAITANT"
    )
    contract_member_add(
        user=world.payer_user, contract=world.contract, structure=co, kind="COTRAITANT"
    )
    contract_member_add(
        user=world.payer_user,
        contract=world.contract,
        structure=sub_of_co,
        kind="SOUSTRAITANT",
        under=co,
    )
    return Subcontracting(
        sub,
        _depositor("chef@petit.test", sub),
        co,
        co_user,
        sub_of_co,
        _depositor("chef@noel.test", sub_of_co),
        prime_validator,
    )


@pytest.fixture
def subcontracting(works: WorksWorld) -> Subcontracting:
    return add_subcontracting(works)
