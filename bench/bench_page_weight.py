"""Weight of the main pages as a browser on an ADSL line receives them (compressed).

Counts the HTML and every stylesheet, script and font it loads from our static files, raw
and compressed (gzip level 9, brotli, as collectstatic precomputes them for WhiteNoise).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
from django.contrib.staticfiles import finders
from django.test import Client
from django.test.utils import override_settings

PAGES = {"accueil": "/", "connexion": "/compte/connexion/"}
# `nomodule` scripts are skipped by every browser that runs modules: not counted.
ASSET = re.compile(r'<(?:link|script)(?![^>]*\bnomodule\b)[^>]*?(?:href|src)="/static/([^"?#]+)"')
FONT = re.compile(r"url\(([^)]+\.woff2)\)")


def _sizes(data: bytes) -> tuple[int, int, int]:
    return len(data), len(gzip.compress(data, 9)), len(brotli.compress(data))


def _fonts(css_path: str, css: bytes) -> list[str]:
    # The DSFR loads the regular and bold Marianne for ordinary text pages.
    base = Path(css_path).parent
    names = [m.strip("'\"") for m in FONT.findall(css.decode("utf-8", "replace"))]
    wanted = [n for n in names if "Marianne-Regular.woff2" in n or "Marianne-Bold.woff2" in n]
    return [str(base / n).replace("\\", "/") for n in dict.fromkeys(wanted)]


def run() -> list[dict[str, str]]:
    rows = []
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        client = Client()
        for name, url in PAGES.items():
            html = client.get(url).content
            total = list(_sizes(html))
            rows.append(
                {
                    "benchmark": "page weight",
                    "measure": f"{name}: HTML alone (repeat visit, assets cached) gzip",
                    "value": f"{total[1] / 1024:.1f} KiB",
                }
            )
            assets = [
                a
                for a in ASSET.findall(html.decode())
                if not a.endswith((".png", ".ico", ".svg", ".webmanifest"))
            ]
            for asset in list(assets):
                if asset.endswith(".css"):
                    found = finders.find(asset)
                    if found:
                        assets += [_normalise(f) for f in _fonts(asset, Path(found).read_bytes())]
            for asset in dict.fromkeys(assets):
                found = finders.find(asset)
                if not found:
                    continue
                data = Path(found).read_bytes()
                raw, gz, br = _sizes(data)
                if asset.endswith(".woff2"):
                    gz = br = raw  # already compressed
                total[0] += raw
                total[1] += gz
                total[2] += br
            rows.append(
                {
                    "benchmark": "page weight",
                    "measure": f"{name} ({url}) raw / gzip / brotli",
                    "value": f"{total[0] / 1024:.0f} / {total[1] / 1024:.0f} / {total[2] / 1024:.0f} KiB",
                }
            )
            rows.append(
                {
                    "benchmark": "page weight",
                    "measure": f"{name} on 1 Mbit/s ADSL (brotli)",
                    "value": f"{total[2] * 8 / 1_000_000:.2f} s",
                }
            )
    return rows


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)
