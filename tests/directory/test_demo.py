from __future__ import annotations

from io import StringIO

import pytest

from choeur.directory import demo
from choeur.directory.identifiers import siret_is_valid
from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.selectors import etablissement_get, public_structure_get
from choeur.structures.models import Service, Structure


@pytest.fixture
def loaded(db: None) -> None:
    demo.load(stdout=StringIO())


def test_fixed_identifiers_are_valid_sirets() -> None:
    for name in dir(demo):
        if name.startswith("DEMO_") and name.endswith("_SIRET"):
            assert siret_is_valid(getattr(demo, name)), name


def test_load_is_idempotent_and_big_enough(loaded: None) -> None:
    counts = (UniteLegale.objects.count(), Etablissement.objects.count(), Service.objects.count())
    demo.load(stdout=StringIO())
    assert (
        UniteLegale.objects.count(),
        Etablissement.objects.count(),
        Service.objects.count(),
    ) == counts
    assert Etablissement.objects.count() >= 10_000
    assert Etablissement.objects.filter(etat_administratif="F").count() > 100
    assert Etablissement.objects.filter(statut_diffusion="P").count() > 50
    assert all(siret_is_valid(s) for s in Etablissement.objects.values_list("siret", flat=True))
    public = Structure.objects.filter(is_public=True, kind="STRUCTURE_PUBLIQUE")
    assert public.count() >= 500
    assert public.filter(code_service_required=True).count() > 50
    assert public.filter(engagement_required=True).count() > 50
    assert public.filter(engagement_or_service_required=True).count() > 20
    assert public.filter(services__isnull=True).exists()


def test_fixed_entries_behave_as_documented(loaded: None) -> None:
    supplier = etablissement_get(demo.DEMO_SUPPLIER_SIRET)
    assert supplier is not None and supplier.is_active
    assert supplier.raison_sociale == demo.DEMO_SUPPLIER_NAME
    assert not Structure.objects.filter(identifier=demo.DEMO_SUPPLIER_SIRET).exists()
    assert not Structure.objects.filter(identifier=demo.DEMO_SUPPLIER_2_SIRET).exists()
    closed = etablissement_get(demo.DEMO_CLOSED_SIRET)
    assert closed is not None and not closed.is_active
    hidden = etablissement_get(demo.DEMO_NON_DIFFUSIBLE_SIRET)
    assert hidden is not None and hidden.non_diffusible and hidden.address_lines == []

    with_service = public_structure_get(identifier=demo.DEMO_PUBLIC_SIRET)
    assert with_service is not None and with_service.code_service_required
    codes = dict(with_service.services.values_list("code", "is_active"))
    assert codes[demo.DEMO_PUBLIC_SERVICE_CODE] is True
    assert codes[demo.DEMO_PUBLIC_INACTIVE_SERVICE_CODE] is False
    assert with_service.services.get(code=demo.DEMO_PUBLIC_SERVICE_EJ_CODE).engagement_required
    ej = public_structure_get(identifier=demo.DEMO_PUBLIC_EJ_SIRET)
    assert ej is not None and ej.engagement_required and not ej.code_service_required
    free = public_structure_get(identifier=demo.DEMO_PUBLIC_FREE_SIRET)
    assert free is not None
    assert not (
        free.code_service_required
        or free.engagement_required
        or free.engagement_or_service_required
    )
    either = public_structure_get(identifier=demo.DEMO_PUBLIC_EJ_OR_SERVICE_SIRET)
    assert either is not None and either.engagement_or_service_required
