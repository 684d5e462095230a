"""The shipped nginx configuration (deploy/nginx.conf) in front of the API: a 120 MB file, once in
base 64 inside JSON, goes through to the application; a larger body, or an application that
does not answer, gets the JSON envelope from nginx itself, never its HTML pages.

The first test reads the configuration; the second runs it (nginx on 127.0.0.1, the
configuration templated to a temporary directory, a local upstream standing in for gunicorn)
wherever nginx is installed, as in CI (.ci/run installs it).
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from choeur.api.views.base import API_BODY_MAX_BYTES

CONF = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
API_PREFIXES = ("/cpro/", "/api/")


def _size(text: str) -> int:
    found = re.fullmatch(r"(\d+)([kmg]?)", text.strip().lower())
    assert found, text
    return int(found.group(1)) * UNITS[found.group(2)]


def _location(conf: str, prefix: str) -> str:
    found = re.search(r"location\s+" + re.escape(prefix) + r"\s*\{([^}]*)\}", conf)
    assert found, f"no location {prefix} in {CONF}"
    return found.group(1)


def _named_location(conf: str, name: str) -> str:
    found = re.search(r"location\s+" + re.escape(name) + r"\s*\{(.*?)\n\s*\}", conf, re.S)
    assert found, f"no location {name} in {CONF}"
    return found.group(1)


def test_the_body_limit_lets_a_full_deposit_through_and_413_is_json() -> None:
    conf = CONF.read_text()
    limits = [_size(v) for v in re.findall(r"client_max_body_size\s+([^;]+);", conf)]
    assert limits, "client_max_body_size must be set (nginx's default is 1 MB)"
    # The largest file (UPLOAD_MAX_MB) in base 64 and its JSON: the application's own limit,
    # above which it answers 20003 itself. nginx must let at least that much through.
    assert settings.UPLOAD_MAX_BYTES * 4 / 3 < API_BODY_MAX_BYTES
    assert min(limits) >= API_BODY_MAX_BYTES, (min(limits), API_BODY_MAX_BYTES)
    for prefix in API_PREFIXES:
        block = _location(conf, prefix)
        page = re.search(r"error_page\s+413\s+(@\w+);", block)
        assert page, f"location {prefix}: no JSON page for 413"
        answer = re.search(r"return\s+413\s+'(.*)';", _named_location(conf, page.group(1)))
        assert answer, "the 413 page must answer 413 with a body"
        body = json.loads(answer.group(1))
        assert body["codeRetour"] == 20003 and "volumineuse" in body["libelle"]
        assert re.search(r"error_page\s+502 503 504\s+=503\s+@\w+;", block)


# --- the configuration, running -------------------------------------------------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


class _Upstream(BaseHTTPRequestHandler):
    """Stands in for gunicorn: reads the whole body and answers how many bytes it got."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        remaining = int(self.headers.get("Content-Length") or 0)
        received = 0
        while remaining:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            received += len(chunk)
            remaining -= len(chunk)
        payload = json.dumps({"codeRetour": 0, "libelle": "TRA_MSG_00.000", "recu": received})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _templated(conf: str, port: int, redirect_port: int, upstream: int, tmp: Path) -> str:
    """The shipped server blocks, listening on local ports without TLS, proxying to `upstream`,
    inside a minimal main configuration that keeps everything in `tmp`."""
    replacements = [
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{port};"),
        (r"listen 80;", f"listen 127.0.0.1:{redirect_port};"),
        (r"\s*ssl_certificate(_key)?\s+[^;]+;", ""),
        (r"http://127\.0\.0\.1:8000", f"http://127.0.0.1:{upstream}"),
    ]
    for pattern, replacement in replacements:
        conf, count = re.subn(pattern, replacement, conf)
        assert count, f"{pattern} not found in {CONF}: update this test's template"
    temp = "\n".join(
        f"  {kind}_temp_path {tmp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\nmaster_process off;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  access_log off;\n{temp}\n{conf}\n}}\n"
    )


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[int, ThreadingHTTPServer]]:
    if NGINX is None:
        pytest.skip("nginx is not installed here (CI installs it: .ci/run)")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        _templated(CONF.read_text(), port, _free_port(), upstream.server_address[1], tmp_path)
    )
    process = subprocess.Popen(  # noqa: S603 - our own binary and configuration
        [NGINX, "-p", str(tmp_path), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    log = tmp_path / "error.log"
                    raise AssertionError(
                        f"nginx did not start: {error} {log.read_text() if log.exists() else ''}"
                    ) from None
                time.sleep(0.1)
        yield port, upstream
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
        upstream.shutdown()
        upstream.server_close()


Answer = tuple[int, dict[str, str], bytes]


def _headers_only(port: int, path: str, length: int) -> Answer:
    """A request announcing `length` bytes of body, and sending none: nginx answers 413 on the
    Content-Length alone, without reading a byte of it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _post(port: int, path: str, body: Any, length: int) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", "Content-Length": str(length)},
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_through_nginx_a_120_mb_deposit_passes_and_a_larger_body_gets_json(
    proxy: tuple[int, ThreadingHTTPServer],
) -> None:
    port, upstream = proxy
    too_large = API_BODY_MAX_BYTES + 20 * 1024 * 1024
    for path in ("/cpro/factures/v1/deposer/flux", "/api/oauth/token"):
        status, headers, raw = _headers_only(port, path, too_large)
        assert status == 413
        assert headers["Content-Type"].startswith("application/json")
        body = json.loads(raw)
        assert body["codeRetour"] == 20003
        assert body["libelle"].startswith("Requête trop volumineuse")

    # A file of UPLOAD_MAX_MB in base 64 (4/3 larger) in its JSON, generated as it is sent.
    head = b'{"nomFichier": "facture.pdf", "syntaxeFlux": "IN_DP_E2_CII_FACTURX", "fichierFlux": "'
    tail = b'"}'
    encoded = (settings.UPLOAD_MAX_BYTES + 2) // 3 * 4
    chunk = b"QUJD" * (256 * 1024)  # 1 MiB of valid base 64

    def generated() -> Iterator[bytes]:
        yield head
        left = encoded
        while left:
            piece = chunk[: min(left, len(chunk))]
            left -= len(piece)
            yield piece
        yield tail

    total = len(head) + encoded + len(tail)
    assert total > 160 * 1024 * 1024
    status, _headers, raw = _post(port, "/cpro/factures/v1/deposer/flux", generated(), total)
    assert status == 200
    assert json.loads(raw)["recu"] == total

    # The application down: nginx's 502 becomes the JSON envelope, 503 with Retry-After.
    upstream.shutdown()
    upstream.server_close()
    status, headers, raw = _post(port, "/cpro/transverses/v1/recuperer/devises", b"{}", 2)
    assert status == 503
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Retry-After"] == "30"
    assert json.loads(raw)["codeRetour"] == 503
