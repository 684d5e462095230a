"""A fake API Sirene 3.11 on 127.0.0.1 (random port), answering the real JSON shapes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "cle-de-test"


def etablissement_json(siret: str, *, etat: str = "A", diffusion: str = "O") -> dict[str, Any]:
    return {
        "siren": siret[:9],
        "nic": siret[9:],
        "siret": siret,
        "statutDiffusionEtablissement": diffusion,
        "dateCreationEtablissement": "2018-09-01",
        "etablissementSiege": True,
        "uniteLegale": {
            "etatAdministratifUniteLegale": "A",
            "statutDiffusionUniteLegale": diffusion,
            "denominationUniteLegale": "SOCIETE DE L'API",
            "nomUniteLegale": None,
            "nomUsageUniteLegale": None,
            "prenom1UniteLegale": None,
            "categorieJuridiqueUniteLegale": "5710",
            "activitePrincipaleUniteLegale": "62.01Z",
        },
        "adresseEtablissement": {
            "complementAdresseEtablissement": None,
            "numeroVoieEtablissement": "4" if diffusion == "O" else "[ND]",
            "indiceRepetitionEtablissement": "B" if diffusion == "O" else "[ND]",
            "typeVoieEtablissement": "AV" if diffusion == "O" else "[ND]",
            "libelleVoieEtablissement": "DE LA REPUBLIQUE" if diffusion == "O" else "[ND]",
            "codePostalEtablissement": "69003" if diffusion == "O" else "[ND]",
            "libelleCommuneEtablissement": "LYON" if diffusion == "O" else "[ND]",
            "codeCommuneEtablissement": "69383",
        },
        "periodesEtablissement": [
            {
                "dateFin": None,
                "dateDebut": "2020-01-01",
                "etatAdministratifEtablissement": etat,
                "enseigne1Etablissement": "API & CO",
                "denominationUsuelleEtablissement": None,
                "activitePrincipaleEtablissement": "62.01Z",
            },
            {
                "dateFin": "2019-12-31",
                "dateDebut": "2018-09-01",
                "etatAdministratifEtablissement": "F" if etat == "A" else "A",
                "enseigne1Etablissement": None,
                "denominationUsuelleEtablissement": None,
                "activitePrincipaleEtablissement": "70.22Z",
            },
        ],
    }


def unite_legale_json(siren: str) -> dict[str, Any]:
    return {
        "siren": siren,
        "statutDiffusionUniteLegale": "O",
        "prenom1UniteLegale": None,
        "periodesUniteLegale": [
            {
                "dateFin": None,
                "etatAdministratifUniteLegale": "A",
                "nomUniteLegale": None,
                "nomUsageUniteLegale": None,
                "denominationUniteLegale": "SOCIETE DE L'API",
                "categorieJuridiqueUniteLegale": "5710",
                "activitePrincipaleUniteLegale": "62.01Z",
            }
        ],
    }


@dataclass
class FakeInsee:
    url: str = ""
    # siret/siren -> (status, body) override; default: found
    answers: dict[str, tuple[int, Any]] = field(default_factory=dict)
    delay: float = 0.0
    requests: list[tuple[str, str | None]] = field(default_factory=list)


def _make_handler(fake: FakeInsee) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            fake.requests.append((self.path, self.headers.get("X-INSEE-Api-Key-Integration")))
            if fake.delay:
                time.sleep(fake.delay)
            parts = self.path.strip("/").split("/")
            kind, identifier = parts[-2], parts[-1]
            if self.headers.get("X-INSEE-Api-Key-Integration") != KEY:
                status, body = 401, {"fault": {"code": 900901, "message": "Invalid Credentials",
                                               "description": "Invalid Credentials. Make sure you have provided the correct security credentials"}}  # fmt: skip
            elif identifier in fake.answers:
                status, body = fake.answers[identifier]
            elif kind == "siret":
                status, body = 200, {"header": {"statut": 200, "message": "OK"},
                                     "etablissement": etablissement_json(identifier)}  # fmt: skip
            else:
                status, body = 200, {"header": {"statut": 200, "message": "OK"},
                                     "uniteLegale": unite_legale_json(identifier)}  # fmt: skip
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def fake_insee() -> Iterator[FakeInsee]:
    fake = FakeInsee()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api-sirene/3.11"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


NOT_FOUND = (
    404,
    {"header": {"statut": 404, "message": "Aucun élément trouvé pour le siret 84211943000010"}},
)
FORBIDDEN = (
    403,
    {"header": {"statut": 403, "message": "Établissement non diffusable ou plus diffusé"}},
)
THROTTLED = (429, {"fault": {"code": 900804, "message": "Message throttled out",
                             "description": "You have exceeded your quota"}})  # fmt: skip
SERVER_ERROR = (500, {"header": {"statut": 500, "message": "Erreur interne du serveur"}})
