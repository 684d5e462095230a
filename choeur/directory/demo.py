"""Demo Sirene base: generated companies and public bodies, plus fixed entries.

The fixed entries below are stable and documented (docs/annuaire.md); other domains' demo data
and tests rely on them. The public bodies' structures and services are written by
choeur.structures.annuaire_demo from `FIXED_PUBLIC` and `public_entries()` (this package knows
no structures). The public ones are the real sandbox's rule-test recipients
(« matelas de données » 2024: 12345678200028 service obligatoire, ...036 EJ obligatoire,
...044 EJ ou service, ...051 sans paramètre, 11000201100044 État / SFACETAT).
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.db import transaction

from choeur.directory.generate import (
    COMMUNES,
    PUBLIC_KINDS,
    SAINTS,
    SERVICES,
    Company,
    companies,
    siren_stream,
    siret_for,
)
from choeur.directory.models import Etablissement, UniteLegale
from choeur.directory.text import search_key

SEED = 2026
COMPANY_COUNT = 10_000
PUBLIC_COUNT = 520

# An active company, present in the Sirene base, with no structure yet (registration prefill).
DEMO_SUPPLIER_SIRET = "84211943000010"
DEMO_SUPPLIER_SIREN = DEMO_SUPPLIER_SIRET[:9]
DEMO_SUPPLIER_NAME = "MENUISERIE DUPONT ET FILS"
# A second active company, no structure yet.
DEMO_SUPPLIER_2_SIRET = "51234567900017"
DEMO_SUPPLIER_2_NAME = "BUREAU D'ETUDES LAMBERT CONSEIL"
# An établissement fermé (état administratif F): registration must refuse it.
DEMO_CLOSED_SIRET = "39876543800013"
# An active, non diffusible établissement (statutDiffusion P): no address is shown.
DEMO_NON_DIFFUSIBLE_SIRET = "44455566800011"

# Public structures (is_public=True, kind STRUCTURE_PUBLIQUE), with their services.
# A code service is required; active services SERVICE_DEST_SERV_OBL (no EJ), ACHATS (no EJ),
# TRAVAUX (EJ required) and one inactive service ANCIEN_SERVICE.
DEMO_PUBLIC_SIRET = "12345678200028"
DEMO_PUBLIC_NAME = "COMMUNE DE BEAUMONT-SUR-LOIRE"
DEMO_PUBLIC_SERVICE_CODE = "SERVICE_DEST_SERV_OBL"
DEMO_PUBLIC_SERVICE_EJ_CODE = "TRAVAUX"
DEMO_PUBLIC_INACTIVE_SERVICE_CODE = "ANCIEN_SERVICE"
# A numéro d'engagement is required (no service code required); one service « ACHATS ».
DEMO_PUBLIC_EJ_SIRET = "12345678200036"
DEMO_PUBLIC_EJ_NAME = "CENTRE HOSPITALIER DE SAINT-ALBAN"
# Either an engagement number or a service code; service SERVICE_DEST_EJ_OU_SERV_OBL.
DEMO_PUBLIC_EJ_OR_SERVICE_SIRET = "12345678200044"
DEMO_PUBLIC_EJ_OR_SERVICE_SERVICE_CODE = "SERVICE_DEST_EJ_OU_SERV_OBL"
# No requirement at all, no service.
DEMO_PUBLIC_FREE_SIRET = "12345678200051"
DEMO_PUBLIC_FREE_NAME = "OFFICE DE TOURISME DE BEAUMONT"
# The State (« Destinataire État »), service code SFACETAT required.
DEMO_STATE_SIRET = "11000201100044"
DEMO_STATE_SERVICE_CODE = "SFACETAT"


# (siret, name, form, categorie juridique, naf, number, street type, street, cp, commune, etat,
#  diffusion); individuals have (nom, prenom) instead of a dénomination.
_FIXED_COMPANIES = [
    Company(
        DEMO_SUPPLIER_SIREN, DEMO_SUPPLIER_SIRET, DEMO_SUPPLIER_NAME, "", "", "5499", "43.32A",
        "12", "RUE", "DES LILAS", "75011", "PARIS 11", "75111", "A", "O",
    ),
    Company(
        DEMO_SUPPLIER_2_SIRET[:9], DEMO_SUPPLIER_2_SIRET, DEMO_SUPPLIER_2_NAME, "", "", "5710",
        "71.12B", "8", "AV", "JEAN JAURES", "69003", "LYON", "69383", "A", "O",
    ),
    Company(
        DEMO_CLOSED_SIRET[:9], DEMO_CLOSED_SIRET, "IMPRIMERIE MOREAU SA", "", "", "5599",
        "18.12Z", "3", "BD", "GAMBETTA", "59000", "LILLE", "59350", "F", "O",
    ),
    Company(
        DEMO_NON_DIFFUSIBLE_SIRET[:9], DEMO_NON_DIFFUSIBLE_SIRET, "", "LEROY", "CLAIRE", "1000",
        "74.10Z", "5", "IMP", "DES ROSES", "33000", "BORDEAUX", "33063", "A", "P",
    ),
]  # fmt: skip

# (siret, name, code postal, ville, service req., EJ req., EJ or service, payment status,
#  services (code, name, active, EJ required))
FIXED_PUBLIC: list[tuple[str, str, str, str, bool, bool, bool, bool, list[tuple[str, str, bool, bool]]]] = [
    (
        DEMO_PUBLIC_SIRET, DEMO_PUBLIC_NAME, "45190", "BEAUMONT-SUR-LOIRE", True, False, False, True,
        [
            (DEMO_PUBLIC_SERVICE_CODE, "Service facturier de la commune", True, False),
            ("ACHATS", "Service des achats", True, False),
            (DEMO_PUBLIC_SERVICE_EJ_CODE, "Travaux et bâtiments", True, True),
            (DEMO_PUBLIC_INACTIVE_SERVICE_CODE, "Ancien service (fermé)", False, False),
        ],
    ),
    (
        DEMO_PUBLIC_EJ_SIRET, DEMO_PUBLIC_EJ_NAME, "81000", "ALBI", False, True, False, True,
        [("ACHATS", "Direction des achats", True, True)],
    ),
    (
        DEMO_PUBLIC_EJ_OR_SERVICE_SIRET, "LYCEE JEAN MOULIN DE BEAUMONT", "45190",
        "BEAUMONT-SUR-LOIRE", False, False, True, False,
        [(DEMO_PUBLIC_EJ_OR_SERVICE_SERVICE_CODE, "Intendance du lycée", True, False)],
    ),
    (
        DEMO_PUBLIC_FREE_SIRET, DEMO_PUBLIC_FREE_NAME, "45190", "BEAUMONT-SUR-LOIRE",
        False, False, False, True, [],
    ),
    (
        DEMO_STATE_SIRET, "ETAT - SERVICES CENTRAUX (FACTURES DE L'ETAT)", "75007", "PARIS 7",
        True, False, False, True,
        [(DEMO_STATE_SERVICE_CODE, "Service facturier de l'État", True, False)],
    ),
]  # fmt: skip


def _sirene_rows(company: Company) -> tuple[UniteLegale, Etablissement]:
    unite = UniteLegale(
        siren=company.siren,
        statut_diffusion=company.diffusion,
        etat_administratif="C" if company.etat == "F" else "A",
        denomination=company.denomination,
        nom=company.nom,
        prenom=company.prenom,
        categorie_juridique=company.categorie_juridique,
        activite_principale=company.naf,
    )
    unite.search_name = search_key(unite.raison_sociale)
    etab = Etablissement(
        siret=company.siret,
        siren=company.siren,
        nic=company.siret[9:],
        statut_diffusion=company.diffusion,
        etat_administratif=company.etat,
        is_siege=company.is_siege,
        numero_voie=company.numero_voie,
        type_voie=company.type_voie,
        libelle_voie=company.libelle_voie,
        code_postal=company.code_postal,
        libelle_commune=company.commune,
        code_commune=company.code_commune,
        activite_principale=company.naf,
    )
    return unite, etab


def public_entries() -> list[tuple[Company, dict[str, Any], list[tuple[str, str, bool, bool]]]]:
    """The generated public bodies: (Sirene data, their structure's parameters, its services).
    Deterministic: the same list on every call."""
    rng = random.Random(SEED + 1)  # noqa: S311 - deterministic demo data, not a secret
    used = {DEMO_PUBLIC_SIRET[:9], DEMO_STATE_SIRET[:9]}
    state_sirens = siren_stream(rng, first_digits="1", used=used)
    local_sirens = siren_stream(rng, first_digits="2", used=used)
    names: set[str] = set()
    entries = []
    combos = [(kind, commune) for kind in PUBLIC_KINDS for commune in COMMUNES]
    rng.shuffle(combos)
    for (pattern, cat, naf), (commune, cp, code_commune, dept) in combos:
        name = pattern.format(c=commune, d=dept, p=rng.choice(SAINTS))
        if name in names:
            continue
        names.add(name)
        siren = next(state_sirens if cat.startswith("71") else local_sirens)
        company = Company(
            siren, siret_for(siren, 1), name, "", "", cat, naf, str(rng.randint(1, 40)),
            rng.choice(["RUE", "PL", "AV", "BD"]), rng.choice(["DE L'HOTEL DE VILLE", "DE LA REPUBLIQUE", "DU GENERAL DE GAULLE", "DES ECOLES"]),
            cp, commune, code_commune, "A", "O",
        )  # fmt: skip
        roll = rng.random()
        params = {
            "code_service_required": roll < 0.4,
            "engagement_required": 0.3 <= roll < 0.6,
            "engagement_or_service_required": 0.6 <= roll < 0.75,
            "payment_status_reported": rng.random() < 0.8,
            "edi_receiver": rng.random() < 0.1,
            "edi_emitter": rng.random() < 0.05,
            "is_active": rng.random() < 0.97,
        }
        picked = rng.sample(SERVICES, rng.randint(1 if roll < 0.75 else 0, 4))
        services = [(code, label, rng.random() < 0.9, ej) for code, label, ej in picked]
        if params["code_service_required"] and services:
            services[0] = (services[0][0], services[0][1], True, services[0][3])
        entries.append((company, params, services))
        if len(entries) >= PUBLIC_COUNT:
            break
    return entries


def load(*, stdout: Any) -> None:
    """Load the demo Sirene base (idempotent: bulk inserts that ignore rows already there)."""
    started = time.perf_counter()
    if (
        Etablissement.objects.filter(pk=DEMO_STATE_SIRET).exists()
        and UniteLegale.objects.count() >= COMPANY_COUNT
    ):
        stdout.write("Base Sirene : déjà chargée.\n")
        return
    fixed_sirens = {c.siren for c in _FIXED_COMPANIES} | {p[0][:9] for p in FIXED_PUBLIC}
    public = public_entries()
    fixed_sirens |= {c.siren for c, _p, _s in public}
    generated = list(companies(COMPANY_COUNT, seed=SEED, used=set(fixed_sirens)))

    fixed_public_companies = [
        Company(
            siret[:9], siret, name, "", "", "7210", "84.11Z", "1", "PL", "DE LA MAIRIE", cp,
            ville, "", "A", "O",
        )
        for siret, name, cp, ville, *_rest in FIXED_PUBLIC
    ]  # fmt: skip
    everything = [
        *_FIXED_COMPANIES,
        *fixed_public_companies,
        *(c for c, _p, _s in public),
        *generated,
    ]
    with transaction.atomic():
        pairs = [_sirene_rows(c) for c in everything]
        UniteLegale.objects.bulk_create(
            [u for u, _e in pairs], batch_size=2000, ignore_conflicts=True
        )
        Etablissement.objects.bulk_create(
            [e for _u, e in pairs], batch_size=2000, ignore_conflicts=True
        )
    stdout.write(
        f"Base Sirene : {UniteLegale.objects.count()} unités légales, "
        f"{Etablissement.objects.count()} établissements "
        f"({time.perf_counter() - started:.1f} s).\n"
    )
