"""`transverses/v1/telecharger/annuaire/destinataire`: the directory of public structures, as the
web page's download and `manage.py export_annuaire` write it (reference F), in one zip.

The real platform answers a zip in base 64 (the GO fixture's `fichierResultat` starts with
« UEsDB », a zip's « PK\\x03\\x04 »); the files inside are the two CSV files of docs/annuaire.md.
"""

from __future__ import annotations

import base64
import io
import zipfile

from rest_framework.request import Request
from rest_framework.response import Response

from choeur.api.envelope import LIBELLE_OK_REFERENTIEL, ok
from choeur.api.payload import body
from choeur.api.views.base import CproView
from choeur.structures.annuaire import export_services, export_structures

STRUCTURES_FILE = "annuaire-structures-publiques.csv"
SERVICES_FILE = "annuaire-services.csv"


def annuaire_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, export in (
            (STRUCTURES_FILE, export_structures),
            (SERVICES_FILE, export_services),
        ):
            with (
                archive.open(name, "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as out,
            ):
                export(out)
    return buffer.getvalue()


class TelechargerAnnuaireDestinataire(CproView):
    def post(self, request: Request) -> Response:
        body(request)  # `{}` (PKG, GO) or nothing; anything else is a malformed request
        return ok(
            LIBELLE_OK_REFERENTIEL,
            fichierResultat=base64.b64encode(annuaire_zip()).decode(),
        )
