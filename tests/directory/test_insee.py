from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.core.cache import cache

from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.selectors import etablissement_get, unite_legale_get
from tests.directory.fake_insee import (
    FORBIDDEN,
    KEY,
    NOT_FOUND,
    SERVER_ERROR,
    THROTTLED,
    FakeInsee,
    fake_insee,
)

SIRET = "84211943000010"
OTHER = "51234567900017"

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(settings) -> Iterator[FakeInsee]:  # type: ignore[no-untyped-def]
    cache.clear()
    with fake_insee() as fake:
        settings.INSEE_API_KEY = KEY
        settings.INSEE_API_URL = fake.url
        settings.INSEE_API_TIMEOUT = 1
        settings.INSEE_API_PER_MINUTE = 30
        yield fake
    cache.clear()


@pytest.fixture
def local_row() -> None:
    UniteLegale.objects.create(siren=SIRET[:9], denomination="NOM DE LA BASE LOCALE")
    Etablissement.objects.create(
        siret=SIRET, siren=SIRET[:9], nic=SIRET[9:], code_postal="75011", libelle_commune="PARIS"
    )


def test_lookup_reads_the_api_with_the_key_header(api: FakeInsee) -> None:
    info = etablissement_get(SIRET)
    assert info is not None and info.source == "insee"
    assert info.raison_sociale == "SOCIETE DE L'API"
    assert info.address_lines == ["4 B AVENUE DE LA REPUBLIQUE", "69003 LYON"]
    assert info.is_active and info.enseigne == "API & CO" and info.naf == "62.01Z"
    assert info.categorie_juridique == "5710" and info.is_siege
    assert api.requests == [(f"/api-sirene/3.11/siret/{SIRET}", KEY)]


def test_answers_are_cached(api: FakeInsee) -> None:
    etablissement_get(SIRET)
    etablissement_get(SIRET)
    assert len(api.requests) == 1


def test_closed_and_non_diffusible_from_the_api(api: FakeInsee) -> None:
    from tests.directory.fake_insee import etablissement_json

    api.answers[SIRET] = (
        200,
        {"header": {"statut": 200}, "etablissement": etablissement_json(SIRET, etat="F")},
    )
    api.answers[OTHER] = (
        200,
        {"header": {"statut": 200}, "etablissement": etablissement_json(OTHER, diffusion="P")},
    )
    closed = etablissement_get(SIRET)
    assert closed is not None and not closed.is_active
    hidden = etablissement_get(OTHER)
    assert hidden is not None and hidden.non_diffusible and hidden.address_lines == []


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (NOT_FOUND, "inconnu"),
        (FORBIDDEN, "HTTP 403"),
        (THROTTLED, "HTTP 429 (quota de l'API INSEE dépassé) Message throttled out"),
        (SERVER_ERROR, "HTTP 500"),
    ],
)
def test_api_errors_fall_back_to_the_local_base_with_a_logged_reason(
    api: FakeInsee,
    local_row: None,
    answer: tuple[int, object],
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.answers[SIRET] = answer
    with caplog.at_level(logging.INFO, logger="choeur.directory.selectors"):
        info = etablissement_get(SIRET)
    assert info is not None and info.source == "local"
    assert info.raison_sociale == "NOM DE LA BASE LOCALE"
    assert reason in caplog.text


def test_unknown_everywhere_is_none(api: FakeInsee) -> None:
    api.answers[SIRET] = NOT_FOUND
    assert etablissement_get(SIRET) is None


def test_timeout_falls_back(api: FakeInsee, local_row: None, settings, caplog) -> None:  # type: ignore[no-untyped-def]
    settings.INSEE_API_TIMEOUT = 0.2
    api.delay = 1.0
    with caplog.at_level(logging.WARNING, logger="choeur.directory.selectors"):
        info = etablissement_get(SIRET)
    assert info is not None and info.source == "local"
    assert "délai dépassé" in caplog.text


def test_refused_key_falls_back(api: FakeInsee, local_row: None, settings, caplog) -> None:  # type: ignore[no-untyped-def]
    settings.INSEE_API_KEY = "mauvaise-cle"
    with caplog.at_level(logging.WARNING, logger="choeur.directory.selectors"):
        info = etablissement_get(SIRET)
    assert info is not None and info.source == "local"
    assert "HTTP 401 (clé refusée) Invalid Credentials" in caplog.text


def test_throttle_stops_calling_the_api_beyond_the_quota(api: FakeInsee, settings, caplog) -> None:  # type: ignore[no-untyped-def]
    settings.INSEE_API_PER_MINUTE = 3
    sirets = [
        "84211943000010",
        "51234567900017",
        "39876543800013",
        "44455566800011",
        "12345678200028",
    ]
    with caplog.at_level(logging.WARNING, logger="choeur.directory.selectors"):
        results = [etablissement_get(s) for s in sirets]
    assert len(api.requests) == 3
    assert [r.source if r else None for r in results] == ["insee", "insee", "insee", None, None]
    assert "quota local" in caplog.text


def test_no_key_means_no_call(api: FakeInsee, local_row: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.INSEE_API_KEY = ""
    info = etablissement_get(SIRET)
    assert info is not None and info.source == "local"
    assert api.requests == []


def test_malformed_siret_is_none_without_a_call(api: FakeInsee) -> None:
    assert etablissement_get("84211943000011") is None
    assert api.requests == []


def test_siren_lookup(api: FakeInsee) -> None:
    info = unite_legale_get(SIRET[:9])
    assert info is not None and info.source == "insee"
    assert (info.raison_sociale, info.categorie_juridique, info.is_active) == (
        "SOCIETE DE L'API",
        "5710",
        True,
    )
    assert api.requests[0][0] == f"/api-sirene/3.11/siren/{SIRET[:9]}"
