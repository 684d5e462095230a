"""Reads of the directory of public structures (the annuaire): search, a structure, its
services (the routing codes of the reform's directory) and what an invoice to it must carry.
The one read place of the public pages, the /cpro search and the XP Z12-013 Directory Service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

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


# --- The reform's directory (XP Z12-013 Directory Service) ----------------------------------
# Chœur receives the invoices of the public structures, as Chorus Pro does: each public
# structure identified by a SIRET has a directory line at the SIRET level (addressing identifier
# « SIREN_SIRET ») and each of its services is a routing code with its own line
# (« SIREN_SIRET_CODE »). Structures identified otherwise (no SIRET) are not in the reform's
# directory. A routing identifier must match the document's pattern; a service code that does
# not (spaces, accents) is left out of the Directory Service.

ROUTING_IDENTIFIER_PATTERN = r"^[-_/a-zA-Z0-9]{1,100}$"


def _public_siret_structures() -> QuerySet[Structure]:
    return Structure.objects.filter(is_public=True, identifier_type=IdentifierType.SIRET)


def public_sirens() -> QuerySet[Any]:
    """The SIRENs of the public structures, as a subquery (`siren__in=public_sirens()`)."""
    return _public_siret_structures().annotate(siren=Substr("identifier", 1, 9)).values("siren")


def public_structures_by_siret(sirets: Iterable[str]) -> dict[str, Structure]:
    return {s.identifier: s for s in _public_siret_structures().filter(identifier__in=sirets)}


def public_structure_for_siren(siren: str) -> Structure | None:
    """The first public structure (by SIRET) of a SIREN, for a SIREN that Sirene lacks."""
    return (
        _public_siret_structures()
        .filter(identifier__startswith=siren)
        .order_by("identifier")
        .first()
    )


def _text(field: str, criterion: tuple[str, str]) -> Q:
    op, value = criterion
    if op == "strict":
        return Q(**{f"{field}__iexact": value})
    if op == "startWith":
        return Q(**{f"{field}__istartswith": value})
    return Q(**{f"{field}__icontains": value})


def routing_code_filter(
    *,
    routing_identifier: tuple[str, str] | None = None,
    siret: str | None = None,
    name: tuple[str, str] | None = None,
    status: str | None = None,
    address: tuple[str, str] | None = None,
    postal_code: tuple[str, str] | None = None,
    locality: tuple[str, str] | None = None,
    day: dt.date | None = None,
) -> QuerySet[Service]:
    """The routing codes (services of the public structures) matching every criterion.
    `status` A: the service and its structure are active and `day` (today) is within the
    service's validity dates; C: otherwise. The address is the
    structure's."""
    services = Service.objects.filter(
        structure__is_public=True,
        structure__identifier_type=IdentifierType.SIRET,
        code__regex=ROUTING_IDENTIFIER_PATTERN,
    ).select_related("structure")
    if routing_identifier is not None:
        op, value = routing_identifier
        services = (
            services.filter(code=value)
            if op == "strict"
            else services.filter(code__icontains=value)
        )
    if siret is not None:
        services = services.filter(structure__identifier=siret)
    if name is not None:
        services = services.filter(_text("name", name))
    if status is not None:
        day = day or timezone.localdate()
        active = (
            Q(is_active=True, structure__is_active=True)
            & (Q(start_date__isnull=True) | Q(start_date__lte=day))
            & (Q(end_date__isnull=True) | Q(end_date__gte=day))
        )
        services = services.filter(active if status == "A" else ~active)
    if address is not None:
        services = services.filter(
            _text("structure__adresse", address) | _text("structure__complement_adresse_1", address)
        )
    if postal_code is not None:
        services = services.filter(_text("structure__code_postal", postal_code))
    if locality is not None:
        services = services.filter(_text("structure__ville", locality))
    return services


def routing_code_get(*, siret: str, code: str) -> Service | None:
    return routing_code_filter(siret=siret, routing_identifier=("strict", code)).first()


def routing_code_active(service: Service, day: dt.date) -> bool:
    """A service receives invoices on `day`: it and its structure are active, within its
    validity dates (as the deposit checks it)."""
    if not (service.is_active and service.structure.is_active):
        return False
    if service.start_date and day < service.start_date:
        return False
    return not (service.end_date and day > service.end_date)


