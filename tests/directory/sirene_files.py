"""Helpers writing small Sirene stock files as the INSEE publishes them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

ETAB_HEADER = [
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "etablissementSiege", "enseigne1Etablissement",
    "denominationUsuelleEtablissement", "complementAdresseEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement", "typeVoieEtablissement",
    "libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement",
    "codeCommuneEtablissement", "etatAdministratifEtablissement",
    "activitePrincipaleEtablissement", "colonneAjouteeEn2030",
]  # fmt: skip

UL_HEADER = [
    "siren", "statutDiffusionUniteLegale", "dateCreationUniteLegale", "sigleUniteLegale",
    "prenom1UniteLegale", "nomUniteLegale", "nomUsageUniteLegale", "denominationUniteLegale",
    "etatAdministratifUniteLegale", "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
]  # fmt: skip


def etab_row(siret: str, **overrides: str) -> list[str]:
    values = {
        "siren": siret[:9],
        "nic": siret[9:],
        "siret": siret,
        "statutDiffusionEtablissement": "O",
        "dateCreationEtablissement": "2018-09-01",
        "trancheEffectifsEtablissement": "03",
        "etablissementSiege": "true",
        "enseigne1Etablissement": "",
        "denominationUsuelleEtablissement": "",
        "complementAdresseEtablissement": "",
        "numeroVoieEtablissement": "12",
        "indiceRepetitionEtablissement": "",
        "typeVoieEtablissement": "RUE",
        "libelleVoieEtablissement": "DES LILAS",
        "codePostalEtablissement": "75011",
        "libelleCommuneEtablissement": "PARIS 11",
        "codeCommuneEtablissement": "75111",
        "etatAdministratifEtablissement": "A",
        "activitePrincipaleEtablissement": "43.32A",
        "colonneAjouteeEn2030": "x",
    }
    values.update(overrides)
    return [values[h] for h in ETAB_HEADER]


def ul_row(siren: str, **overrides: str) -> list[str]:
    values = {
        "siren": siren,
        "statutDiffusionUniteLegale": "O",
        "dateCreationUniteLegale": "2018-09-01",
        "sigleUniteLegale": "",
        "prenom1UniteLegale": "",
        "nomUniteLegale": "",
        "nomUsageUniteLegale": "",
        "denominationUniteLegale": "MENUISERIE DUPONT ET FILS",
        "etatAdministratifUniteLegale": "A",
        "categorieJuridiqueUniteLegale": "5499",
        "activitePrincipaleUniteLegale": "43.32A",
    }
    values.update(overrides)
    return [values[h] for h in UL_HEADER]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path
