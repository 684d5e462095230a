from __future__ import annotations

from io import StringIO

import pytest

from choeur.directory import demo
from choeur.directory.identifiers import siret_is_valid
from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.selectors import etablissement_get


@pytest.fixture
def loaded(db: None) -> None:
    demo.load(stdout=StringIO())


def test_fixed_identifiers_are_valid_sirets() -> None:
    for name in dir(demo):
        if name.startswith("DEMO_") and name.endswith("_SIRET"):
            assert siret_is_valid(getattr(demo, name)), name


def test_load_is_idempotent_and_big_enough(loaded: None) -> None:
    counts = (UniteLegale.objects.count(), Etablissement.objects.count())
    demo.load(stdout=StringIO())
    assert (UniteLegale.objects.count(), Etablissement.objects.count()) == counts
    assert Etablissement.objects.count() >= 10_000
    assert Etablissement.objects.filter(etat_administratif="F").count() > 100
    assert Etablissement.objects.filter(statut_diffusion="P").count() > 50
    assert all(siret_is_valid(s) for s in Etablissement.objects.values_list("siret", flat=True))
    # The public bodies are in the Sirene base too.
    assert Etablissement.objects.filter(pk=demo.DEMO_STATE_SIRET).exists()


def test_fixed_entries_behave_as_documented(loaded: None) -> None:
    supplier = etablissement_get(demo.DEMO_SUPPLIER_SIRET)
    assert supplier is not None and supplier.is_active
    assert supplier.raison_sociale == demo.DEMO_SUPPLIER_NAME
    closed = etablissement_get(demo.DEMO_CLOSED_SIRET)
    assert closed is not None and not closed.is_active
    hidden = etablissement_get(demo.DEMO_NON_DIFFUSIBLE_SIRET)
    assert hidden is not None and hidden.non_diffusible and hidden.address_lines == []
