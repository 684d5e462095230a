"""« S'identifier avec ProConnect » (issue 16): OpenID Connect, authorisation code + PKCE.

The State's identity federation for professionals. Off unless the operator sets
PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET. The provider's endpoints
come from its discovery document; the ID token and the userinfo answer (a signed JWT at
ProConnect) are checked against its published keys (iss, aud, exp, nonce), with Authlib for the
OAuth2 exchange and joserfc (Authlib's JOSE library) for the tokens: nothing hand-made.

A first ProConnect login links to the active account with the same email (ProConnect gives only
verified addresses), then the link holds by `sub`; without an account, the registration starts
at step 1 with the email and SIRET ProConnect gives.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from choeur.accounts.models import User
from choeur.core.audit import audit_log_write

TIMEOUT = 5.0
DISCOVERY_SECONDS = 3600
# The login attempt (state, nonce, verifier) lasts this long in the session.
ATTEMPT_SECONDS = 600
LEEWAY_SECONDS = 30


class ProConnectRefused(Exception):
    """A refused answer of the provider, with a message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


UNAVAILABLE = "ProConnect ne répond pas pour le moment : réessayez plus tard, ou connectez-vous avec votre adresse et votre mot de passe."
REFUSED = "La connexion par ProConnect n'a pas abouti (réponse refusée) : recommencez depuis la page de connexion."


def enabled() -> bool:
    return bool(
        settings.PROCONNECT_ISSUER
        and settings.PROCONNECT_CLIENT_ID
        and settings.PROCONNECT_CLIENT_SECRET
    )


def _get_json(url: str, **kwargs: Any) -> Any:
    try:
        response = requests.get(url, timeout=TIMEOUT, **kwargs)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProConnectRefused(UNAVAILABLE) from exc


def discovery() -> dict[str, Any]:
    issuer = str(settings.PROCONNECT_ISSUER).rstrip("/")
    key = f"proconnect-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        document = _get_json(f"{issuer}/.well-known/openid-configuration")
        if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
            raise ProConnectRefused(UNAVAILABLE)
        cache.set(key, document, DISCOVERY_SECONDS)
    return dict(document)


def _keys(document: dict[str, Any]) -> KeySet:
    jwks = _get_json(str(document["jwks_uri"]))
    try:
        return KeySet.import_key_set(jwks)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProConnectRefused(UNAVAILABLE) from exc


@dataclass(frozen=True)
class Attempt:
    url: str  # where the browser goes: the provider's authorisation endpoint
    session: dict[str, Any]  # what the callback needs back: state, nonce, PKCE verifier


def attempt_start(*, redirect_uri: str, next_url: str = "") -> Attempt:
    document = discovery()
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = generate_token(64)
    query = {
        "response_type": "code",
        "client_id": settings.PROCONNECT_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": settings.PROCONNECT_SCOPES,
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
        "acr_values": settings.PROCONNECT_ACR_VALUES,
    }
    url = f"{document['authorization_endpoint']}?{urlencode(query)}"
    return Attempt(
        url=url,
        session={
            "state": state,
            "nonce": nonce,
            "verifier": verifier,
            "redirect_uri": redirect_uri,
            "next": next_url,
            "at": time.time(),
        },
    )


@dataclass(frozen=True)
class Identity:
    sub: str
    email: str
    siret: str
    given_name: str
    usual_name: str


def _decode(token: str, keys: KeySet, **expected: Any) -> dict[str, Any]:
    try:
        decoded = jwt.decode(token, keys, algorithms=["RS256", "ES256", "PS256"])
        jwt.JWTClaimsRegistry(leeway=LEEWAY_SECONDS, **expected).validate(decoded.claims)
    except (JoseError, ValueError, TypeError) as exc:
        raise ProConnectRefused(REFUSED) from exc
    return dict(decoded.claims)


def identity_from_callback(*, attempt: Any, query: dict[str, str]) -> Identity:
    """The code of the provider's redirect, exchanged and checked; or ProConnectRefused."""
    if not isinstance(attempt, dict) or time.time() - float(attempt.get("at", 0)) > ATTEMPT_SECONDS:
        raise ProConnectRefused(REFUSED)
    if query.get("error"):
        raise ProConnectRefused(
            "ProConnect n'a pas confirmé votre identité : recommencez, ou connectez-vous avec "
            "votre adresse et votre mot de passe."
        )
    state, code = query.get("state", ""), query.get("code", "")
    if not code or not secrets.compare_digest(state, str(attempt.get("state", ""))):
        raise ProConnectRefused(REFUSED)
    document = discovery()
    issuer = str(document["issuer"])
    client = OAuth2Session(
        client_id=settings.PROCONNECT_CLIENT_ID,
        client_secret=settings.PROCONNECT_CLIENT_SECRET,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method's name
        redirect_uri=attempt["redirect_uri"],
    )
    try:
        token = client.fetch_token(
            document["token_endpoint"],
            code=code,
            code_verifier=attempt["verifier"],
            timeout=TIMEOUT,
        )
    except Exception as exc:  # noqa: BLE001 - Authlib raises several kinds; all mean « refused »
        raise ProConnectRefused(REFUSED) from exc
    keys = _keys(document)
    claims = _decode(
        str(token.get("id_token", "")),
        keys,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": settings.PROCONNECT_CLIENT_ID},
        nonce={"essential": True, "value": attempt["nonce"]},
        exp={"essential": True},
        sub={"essential": True},
    )
    info = _userinfo(document, str(token.get("access_token", "")), keys, issuer)
    if info.get("sub") != claims["sub"]:
        raise ProConnectRefused(REFUSED)
    email = str(info.get("email") or "").strip().lower()
    if not email:
        raise ProConnectRefused(
            "ProConnect n'a pas transmis votre adresse électronique : la connexion est impossible."
        )
    return Identity(
        sub=str(claims["sub"]),
        email=email,
        siret=str(info.get("siret") or "").replace(" ", ""),
        given_name=str(info.get("given_name") or ""),
        usual_name=str(info.get("usual_name") or ""),
    )


def _userinfo(document: dict[str, Any], access_token: str, keys: KeySet, issuer: str) -> Any:
    try:
        response = requests.get(
            str(document["userinfo_endpoint"]),
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=TIMEOUT,
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        raise ProConnectRefused(UNAVAILABLE) from exc
    if response.headers.get("Content-Type", "").startswith("application/jwt"):
        return _decode(
            response.text.strip(),
            keys,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": settings.PROCONNECT_CLIENT_ID},
        )
    try:
        return response.json()
    except ValueError as exc:
        raise ProConnectRefused(REFUSED) from exc


def account_for(identity: Identity) -> User | None:
    """The account of this identity: linked by `sub`, or the first time by its email."""
    with transaction.atomic():
        linked = User.objects.filter(proconnect_sub=identity.sub).first()
        if linked is not None:
            return linked if linked.is_active and not linked.is_technical else None
        user = (
            User.objects.select_for_update()
            .filter(email__iexact=identity.email, is_active=True, is_technical=False)
            .first()
        )
        if user is None:
            return None
        if user.proconnect_sub and user.proconnect_sub != identity.sub:
            return None
        user.proconnect_sub = identity.sub
        user.save(update_fields=["proconnect_sub"])
        audit_log_write(
            actor=user, action="account.proconnect_linked", obj=user, after={"sub": identity.sub}
        )
        return user
