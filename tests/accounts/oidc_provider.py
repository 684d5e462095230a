"""A small OpenID Connect provider on 127.0.0.1, as ProConnect behaves (issue 16): discovery,
authorisation (code + PKCE S256), token (client_secret_post), keys, and a userinfo answer signed
as a JWT. Tests decide who logs in and how the provider misbehaves."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "choeur-tests"
CLIENT_SECRET = "secret-des-tests"  # noqa: S105 - a test provider's client secret


@dataclass
class Provider:
    url: str = ""
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
    )
    # Who the next login is.
    claims: dict[str, Any] = field(default_factory=dict)
    # Misbehaviours: a wrong nonce, an expired ID token, another audience.
    wrong_nonce: bool = False
    expired: bool = False
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)

    def authorize(self, query: dict[str, str]) -> str:
        """The redirect back to the client, with a fresh code (as after a successful login)."""
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = dict(query)
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        request = self.codes.pop(form.get("code", ""), None)
        if request is None or form.get("client_secret") != CLIENT_SECRET:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != request["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        if form.get("redirect_uri") != request["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        id_claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": self.claims["sub"],
            "iat": now - (7200 if self.expired else 0),
            "exp": now + (-3600 if self.expired else 60),
            "nonce": "autre" if self.wrong_nonce else request["nonce"],
        }
        access = secrets.token_urlsafe(16)
        self.tokens[access] = dict(self.claims)
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 60,
            "id_token": self.sign(id_claims),
        }

    def userinfo(self, authorization: str) -> str | None:
        claims = self.tokens.get(authorization.removeprefix("Bearer "))
        if claims is None:
            return None
        return self.sign({"iss": self.url, "aud": CLIENT_ID, **claims})


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                self._json(
                    200,
                    {
                        "issuer": provider.url,
                        "authorization_endpoint": f"{provider.url}/authorize",
                        "token_endpoint": f"{provider.url}/token",
                        "userinfo_endpoint": f"{provider.url}/userinfo",
                        "jwks_uri": f"{provider.url}/jwks",
                    },
                )
            elif parts.path == "/jwks":
                self._json(200, {"keys": [provider.key.as_dict(private=False)]})
            elif parts.path == "/authorize":
                self._send(302, b"", "text/plain", Location=provider.authorize(query))
            elif parts.path == "/userinfo":
                signed = provider.userinfo(self.headers.get("Authorization", ""))
                if signed is None:
                    self._json(401, {"error": "invalid_token"})
                else:
                    self._send(200, signed.encode(), "application/jwt")
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                status, data = provider.token(form)
                self._json(status, data)
            else:
                self._json(404, {"error": "not_found"})

    return Handler


@contextmanager
def running() -> Iterator[Provider]:
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
