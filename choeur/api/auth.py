"""API authentication as on the real platform: an OAuth2 bearer token (client credentials)
AND the `cpro-account` header, base64("<login>:<password>") of a structure's technical account.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.request import Request

MISSING_ACCOUNT = (
    "En-tête cpro-account absent : indiquez base64(« login:mot de passe ») du compte technique."
)
BAD_ACCOUNT = "Identifiant ou mot de passe du compte technique (en-tête cpro-account) incorrect."
EXPIRED_ACCOUNT = (
    "Le mot de passe du compte technique a expiré : le gestionnaire principal de la structure "
    "doit le renouveler."
)
WRONG_APPLICATION = "Ce compte technique n'est pas rattaché à l'application OAuth2 utilisée."
BAD_TOKEN = "Jeton d'accès OAuth2 absent, invalide ou expiré."  # noqa: S105 - a message, not a secret


def decode_cpro_account(header: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    login, sep, password = decoded.partition(":")
    if not sep or not login:
        return None
    return login, password


# A technical account's password is an Argon2 hash (about 0.3 s of CPU to check, on purpose): an
# ERP sends it with every call, so a successful check is remembered for the token's lifetime
# (at most an hour) under a keyed HMAC of (token, account, its current hash, the header). A new
# token, a changed password or another header is checked again; nothing guessable is stored.
PROOF_MAX_SECONDS = 3600


def _proof_key(user: Any, *, token: Any, header: str) -> str:
    proof = salted_hmac(
        "choeur.api.cpro-account",
        f"{token.pk}:{user.pk}:{user.password}:{header}",
        algorithm="sha256",
    ).hexdigest()
    return f"cpro-account-proof:{proof}"


def _password_ok(user: Any, password: str, *, token: Any, header: str) -> bool:
    if cache.get(_proof_key(user, token=token, header=header)):
        return True
    if not user.check_password(password):
        return False
    remaining = int((token.expires - timezone.now()).total_seconds()) if token.expires else 0
    if remaining > 0:
        # check_password may have upgraded the hash: the proof is taken over the stored one.
        user.refresh_from_db(fields=["password"])
        cache.set(
            _proof_key(user, token=token, header=header), True, min(remaining, PROOF_MAX_SECONDS)
        )
    return True


class CproAccountAuthentication(OAuth2Authentication):  # type: ignore[misc]
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        _token_user, token = result
        header = request.headers.get("cpro-account")
        if not header:
            raise exceptions.AuthenticationFailed(MISSING_ACCOUNT)
        credentials = decode_cpro_account(header)
        if credentials is None:
            raise exceptions.AuthenticationFailed(BAD_ACCOUNT)
        login, password = credentials
        user = (
            get_user_model()
            .objects.filter(email__iexact=login, is_technical=True, is_active=True)
            .first()
        )
        if user is None or not _password_ok(user, password, token=token, header=header):
            raise exceptions.AuthenticationFailed(BAD_ACCOUNT)
        account = getattr(user, "technical_account", None)
        if account is None or not account.is_active:
            raise exceptions.AuthenticationFailed(BAD_ACCOUNT)
        if account.is_expired:
            raise exceptions.AuthenticationFailed(EXPIRED_ACCOUNT)
        if token.application_id != account.application_id:
            raise exceptions.AuthenticationFailed(WRONG_APPLICATION)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
