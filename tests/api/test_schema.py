from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.api import openapi_check

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_cpro_paths_and_their_authentication(client: Client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/cpro/structures/v1/rechercher" in schema["paths"]
    operation = schema["paths"]["/cpro/structures/v1/rechercher"]["post"]
    assert any(p["name"] == "cpro-account" and p["in"] == "header" for p in operation["parameters"])
    flows = schema["components"]["securitySchemes"]["oauth2ClientCredentials"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/api/oauth/token"


@pytest.mark.parametrize(
    "path",
    [
        "/cpro/factures/v1/soumettre",
        "/cpro/factures/v1/consulter/fournisseur",
        "/cpro/factures/v1/consulter/recipiendaire",
        "/cpro/factures/v1/completer",
        "/cpro/factures/v1/recycler",
        "/cpro/factures/v1/traiterRejet",
        "/cpro/factures/v1/telecharger/groupe",
        "/cpro/transverses/v1/ajouter/fichier",
        "/cpro/transverses/v1/rechercher/pj/moncompte",
        "/cpro/transverses/v1/rechercher/categorieSollicitation",
        "/cpro/transverses/v1/rechercher/sousCategorieSollicitation",
        "/cpro/transverses/v1/recuperer/etats/traitement",
        "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
        "/cpro/transverses/v1/recuperer/structures/actives/destinataire",
    ],
)
def test_openapi_schema_describes_each_service(client: Client, path: str) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "post" in schema["paths"][path]


def test_every_cpro_operation_describes_its_answer_field_by_field() -> None:
    paths = openapi_check.document()["paths"]
    cpro = {path: ops for path, ops in paths.items() if path.startswith("/cpro/")}
    assert len(cpro) >= 50
    for path, ops in cpro.items():
        for method, operation in ops.items():
            success = operation["responses"]["200"]
            if path == "/cpro/organisations/v1/healthcheck":
                assert "content" not in success  # an empty 200, as the real service answers
                continue
            answer = success["content"]["application/json"]["schema"]
            name = answer["$ref"].rsplit("/", 1)[-1]
            component = openapi_check.document()["components"]["schemas"][name]
            if component.get("type") == "array":  # organisations/v1 answers bare lists
                component = component["items"]
            assert component["properties"], f"{method} {path}"
            assert component["additionalProperties"] is False, f"{method} {path}"
            # organisations/v1 has its own error family (400, 401, 403: wire contract D12).
            family = ("400", "401", "403") if "/organisations/" in path else ERROR_CODES
            for status in family:
                assert status in operation["responses"], f"{method} {path} {status}"


ERROR_CODES = ("400", "401", "404", "405", "500", "503")


def test_the_webhooks_api_is_described_method_by_method() -> None:
    paths = openapi_check.document()["paths"]
    assert set(paths["/api/v1/webhooks"]) == {"get", "post"}
    assert set(paths["/api/v1/webhooks/{webhook_id}"]) == {"get", "delete"}
    created = paths["/api/v1/webhooks"]["post"]["responses"]["200"]
    name = created["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "secret" in openapi_check.document()["components"]["schemas"][name]["properties"]


def test_the_response_validator_refuses_an_answer_outside_the_document() -> None:
    path = "/cpro/factures/v1/deposer/flux"
    good = {"codeRetour": 0, "libelle": "GCU_MSG_01_000", "numeroFluxDepot": "CPP1"}
    good |= {"dateDepot": "2026-01-05", "syntaxeFlux": "IN_DP_E1_CII_16B"}
    openapi_check.check_response(path, "POST", 200, "application/json", json.dumps(good).encode())
    for wrong in (
        {**good, "dateDepot": "05/01/2026"},
        {**good, "codeRetour": "0"},
        {key: v for key, v in good.items() if key != "numeroFluxDepot"},
        {**good, "undescribed": 1},
    ):
        with pytest.raises(AssertionError):
            openapi_check.check_response(
                path, "POST", 200, "application/json", json.dumps(wrong).encode()
            )
    with pytest.raises(AssertionError, match="HTTP 302 is not documented"):
        openapi_check.check_response(path, "POST", 302, "application/json", b"{}")


def test_the_response_validator_checks_rfc3339_date_times() -> None:
    path = "/cpro/transverses/v1/consulterCR"
    answer = {"codeRetour": 0, "libelle": "TRA_MSG_00.000", "numeroFluxDepot": "CPP1"}
    answer |= {"nomFichierFlux": "f.xml", "codeInterfaceFlux": "X", "etatCourantFlux": "IN_INTEGRE"}
    answer |= {"designationPartenaire": "D", "codeAppliPartenaire": "", "fichierCR": ""}
    answer |= {"dateHeureEtatCourantFlux": "2026-01-05T10:00:00.000+01:00"}
    good = {**answer, "dateDepotFlux": "2026-01-05T10:00:00.000+01:00"}
    openapi_check.check_response(path, "POST", 200, "application/json", json.dumps(good).encode())
    wrong = {**answer, "dateDepotFlux": "2026-01-05 10:00"}
    with pytest.raises(AssertionError, match="dateDepotFlux"):
        openapi_check.check_response(
            path, "POST", 200, "application/json", json.dumps(wrong).encode()
        )
