"""Demo directory of public structures: the structures and services of the demo Sirene base's
public bodies (choeur.directory.demo: its fixed sandbox recipients and the generated ones).
Runs right after the Sirene demo, before the accounts demo that attaches users to them.
Idempotent: bulk inserts that ignore rows already there."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

from choeur.core.text import search_key
from choeur.directory.demo import DEMO_STATE_SIRET, FIXED_PUBLIC, PUBLIC_COUNT, public_entries
from choeur.structures.enums import IdentifierType, StructureKind
from choeur.structures.models import Service, Structure


def load(*, stdout: Any) -> None:
    started = time.perf_counter()
    if (
        Structure.objects.filter(identifier=DEMO_STATE_SIRET).exists()
        and Structure.objects.filter(is_public=True).count() >= PUBLIC_COUNT
    ):
        stdout.write("Annuaire des structures publiques : déjà chargé.\n")
        return
    structures = []
    services_by_siret: dict[str, list[tuple[str, str, bool, bool]]] = {}
    for siret, name, cp, ville, serv, ej, either, paid, services in FIXED_PUBLIC:
        structures.append(
            _structure(siret, name, "1 PLACE DE LA MAIRIE", cp, ville)
            | {
                "code_service_required": serv,
                "engagement_required": ej,
                "engagement_or_service_required": either,
                "payment_status_reported": paid,
            }
        )
        services_by_siret[siret] = services
    for company, params, services in public_entries():
        street = f"{company.numero_voie} {company.type_voie} {company.libelle_voie}"
        structures.append(
            _structure(
                company.siret, company.denomination, street, company.code_postal, company.commune
            )
            | params
        )
        services_by_siret[company.siret] = services
    with transaction.atomic():
        Structure.objects.bulk_create(
            [
                # bulk_create skips save(): the search key is set here.
                Structure(**values, search_name=search_key(values["raison_sociale"]))
                for values in structures
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        ids = dict(
            Structure.objects.filter(
                identifier_type=IdentifierType.SIRET, identifier__in=services_by_siret
            ).values_list("identifier", "pk")
        )
        Service.objects.bulk_create(
            [
                Service(
                    structure_id=ids[siret],
                    code=code,
                    name=label,
                    is_active=active,
                    engagement_required=ej,
                )
                for siret, services in services_by_siret.items()
                for code, label, active, ej in services
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
    stdout.write(
        f"Annuaire : {Structure.objects.filter(is_public=True).count()} structures publiques, "
        f"{Service.objects.filter(structure__is_public=True).count()} services "
        f"({time.perf_counter() - started:.1f} s).\n"
    )


def _structure(siret: str, name: str, adresse: str, cp: str, ville: str) -> dict[str, Any]:
    return {
        "identifier_type": IdentifierType.SIRET,
        "identifier": siret,
        "raison_sociale": name,
        "kind": StructureKind.STRUCTURE_PUBLIQUE,
        "is_public": True,
        "adresse": adresse,
        "code_postal": cp,
        "ville": ville,
    }
