from __future__ import annotations

import io
from typing import Any

import pytest

from choeur.sollicitations import demo
from choeur.sollicitations.enums import Routing, Status
from choeur.sollicitations.models import Category, Sollicitation, SubCategory
from tests.sollicitations import factories as f

pytestmark = pytest.mark.django_db


def test_the_referential_loads_once_and_keeps_operators_changes() -> None:
    demo.load(stdout=io.StringIO())
    count = SubCategory.objects.count()
    assert count > 10
    assert (
        SubCategory.objects.filter(offered_logged_out=True).exclude(routing=Routing.SUPPORT).count()
        == 0
    )
    category = Category.objects.get(code="FACTURE")
    category.label = "Factures (modifié)"
    category.save()
    demo.load(stdout=io.StringIO())
    assert SubCategory.objects.count() == count
    assert Category.objects.get(code="FACTURE").label == "Factures (modifié)"


def test_demo_tickets_between_the_demo_supplier_and_public_structure(db: Any) -> None:
    supplier = f.StructureFactory()  # the demo supplier's SIRET
    public = f.StructureFactory(public=True)  # the demo public structure's SIRET
    f.supplier_user(supplier)
    f.agent(public)
    demo.load(stdout=io.StringIO())
    tickets = Sollicitation.objects.filter(sender_structure=supplier, recipient_structure=public)
    assert sorted(tickets.values_list("status", flat=True)) == sorted(
        [Status.ATTENTE_COMPLEMENT, Status.NOUVEAU]
    )
    demo.load(stdout=io.StringIO())
    assert tickets.count() == 2
