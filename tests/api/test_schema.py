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
