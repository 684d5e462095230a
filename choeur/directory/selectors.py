"""Reads of the Sirene reference: lookups (live INSEE API, else the local base). Used by
registration (prefill) and by the structures' directory (choeur.structures.annuaire_selectors).
This package knows no accounts and no structures (tests/directory/test_layout.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat

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


# --- Searches of the Sirene reference for the XP Z12-013 Directory Service -----------------
# A text criterion is (operator, value), the document's operators: "strict" (equal), "startWith"
# (prefix) and "contains"; names compare by their search key (accents, case and punctuation
# ignored), so « hopital » finds « HÔPITAL ».

TextCriterion = tuple[str, str]


def text_q(field: str, criterion: TextCriterion, *, normalise: bool = True) -> Q:
    op, value = criterion
    key = search_key(value) if normalise else value
    if op == "strict":
        return Q(**{field: key})
    if op == "startWith":
        return _prefix(field, key)
    return Q(**{f"{field}__contains": key})


def unite_legale_filter(
    *,
    siren: str | None = None,
    name: TextCriterion | None = None,
    status: str | None = None,
    public_sirens: QuerySet[Any] | None = None,
    entity_public: bool | None = None,
) -> QuerySet[UniteLegale]:
    """Unités légales matching every criterion. `status`: A (active) or C (cessée).
    `entity_public`: True keeps the public bodies, False the others; public bodies are the
    SIRENs of `public_sirens` and the public legal categories (catégorie juridique 7xxx)."""
    unites = UniteLegale.objects.all()
    if siren is not None:
        unites = unites.filter(siren=siren)
    if name is not None:
        unites = unites.filter(text_q("search_name", name))
    if status is not None:
        unites = unites.filter(etat_administratif=status)
    if entity_public is not None:
        public = Q(categorie_juridique__startswith="7")
        if public_sirens is not None:
            public |= Q(siren__in=public_sirens)
        unites = unites.filter(public if entity_public else ~public)
    return unites


def etablissement_filter(
    *,
    siret: str | None = None,
    siren: str | None = None,
    main: bool | None = None,
    name: TextCriterion | None = None,
    address: TextCriterion | None = None,
    postal_code: TextCriterion | None = None,
    locality: TextCriterion | None = None,
    status: str | None = None,
) -> QuerySet[Etablissement]:
    """Établissements matching every criterion. `name`: the établissement's own name (enseigne,
    dénomination usuelle) or its unité légale's. `status`: A (active) or C (closed: état F).
    A non diffusible établissement is never found by its address."""
    etabs = Etablissement.objects.all()
    if siret is not None:
        etabs = etabs.filter(siret=siret)
    if siren is not None:
        etabs = etabs.filter(siren=siren)
    if main is not None:
        etabs = etabs.filter(is_siege=main)
    if name is not None:
        sirens = UniteLegale.objects.filter(text_q("search_name", name)).values("siren")
        etabs = etabs.filter(text_q("search_name", name) | Q(siren__in=sirens))
    if address is not None or postal_code is not None or locality is not None:
        etabs = etabs.exclude(statut_diffusion__in=["P", "N"])
    if address is not None:
        # The address line as stored: « 12 RUE DES LILAS » (street types as INSEE abbreviates them).
        op, value = address
        etabs = etabs.annotate(
            _line=Concat(
                "numero_voie",
                Value(" "),
                "type_voie",
                Value(" "),
                "libelle_voie",
                Value(" "),
                "complement_adresse",
                output_field=CharField(),
            )
        )
        lookup = "_line__istartswith" if op == "startWith" else "_line__icontains"
        etabs = etabs.filter(**{lookup: " ".join(value.split())})
    if postal_code is not None:
        etabs = etabs.filter(text_q("code_postal", postal_code, normalise=False))
    if locality is not None:
        op, value = locality
        etabs = etabs.filter(text_q("libelle_commune", (op, value.upper()), normalise=False))
    if status is not None:
        etabs = etabs.filter(etat_administratif="A" if status == "A" else "F")
    return etabs


def etablissement_address(etab: Etablissement) -> list[str]:
    """[street, complement] of an établissement; empty when it is non diffusible."""
    if etab.statut_diffusion in {"P", "N"}:
        return []
    street = _street(etab.numero_voie, etab.indice_repetition, etab.type_voie, etab.libelle_voie)
    return [line for line in (street, etab.complement_adresse) if line]
