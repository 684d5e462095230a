from __future__ import annotations

import pytest

from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.selectors import (
    etablissement_get,
    etablissement_search,
)
from choeur.directory.text import search_key

pytestmark = pytest.mark.django_db


def etab(siret: str, **values: object) -> Etablissement:
    return Etablissement.objects.create(siret=siret, siren=siret[:9], nic=siret[9:], **values)


def unite(siren: str, name: str, **values: object) -> UniteLegale:
    return UniteLegale.objects.create(
        siren=siren, denomination=name, search_name=search_key(name), **values
    )


def test_search_key_folds_accents_case_and_punctuation() -> None:
    assert search_key("l'Hôpital  Saint-Éloi") == "L HOPITAL SAINT ELOI"


def test_etablissement_search_by_siret_prefix() -> None:
    etab("84211943000010")
    etab("84211943000028")
    etab("51234567900017")
    assert [e.siret for e in etablissement_search("842 119")] == [
        "84211943000010",
        "84211943000028",
    ]
    assert etablissement_search("84") == []  # fewer than 3 digits


def test_etablissement_search_by_name_prefix_of_the_unite_legale_or_the_enseigne() -> None:
    unite("842119430", "Menuiserie Dupont & Fils")
    etab("84211943000010", code_postal="75011", libelle_commune="PARIS")
    etab(
        "51234567900017",
        enseigne="Menuiserie du Marais",
        search_name=search_key("Menuiserie du Marais"),
    )
    etab("39876543800013", enseigne="Boulangerie", search_name="BOULANGERIE")
    found = etablissement_search("menuiserie")
    assert {e.siret for e in found} == {"84211943000010", "51234567900017"}
    assert found[0].raison_sociale == "Menuiserie Dupont & Fils"
    assert [e.siret for e in etablissement_search("MENUISERIE DU")] == [
        "84211943000010",
        "51234567900017",
    ]
    assert etablissement_search("ménuiserie dup")[0].siret == "84211943000010"


def test_local_lookup_of_an_individual_and_a_non_diffusible() -> None:
    UniteLegale.objects.create(
        siren="842119430", nom="LAMBERT", prenom="CLAIRE", nom_usage="MARTIN"
    )
    etab(
        "84211943000010",
        statut_diffusion="P",
        numero_voie="3",
        type_voie="RUE",
        libelle_voie="X",
        code_postal="75011",
        libelle_commune="PARIS",
    )
    info = etablissement_get("842 119 430 00010")
    assert info is not None
    assert info.raison_sociale == "MARTIN CLAIRE"
    assert (
        info.non_diffusible
        and info.adresse == ""
        and info.code_postal == ""
        and info.address_lines == []
    )
