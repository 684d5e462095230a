from __future__ import annotations

from dataclasses import dataclass

import pytest

from choeur.accounts.models import User
from choeur.structures.enums import AccessMode, Espace, Role
from choeur.structures.models import Service, Structure
from tests.lifecycle import factories as f


@dataclass
class World:
    supplier: Structure
    supplier_user: User  # deposits, « Factures émises » in Modification
    recipient: Structure  # a public structure with two services
    achats: Service
    travaux: Service
    manager: User  # gestionnaire principal of the recipient: every service
    agent: User  # « Factures reçues » in Modification, service Achats only
    reader: User  # « Factures reçues » in Consultation, service Achats
    other_agent: User  # « Factures reçues » in Modification, service Travaux only
    outsider: User  # « Factures reçues » in Modification on another public structure
    other_recipient: Structure


@pytest.fixture
def world(db: None) -> World:
    supplier = f.structure("84211943000010", "MENUISERIE DUPONT", email="compta@dupont.test")
    supplier_user = f.attach(
        f.user("fournisseur@dupont.test"),
        supplier,
        espace=Espace.FACTURES_EMISES,
        role=Role.GESTIONNAIRE_PRINCIPAL,
    )
    recipient = f.structure("12345678200051", "COMMUNE DE TEST", public=True)
    achats = Service.objects.create(structure=recipient, code="ACHATS", name="Achats")
    travaux = Service.objects.create(structure=recipient, code="TRAVAUX", name="Travaux")
    manager = f.attach(f.user("dgs@commune.test"), recipient, role=Role.GESTIONNAIRE_PRINCIPAL)
    agent = f.attach(f.user("achats@commune.test"), recipient, services=[achats])
    reader = f.attach(
        f.user("lecteur@commune.test"), recipient, mode=AccessMode.CONSULTATION, services=[achats]
    )
    other_agent = f.attach(f.user("travaux@commune.test"), recipient, services=[travaux])
    other_recipient = f.structure("12345678200028", "AUTRE COMMUNE", public=True)
    outsider = f.attach(
        f.user("agent@autre-commune.test"), other_recipient, role=Role.GESTIONNAIRE_PRINCIPAL
    )
    return World(
        supplier,
        supplier_user,
        recipient,
        achats,
        travaux,
        manager,
        agent,
        reader,
        other_agent,
        outsider,
        other_recipient,
    )


@pytest.fixture
def mad_invoice(world: World):  # type: ignore[no-untyped-def]
    """An invoice of the Achats service, made available to the recipient."""
    return f.invoice(
        supplier=world.supplier,
        recipient=world.recipient,
        service=world.achats,
        depositor=world.supplier_user,
    )
