from __future__ import annotations

from io import StringIO

import pytest

from choeur.directory import demo
from choeur.structures import annuaire_demo
from choeur.structures.annuaire_selectors import public_structure_get
from choeur.structures.models import Service, Structure


@pytest.fixture
def loaded(db: None) -> None:
    demo.load(stdout=StringIO())
    annuaire_demo.load(stdout=StringIO())


def test_load_is_idempotent_and_big_enough(loaded: None) -> None:
    counts = (Structure.objects.count(), Service.objects.count())
    annuaire_demo.load(stdout=StringIO())
    assert (Structure.objects.count(), Service.objects.count()) == counts
    public = Structure.objects.filter(is_public=True, kind="STRUCTURE_PUBLIQUE")
    assert public.count() >= 500
    assert public.filter(code_service_required=True).count() > 50
    assert public.filter(engagement_required=True).count() > 50
    assert public.filter(engagement_or_service_required=True).count() > 20
    assert public.filter(services__isnull=True).exists()


def test_fixed_entries_behave_as_documented(loaded: None) -> None:
    # The demo suppliers are in the Sirene base only: registration creates their structure.
    assert not Structure.objects.filter(identifier=demo.DEMO_SUPPLIER_SIRET).exists()
    assert not Structure.objects.filter(identifier=demo.DEMO_SUPPLIER_2_SIRET).exists()

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
