"""Every answer under /cpro/ and /api/ is the JSON envelope `{codeRetour, libelle}`, whatever
happens (issue 14, item 6): wrong paging, absurd bodies, unknown paths, refused methods, server
errors and a database out of reach. The web pages keep their HTML error pages."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from choeur.api.views import transverses
from tests.api.conftest import deposit_invoice

pytestmark = pytest.mark.django_db

T = "/cpro/transverses/v1/"
F = "/cpro/factures/v1/"
S = "/cpro/structures/v1/"

# (path, the object carrying its paging, what else the request needs)
PAGED: list[tuple[str, str, dict[str, Any]]] = [
    (F + "rechercher/fournisseur", "rechercheFactureParFournisseur", {}),
    (F + "rechercher/recipiendaire", "paramRecherche", {}),
    (S + "rechercher", "parametres", {}),
    (S + "rechercher/services", "parametresRechercherServicesStructure", {"idStructure": 1}),
    (T + "rechercher/destinataire", "parametresRecherche", {}),
    (T + "rechercher/pj/moncompte", "parametresRecherche", {}),
    (T + "rechercher/categorieSollicitation", "pagination", {}),
    (T + "rechercher/sousCategorieSollicitation", "pagination", {}),
]


def _envelope(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body: dict[str, Any] = response.json()
    assert set(body) == {"codeRetour", "libelle"}
    assert isinstance(body["codeRetour"], int) and body["libelle"]
    return body


def test_a_negative_page_size_or_a_huge_page_number_is_a_400_on_every_paged_search(
    api_account: Any, public_structure: Any
) -> None:
    for path, key, extra in PAGED:
        if "idStructure" in extra:
            extra = {"idStructure": public_structure.pk}
        for paging, field in (
            ({"nbResultatsParPage": -5}, "nbResultatsParPage"),
            ({"pageResultatDemandee": -1}, "pageResultatDemandee"),
            ({"pageResultatDemandee": 2**63}, "pageResultatDemandee"),
            ({"pageResultatDemandee": 10**30}, "pageResultatDemandee"),
            ({"nbResultatsParPage": "dix"}, "nbResultatsParPage"),
        ):
            body = _envelope(api_account.post(path, {key: paging, **extra}), 400)
            assert body["codeRetour"] == 20001
            assert f"{key}.{field}" in body["libelle"], (path, body)
        page_as_text = _envelope(api_account.post(path, {key: "1", **extra}), 400)
        assert key in page_as_text["libelle"]


@pytest.mark.django_db(transaction=True)
def test_sub_list_paging_is_checked_too(api_account: Any, recipient_account: Any) -> None:
    invoice_id = deposit_invoice(api_account)
    body = _envelope(
        api_account.post(
            F + "consulter/fournisseur",
            {
                "identifiantFactureCPP": invoice_id,
                "pLignesPoste": {"nbResultatsParPageLignesPoste": -3},
            },
        ),
        400,
    )
    assert "nbResultatsParPageLignesPoste" in body["libelle"]
    body = _envelope(
        api_account.post(
            F + "consulter/historique",
            {
                "idFacture": invoice_id,
                "paramRechercheHistoStatuts": {"pageResultatDemandeeListeHistoStatut": 2**64},
            },
        ),
        400,
    )
    assert "pageResultatDemandeeListeHistoStatut" in body["libelle"]


def test_deeply_nested_json_is_a_400(api_account: Any) -> None:
    for raw in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        response = api_account.client.post(
            F + "rechercher/fournisseur",
            data=raw,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {api_account.fetch_token()}",
            HTTP_CPRO_ACCOUNT=api_account.cpro_account(),
        )
        body = _envelope(response, 400)
        assert "imbriqué" in body["libelle"]


def test_a_100000_character_filter_is_a_400_naming_the_field(
    api_account: Any, recipient_account: Any
) -> None:
    long = "x" * 100_000
    for account, path, payload, field in (
        (api_account, F + "rechercher/fournisseur", {"numeroFacture": long}, "numeroFacture"),
        (api_account, F + "rechercher/fournisseur", {"numeroFluxDepot": long}, "numeroFluxDepot"),
        (
            recipient_account,
            F + "rechercher/recipiendaire",
            {"numeroFacture": long},
            "numeroFacture",
        ),
        (
            api_account,
            S + "rechercher",
            {"structure": {"raisonSocialeStructure": long}},
            "structure.raisonSocialeStructure",
        ),
        (api_account, T + "rechercher/destinataire", {"identifiant": long}, "identifiant"),
        (api_account, T + "consulterCR", {"numeroFluxDepot": long}, "numeroFluxDepot"),
    ):
        body = _envelope(account.post(path, payload), 400)
        assert field in body["libelle"] and "caractères au plus" in body["libelle"]


def test_an_unknown_path_is_a_json_404(api_account: Any, client: Client) -> None:
    for path in (T + "inexistant", "/cpro/", "/cpro/nulle/part", "/api/inexistant"):
        body = _envelope(client.post(path, {}), 404)
        assert body == {"codeRetour": 404, "libelle": "API non trouvée"}
    # An authenticated call too (the token and cpro-account change nothing).
    assert _envelope(api_account.post(F + "inexistant", {}), 404)["codeRetour"] == 404


def test_the_web_pages_keep_their_html_404(client: Client) -> None:
    response = client.get("/page-inexistante/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_refused_method_is_a_json_405(api_account: Any, client: Client) -> None:
    token = client.get("/api/oauth/token")
    body = _envelope(token, 405)
    assert body["codeRetour"] == 405 and "GET" in body["libelle"]
    assert "POST" in token["Allow"]
    search = api_account.client.get(
        F + "rechercher/fournisseur",
        HTTP_AUTHORIZATION=f"Bearer {api_account.fetch_token()}",
        HTTP_CPRO_ACCOUNT=api_account.cpro_account(),
    )
    assert _envelope(search, 405)["codeRetour"] == 405


def test_an_unexpected_error_is_a_json_500(api_account: Any, monkeypatch: Any) -> None:
    def broken(language: str) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(transverses, "currencies", broken)
    body = _envelope(api_account.post(T + "recuperer/devises", {"codeLangue": "FR"}), 500)
    assert body["codeRetour"] == 500
    assert "bug" not in body["libelle"] and "RuntimeError" not in body["libelle"]


def test_a_database_out_of_reach_is_a_json_503_with_retry_after(
    api_account: Any, monkeypatch: Any
) -> None:
    api_account.fetch_token()

    def unreachable(language: str) -> Any:
        raise OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr(transverses, "currencies", unreachable)
    response = api_account.post(T + "recuperer/devises", {"codeLangue": "FR"})
    body = _envelope(response, 503)
    assert body["codeRetour"] == 503
    assert int(response["Retry-After"]) > 0


def test_a_faulty_sqlite_query_is_a_500_not_an_outage(api_account: Any, monkeypatch: Any) -> None:
    api_account.fetch_token()

    def faulty(language: str) -> Any:
        try:
            raise sqlite3.OperationalError("LIKE or GLOB pattern too complex")
        except sqlite3.OperationalError as exc:
            raise OperationalError(str(exc)) from exc

    monkeypatch.setattr(transverses, "currencies", faulty)
    response = api_account.post(T + "recuperer/devises", {"codeLangue": "FR"})
    assert _envelope(response, 500)["codeRetour"] == 500
    assert not response.has_header("Retry-After")
