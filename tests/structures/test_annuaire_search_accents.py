from __future__ import annotations

import pytest
from django.test import Client

from choeur.structures.annuaire_selectors import public_structure_search
from choeur.structures.models import Structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def hopital() -> Structure:
    return Structure.objects.create(
        identifier_type="SIRET",
        identifier="26750045200011",
        raison_sociale="HÔPITAL DE L'ÉTANG",
        is_public=True,
    )


@pytest.mark.parametrize("query", ["hôpital", "hopital", "HOPITAL", "l'étang", "etang hopital"])
def test_name_search_ignores_accents_case_and_punctuation(hopital: Structure, query: str) -> None:
    assert list(public_structure_search(query=query)) == [hopital]


def test_renaming_a_structure_keeps_its_search_key_in_step(hopital: Structure) -> None:
    hopital.raison_sociale = "Clinique Sainte-Thérèse"
    hopital.save(update_fields=["raison_sociale"])
    assert list(public_structure_search(query="therese")) == [hopital]
    assert list(public_structure_search(query="hopital")) == []


def test_the_public_search_page_finds_a_name_typed_without_accents(
    client: Client, hopital: Structure
) -> None:
    assert "HÔPITAL DE L" in client.get("/annuaire/", {"q": "hopital etang"}).content.decode()
