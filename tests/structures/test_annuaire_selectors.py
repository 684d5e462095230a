from __future__ import annotations

import pytest

from choeur.structures.annuaire_selectors import invoice_requirements, public_structure_search
from choeur.structures.models import Structure

pytestmark = pytest.mark.django_db


def test_public_structure_search_limit_and_inactive() -> None:
    for i, siret in enumerate(["21450123400012", "21450987600014", "21690123400019"]):
        Structure.objects.create(
            identifier_type="SIRET",
            identifier=siret,
            raison_sociale=f"COMMUNE {i}",
            is_public=True,
            is_active=i != 1,
        )
    assert [s.identifier for s in public_structure_search(query="commune", limit=1)] == [
        "21450123400012"
    ]
    assert public_structure_search(query="commune").count() == 2
    assert public_structure_search(query="commune", active_only=False).count() == 3


def test_invoice_requirements_mapping() -> None:
    both = Structure(
        code_service_required=True, engagement_required=True, engagement_or_service_required=True
    )
    req = invoice_requirements(both)
    assert req.service_required and req.engagement_required and not req.engagement_or_service
    assert invoice_requirements(Structure()).nothing_required
