"""The webhook signature of XP Z12-013 (createWebhook): the body is the `Flow` as JSON; a
SHA-256 fingerprint of « body @ epoch seconds » (hexadecimal) is signed by HMAC-SHA-256 with
the subscription's signing key (the key's bytes, given in base 64 at creation), the signature
sent in base 64 in `Afnor-Signature`, the epoch in `Afnor-Signature-Timestamp`.

Called by `choeur.notifications.webhooks` when it sends a delivery of a Flow Service
subscription; everything else about the delivery (SSRF guard, retries, log) is that module's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def signing_key(secret_hex: str) -> str:
    """The `signingKey` of the document: the endpoint's 256-bit secret, base 64."""
    return base64.b64encode(bytes.fromhex(secret_hex)).decode()


def afnor_signature(*, secret_hex: str, timestamp: int, body: bytes) -> str:
    fingerprint = hashlib.sha256(body + b"@" + str(timestamp).encode()).hexdigest()
    mac = hmac.new(bytes.fromhex(secret_hex), fingerprint.encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def afnor_signed(*, secret_hex: str, payload: Any, timestamp: int) -> tuple[bytes, dict[str, str]]:
    """(body, signature headers) of one delivery."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return body, {
        "Afnor-Signature": afnor_signature(secret_hex=secret_hex, timestamp=timestamp, body=body),
        "Afnor-Signature-Timestamp": str(timestamp),
    }
