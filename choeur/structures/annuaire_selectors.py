"""Reads of the directory of public structures (the annuaire): search, a structure, its
services (the routing codes of the reform's directory) and what an invoice to it must carry.
The one read place of the public pages, the /cpro search and the XP Z12-013 Directory Service."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from choeur.directory.identifiers import compact
from choeur.directory.text import search_key
from choeur.structures.enums import IdentifierType
from choeur.structures.models import Service, Structure


def public_structure_search(
    *,
    query: str = "",
    code_postal: str = "",
    ville: str = "",
    active_only: bool = True,
    limit: int | None = None,
) -> QuerySet[Structure]:
    """Public structures matching every given criterion. `query` made of digits matches any part
    of the identifier (3 digits at least); otherwise every word must appear in the name."""
    structures = Structure.objects.filter(is_public=True)
    if active_only:
        structures = structures.filter(is_active=True)
    query = query.strip()
    if query:
        digits = compact(query)
        if digits.isdigit():
            structures = structures.filter(identifier__contains=digits)
        else:
            # Accents and case do not matter: « hopital » finds « HÔPITAL » on every database.
            for word in search_key(query).split():
                structures = structures.filter(search_name__contains=word)
    if code_postal.strip():
        structures = structures.filter(code_postal__startswith=code_postal.strip())
    if ville.strip():
        structures = structures.filter(ville__icontains=ville.strip())
    structures = structures.order_by("raison_sociale", "identifier")
    if limit is not None:
        structures = structures[:limit]
    return structures


def public_structure_get(
    *, identifier: str, identifier_type: str = IdentifierType.SIRET
) -> Structure | None:
    return Structure.objects.filter(
        is_public=True, identifier_type=identifier_type, identifier=compact(identifier)
    ).first()


def public_structure_services(
    structure: Structure, *, active_only: bool = True
) -> QuerySet[Service]:
    services = structure.services.all()
    if active_only:
        services = services.filter(is_active=True)
    return services.order_by("code")


@dataclass(frozen=True)
class InvoiceRequirements:
    """What an invoice to a public structure must carry (reference C.5)."""

    service_required: bool
    engagement_required: bool
    engagement_or_service: bool
    payment_status_reported: bool

    @property
    def nothing_required(self) -> bool:
        return not (self.service_required or self.engagement_required or self.engagement_or_service)


def invoice_requirements(structure: Structure) -> InvoiceRequirements:
    return InvoiceRequirements(
        service_required=structure.code_service_required,
        engagement_required=structure.engagement_required,
        engagement_or_service=structure.engagement_or_service_required
        and not (structure.code_service_required and structure.engagement_required),
        payment_status_reported=structure.payment_status_reported,
    )
