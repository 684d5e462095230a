"""OpenAPI description of the API's authentication (drf-spectacular extension)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class CproAccountScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "choeur.api.auth.CproAccountAuthentication"
    name = "oauth2ClientCredentials"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "Jeton obtenu par POST /api/oauth/token (client_credentials), "
            "avec l'en-tête cpro-account du compte technique sur chaque appel.",
            "flows": {
                "clientCredentials": {"tokenUrl": "/api/oauth/token", "scopes": {"openid": "API"}}
            },
        }
