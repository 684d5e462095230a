"""A structure's services (B.2): code + label, active, « engagement obligatoire », members."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from choeur.core.audit import audit_log_write, snapshot
from choeur.structures import perms
from choeur.structures.enums import RattachementStatus
from choeur.structures.errors import StructureError
from choeur.structures.models import Rattachement, Service, Structure
from choeur.structures.services._common import changed, require, unique_or_error

FIELDS = [
    "code",
    "name",
    "description",
    "is_active",
    "engagement_required",
    "start_date",
    "end_date",
]


def _check(
    *,
    structure: Structure,
    code: str,
    name: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    exclude_pk: int | None = None,
) -> str:
    code = (code or "").strip()
    if not code:
        raise StructureError(_("Le code service est obligatoire."), field="code")
    if not (name or "").strip():
        raise StructureError(_("Le libellé du service est obligatoire."), field="name")
    duplicates = Service.objects.filter(structure=structure, code__iexact=code)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise StructureError(
            _("Le code service « %(code)s » existe déjà pour cette structure.") % {"code": code},
            field="code",
        )
    if start_date and end_date and end_date < start_date:
        raise StructureError(
            _("La fin de validité précède le début de validité."), field="end_date"
        )
    return code


def _members_set(service: Service, members: Iterable[Rattachement]) -> str:
    chosen = list(members)
    for row in chosen:
        if row.structure_id != service.structure_id or row.status != RattachementStatus.VALIDEE:
            raise StructureError(
                _("Seuls les membres validés de la structure peuvent être rattachés.")
            )
    service.rattachements.set(chosen)
    return _members_label(service)


def _members_label(service: Service) -> str:
    return ", ".join(sorted(service.rattachements.values_list("user__email", flat=True)))


def service_create(
    *,
    actor: Any,
    structure: Structure,
    code: str,
    name: str,
    description: str = "",
    is_active: bool = True,
    engagement_required: bool = False,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    members: Iterable[Rattachement] | None = None,
) -> Service:
    require(perms.can_manage_structure(actor, structure))
    code = _check(
        structure=structure, code=code, name=name, start_date=start_date, end_date=end_date
    )
    duplicate = _("Le code service « %(code)s » existe déjà pour cette structure.") % {"code": code}
    with transaction.atomic(), unique_or_error(duplicate, field="code"):
        service = Service.objects.create(
            structure=structure,
            code=code,
            name=name.strip(),
            description=description,
            is_active=is_active,
            engagement_required=engagement_required,
            start_date=start_date,
            end_date=end_date,
        )
        after = snapshot(service, FIELDS)
        if members is not None:
            after["membres"] = _members_set(service, members)
        audit_log_write(actor=actor, action="service.create", obj=service, after=after)
    return service


def service_update(
    *,
    actor: Any,
    service: Service,
    code: str,
    name: str,
    description: str = "",
    is_active: bool = True,
    engagement_required: bool = False,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    members: Iterable[Rattachement] | None = None,
) -> Service:
    structure = service.structure
    require(perms.can_manage_structure(actor, structure))
    code = _check(
        structure=structure,
        code=code,
        name=name,
        start_date=start_date,
        end_date=end_date,
        exclude_pk=service.pk,
    )
    duplicate = _("Le code service « %(code)s » existe déjà pour cette structure.") % {"code": code}
    with transaction.atomic(), unique_or_error(duplicate, field="code"):
        service = Service.objects.select_for_update().get(pk=service.pk)
        before = snapshot(service, FIELDS)
        before["membres"] = _members_label(service)
        service.code = code
        service.name = name.strip()
        service.description = description
        service.is_active = is_active
        service.engagement_required = engagement_required
        service.start_date = start_date
        service.end_date = end_date
        service.save()
        after = snapshot(service, FIELDS)
        after["membres"] = (
            _members_set(service, members) if members is not None else before["membres"]
        )
        before, after = changed(before, after)
        if after:
            audit_log_write(
                actor=actor, action="service.update", obj=service, before=before, after=after
            )
    return service
