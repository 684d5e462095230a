"""Reads of the Sirene reference: lookups (live INSEE API, else the local base). Used by
registration (prefill) and by the structures' directory (choeur.structures.annuaire_selectors).
This package knows no accounts and no structures (tests/directory/test_layout.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from choeur.directory import insee
from choeur.directory.identifiers import compact, siren_is_valid, siret_is_valid
from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.text import prefix_upper_bound, search_key

logger = logging.getLogger(__name__)

# Abbreviations of typeVoieEtablissement, spelt out in addresses shown to users.
TYPES_VOIE = {
    "ALL": "ALLÉE",
    "AV": "AVENUE",
    "BD": "BOULEVARD",
    "CHE": "CHEMIN",
    "CRS": "COURS",
    "IMP": "IMPASSE",
    "PL": "PLACE",
    "QUAI": "QUAI",
    "RTE": "ROUTE",
    "RUE": "RUE",
    "SQ": "SQUARE",
    "ZA": "ZA",
    "ZI": "ZI",
}


@dataclass(frozen=True)
class EtablissementInfo:
    """What the platform needs to know about an établissement. `source`: "insee" or "local"."""

    siret: str
    siren: str
    raison_sociale: str
    enseigne: str
    adresse: str  # number, type and name of the street
    complement_adresse: str
    code_postal: str
    ville: str
    is_active: bool
    non_diffusible: bool
    is_siege: bool
    naf: str
    categorie_juridique: str
    source: str

    @property
    def address_lines(self) -> list[str]:
        lines = [self.adresse, self.complement_adresse, f"{self.code_postal} {self.ville}".strip()]
        return [line for line in lines if line]


def _name(denomination: str, nom: str, nom_usage: str, prenom: str) -> str:
    if denomination:
        return denomination
    return " ".join(part for part in (nom_usage or nom, prenom) if part)


def _street(numero: str, indice: str, type_voie: str, libelle: str) -> str:
    number = f"{numero}{' ' + indice if indice else ''}"
    kind = TYPES_VOIE.get(type_voie, type_voie)
    return " ".join(part for part in (number, kind, libelle) if part)


def _clean(value: Any) -> str:
    """API values: None and the `[ND]` mask become empty strings."""
    if value is None or value == "[ND]":
        return ""
    return str(value).strip()


def _from_api(data: dict[str, Any]) -> EtablissementInfo:
    unite = data.get("uniteLegale") or {}
    address = data.get("adresseEtablissement") or {}
    period = insee.current_period(data.get("periodesEtablissement"))
    non_diffusible = _clean(data.get("statutDiffusionEtablissement")) in {"P", "N"}
    if non_diffusible:
        address = {}
    return EtablissementInfo(
        siret=_clean(data.get("siret")),
        siren=_clean(data.get("siren")),
        raison_sociale=_name(
            _clean(unite.get("denominationUniteLegale")),
            _clean(unite.get("nomUniteLegale")),
            _clean(unite.get("nomUsageUniteLegale")),
            _clean(unite.get("prenom1UniteLegale")),
        )
        or _clean(period.get("denominationUsuelleEtablissement")),
        enseigne=_clean(period.get("enseigne1Etablissement")),
        adresse=_street(
            _clean(address.get("numeroVoieEtablissement")),
            _clean(address.get("indiceRepetitionEtablissement")),
            _clean(address.get("typeVoieEtablissement")),
            _clean(address.get("libelleVoieEtablissement")),
        ),
        complement_adresse=_clean(address.get("complementAdresseEtablissement")),
        code_postal=_clean(address.get("codePostalEtablissement")),
        ville=_clean(address.get("libelleCommuneEtablissement")),
        is_active=_clean(period.get("etatAdministratifEtablissement")) == "A",
        non_diffusible=non_diffusible,
        is_siege=bool(data.get("etablissementSiege")),
        naf=_clean(period.get("activitePrincipaleEtablissement")),
        categorie_juridique=_clean(unite.get("categorieJuridiqueUniteLegale")),
        source="insee",
    )


def _from_local(etab: Etablissement, unite: UniteLegale | None) -> EtablissementInfo:
    non_diffusible = etab.statut_diffusion in {"P", "N"}
    return EtablissementInfo(
        siret=etab.siret,
        siren=etab.siren,
        raison_sociale=(unite.raison_sociale if unite else "") or etab.denomination_usuelle,
        enseigne=etab.enseigne,
        adresse=""
        if non_diffusible
        else _street(etab.numero_voie, etab.indice_repetition, etab.type_voie, etab.libelle_voie),
        complement_adresse="" if non_diffusible else etab.complement_adresse,
        code_postal="" if non_diffusible else etab.code_postal,
        ville="" if non_diffusible else etab.libelle_commune,
        is_active=etab.etat_administratif == "A",
        non_diffusible=non_diffusible,
        is_siege=etab.is_siege,
        naf=etab.activite_principale,
        categorie_juridique=unite.categorie_juridique if unite else "",
        source="local",
    )


def etablissement_get_local(siret: str) -> EtablissementInfo | None:
    etab = Etablissement.objects.filter(pk=siret).first()
    if etab is None:
        return None
    return _from_local(etab, UniteLegale.objects.filter(pk=etab.siren).first())


def etablissement_get(siret: str) -> EtablissementInfo | None:
    """The établissement `siret`: from the live INSEE API when a key is configured, else (or
    when the API cannot answer) from the local Sirene base. None if unknown or malformed."""
    siret = compact(siret)
    if not siret_is_valid(siret):
        return None
    if insee.is_configured():
        try:
            return _from_api(insee.fetch_siret(siret).data)
        except insee.InseeNotFound as exc:
            logger.info("INSEE: SIRET %s inconnu (%s), base locale consultée", siret, exc)
        except insee.InseeUnavailable as exc:
            logger.warning("INSEE indisponible pour %s : %s ; base locale consultée", siret, exc)
    return etablissement_get_local(siret)


@dataclass(frozen=True)
class UniteLegaleInfo:
    siren: str
    raison_sociale: str
    is_active: bool
    non_diffusible: bool
    categorie_juridique: str
    naf: str
    source: str


def unite_legale_get(siren: str) -> UniteLegaleInfo | None:
    """The unité légale `siren` (live API when configured, else the local base)."""
    siren = compact(siren)
    if not siren_is_valid(siren):
        return None
    if insee.is_configured():
        try:
            data = insee.fetch_siren(siren).data
        except insee.InseeNotFound as exc:
            logger.info("INSEE: SIREN %s inconnu (%s), base locale consultée", siren, exc)
        except insee.InseeUnavailable as exc:
            logger.warning("INSEE indisponible pour %s : %s ; base locale consultée", siren, exc)
        else:
            period = insee.current_period(data.get("periodesUniteLegale"))
            return UniteLegaleInfo(
                siren=_clean(data.get("siren")),
                raison_sociale=_name(
                    _clean(period.get("denominationUniteLegale")),
                    _clean(period.get("nomUniteLegale")),
                    _clean(period.get("nomUsageUniteLegale")),
                    _clean(data.get("prenom1UniteLegale")),
                ),
                is_active=_clean(period.get("etatAdministratifUniteLegale")) == "A",
                non_diffusible=_clean(data.get("statutDiffusionUniteLegale")) in {"P", "N"},
                categorie_juridique=_clean(period.get("categorieJuridiqueUniteLegale")),
                naf=_clean(period.get("activitePrincipaleUniteLegale")),
                source="insee",
            )
    unite = UniteLegale.objects.filter(pk=siren).first()
    if unite is None:
        return None
    return UniteLegaleInfo(
        siren=unite.siren,
        raison_sociale=unite.raison_sociale,
        is_active=unite.etat_administratif == "A",
        non_diffusible=unite.statut_diffusion in {"P", "N"},
        categorie_juridique=unite.categorie_juridique,
        naf=unite.activite_principale,
        source="local",
    )


def _prefix(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as an index range scan on every database (SQLite's LIKE is
    case-insensitive and cannot use a plain index)."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix_upper_bound(prefix)})


def etablissement_search(query: str, *, limit: int = 20) -> list[EtablissementInfo]:
    """Établissements of the local base by SIRET/SIREN prefix or by name prefix (dénomination of
    the unité légale, dénomination usuelle or enseigne of the établissement)."""
    digits = compact(query)
    if digits.isdigit():
        if len(digits) < 3:
            return []
        etabs = list(
            Etablissement.objects.filter(_prefix("siret", digits)).order_by("siret")[:limit]
        )
    else:
        key = search_key(query)
        if len(key) < 2:
            return []
        sirens = list(
            UniteLegale.objects.filter(_prefix("search_name", key))
            .order_by("search_name")
            .values_list("siren", flat=True)[:limit]
        )
        by_unite = list(
            Etablissement.objects.filter(siren__in=sirens).order_by("siren", "siret")[:limit]
        )
        own = list(
            Etablissement.objects.filter(_prefix("search_name", key)).order_by("search_name")[
                :limit
            ]
        )
        seen: set[str] = set()
        etabs = []
        for etab in [*by_unite, *own]:
            if etab.siret not in seen:
                seen.add(etab.siret)
                etabs.append(etab)
        etabs = etabs[:limit]
    unites = UniteLegale.objects.in_bulk({e.siren for e in etabs})
    return [_from_local(e, unites.get(e.siren)) for e in etabs]