@dataclass(frozen=True)
class DirectoryLine:
    """A line of the directory: a public structure (SIRET level) or one of its services
    (routing code level)."""

    addressing_identifier: str
    structure: Structure
    service: Service | None

    def status(self, day: dt.date) -> str:
        """Enabled (receives invoices on `day`), Upcoming (a service whose validity starts
        later) or Disabled (structure or service inactive, or its validity ended)."""
        if self.service is None:
            return "Enabled" if self.structure.is_active else "Disabled"
        if routing_code_active(self.service, day):
            return "Enabled"
        start = self.service.start_date
        if start and day < start and self.service.is_active and self.structure.is_active:
            return "Upcoming"
        return "Disabled"


def directory_line_rows(
    *,
    addressing_identifier: tuple[str, str] | None = None,
    siren: str | None = None,
    siret: str | None = None,
    routing_identifier: tuple[str, str] | None = None,
    suffix: tuple[str, str] | None = None,
) -> QuerySet[Any]:
    """The directory lines matching every criterion, as rows (addr, sid, vid, code) of one SQL
    union, to be ordered and sliced by the caller and turned into lines by `directory_lines`."""
    structures = _public_siret_structures()
    services = Service.objects.filter(
        structure__is_public=True,
        structure__identifier_type=IdentifierType.SIRET,
        code__regex=ROUTING_IDENTIFIER_PATTERN,
    )
    if siren is not None:
        structures = structures.filter(identifier__startswith=siren)
        services = services.filter(structure__identifier__startswith=siren)
    if siret is not None:
        structures = structures.filter(identifier=siret)
        services = services.filter(structure__identifier=siret)
    if routing_identifier is not None:
        structures = structures.none()
        op, value = routing_identifier
        services = (
            services.filter(code=value)
            if op == "strict"
            else services.filter(code__icontains=value)
        )
    if suffix is not None:
        # Chœur holds no suffix lines.
        structures, services = structures.none(), services.none()
    structure_rows = structures.annotate(
        addr=Concat(Substr("identifier", 1, 9), Value("_"), "identifier", output_field=CharField()),
        sid=F("pk"),
        vid=Value(None, output_field=IntegerField()),
        code=Value("", output_field=CharField()),
    )
    service_rows = services.annotate(
        addr=Concat(
            Substr("structure__identifier", 1, 9),
            Value("_"),
            "structure__identifier",
            Value("_"),
            "code",
            output_field=CharField(),
        ),
        sid=F("structure_id"),
        vid=F("pk"),
        code_=F("code"),
    )
    if addressing_identifier is not None:
        op, value = addressing_identifier
        lookup = "addr" if op == "strict" else "addr__icontains"
        structure_rows = structure_rows.filter(**{lookup: value})
        service_rows = service_rows.filter(**{lookup: value})
    # No default ordering in the parts of a union: the caller orders the whole.
    return (
        structure_rows.order_by()
        .values("addr", "sid", "vid", "code")
        .union(service_rows.order_by().values("addr", "sid", "vid", "code_"), all=True)
    )


def directory_lines(rows: Iterable[dict[str, Any]]) -> list[DirectoryLine]:
    """The lines of rows from `directory_line_rows`, in their order."""
    rows = list(rows)
    structures = Structure.objects.in_bulk({row["sid"] for row in rows})
    services = Service.objects.in_bulk({row["vid"] for row in rows if row["vid"] is not None})
    return [
        DirectoryLine(
            addressing_identifier=row["addr"],
            structure=structures[row["sid"]],
            service=services[row["vid"]] if row["vid"] is not None else None,
        )
        for row in rows
    ]


def directory_line_get(addressing_identifier: str) -> DirectoryLine | None:
    """The line « SIREN_SIRET » or « SIREN_SIRET_CODE », or None."""
    parts = addressing_identifier.split("_", 2)
    if len(parts) < 2 or parts[1][:9] != parts[0]:
        return None
    structure = _public_siret_structures().filter(identifier=parts[1]).first()
    if structure is None:
        return None
    if len(parts) == 2:
        return DirectoryLine(addressing_identifier, structure, None)
    service = routing_code_get(siret=parts[1], code=parts[2])
    if service is None:
        return None
    return DirectoryLine(addressing_identifier, structure, service)


def public_sirens_among(sirens: Iterable[str]) -> set[str]:
    """Which of `sirens` are the SIRENs of public structures."""
    return set(public_sirens().filter(siren__in=set(sirens)).values_list("siren", flat=True))
