from __future__ import annotations

from dataclasses import dataclass

import pytest

from choeur.accounts.models import User
from choeur.structures.models import Service, Structure
from tests.invoices.factories import (
    PUBLIC_EJ_SIRET,
    PUBLIC_SIRET,
    StructureFactory,
    member,
    public_recipient,
)


@dataclass
class World:
    supplier: Structure
    user: User
    recipient: Structure  # requires a code service
    service: Service
    ej_recipient: Structure  # requires an engagement
    free_recipient: Structure


@pytest.fixture
def world(db: None) -> World:
    supplier = StructureFactory()
    user = member(supplier)
    recipient = public_recipient(
        PUBLIC_SIRET, raison_sociale="COMMUNE A SERVICE", code_service_required=True
    )
    service = Service.objects.create(
        structure=recipient, code="SERVICE_DEST_SERV_OBL", name="Achats"
    )
    ej = public_recipient(PUBLIC_EJ_SIRET, raison_sociale="COMMUNE A EJ", engagement_required=True)
    free = public_recipient()
    return World(supplier, user, recipient, service, ej, free)
