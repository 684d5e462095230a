"""Authentication of the Flow Service: an OAuth2 bearer token (client credentials) of a
structure's technical account, the same clients as /cpro. The document has no `cpro-account`
header: the token's OAuth2 client names the account (one client per account)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from oauth2_provider.oauth2_backends import get_oauthlib_core

from choeur.api.afnor.errors import AfnorError
from choeur.structures.models import Structure, TechnicalAccount


@dataclass(frozen=True)
class Caller:
    """Who calls: the technical account, its user (who acts in the services) and structure."""

    account: TechnicalAccount
    user: Any
    structure: Structure


MISSING_TOKEN = AfnorError(
    401,
    "MISSING_TOKEN",
    "Jeton d'accès absent : envoyez « Authorization: Bearer <jeton> » (jeton OAuth2 obtenu sur "
    "/api/oauth/token avec le client du compte technique).",
)
INVALID_TOKEN = AfnorError(401, "INVALID_TOKEN", "Jeton d'accès OAuth2 invalide ou expiré.")


def _organization_matches(header: str, structure: Structure) -> bool:
    """`Organization-Id` (multi-tenancy): the caller's structure, by SIRET or SIREN."""
    wanted = header.strip().replace(" ", "")
    return wanted in {structure.identifier, structure.identifier[:9]}


def authenticate(request: HttpRequest) -> Caller:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise MISSING_TOKEN
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None) if valid else None
    if token is None or token.application_id is None:
        raise INVALID_TOKEN
    account = (
        TechnicalAccount.objects.select_related("user", "structure")
        .filter(application_id=token.application_id)
        .first()
    )
    if account is None or not account.is_active or not account.user.is_active:
        raise AfnorError(
            403,
            "FORBIDDEN_ACCESS",
            "Ce client OAuth2 n'est le client d'aucun compte technique actif.",
        )
    if account.is_expired:
        raise AfnorError(
            403,
            "FORBIDDEN_ACCESS",
            "Le mot de passe du compte technique a expiré : le gestionnaire principal de la "
            "structure doit le renouveler.",
        )
    organization = request.headers.get("Organization-Id", "")
    if organization and not _organization_matches(organization, account.structure):
        raise AfnorError(
            403,
            "FORBIDDEN_ACCESS",
            f"Ce compte technique n'agit pas pour l'organisation « {organization[:40]} » "
            f"(Organization-Id) : seulement pour {account.structure.identifier}.",
        )
    return Caller(account=account, user=account.user, structure=account.structure)
