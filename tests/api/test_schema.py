from __future__ import annotations

import pytest
from django.test import Client

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
