"""The structure record: modify, update from INSEE, activate, parameters and espaces (B.1, B.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from choeur.core.audit import audit_log_write, snapshot
from choeur.structures import perms
from choeur.structures.enums import Espace, IdentifierType
from choeur.structures.errors import StructureError
from choeur.structures.models import Structure, StructureEspace
from choeur.structures.services._common import changed, espace_open, require

# Fields that come from the INSEE base for a SIRET structure: shown greyed, changed only by
# « Mettre à jour depuis la base INSEE » (B.1: « modifier (champs non grisés) »).
INSEE_FIELDS = [
    "raison_sociale",
    "adresse",
    "complement_adresse_1",
    "complement_adresse_2",
    "code_postal",
    "ville",
]
OTHER_FIELDS = ["nom", "prenom", "numero_tva", "telephone", "email"]
PARAMETER_FIELDS = [
    "code_service_required",
    "engagement_required",
    "engagement_or_service_required",
]

# Espaces opened by default (B.4, v2.0): sollicitations for everyone, the managers' espace, and
# for a public structure the invoices it receives (and those it issues) and its engagements.
DEFAULT_ESPACES_ALL = [
    Espace.SOLLICITATIONS_EMISES,
    Espace.SOLLICITATIONS_RECUES,
    Espace.ACTIVITES_GESTIONNAIRE,
]
DEFAULT_ESPACES_PUBLIC = [Espace.FACTURES_RECUES, Espace.FACTURES_EMISES, Espace.ENGAGEMENTS]


def editable_fields(structure: Structure) -> list[str]:
    """A structure without an INSEE record (not a SIRET) has no greyed field."""
    if structure.identifier_type == IdentifierType.SIRET:
        return OTHER_FIELDS
    return INSEE_FIELDS + OTHER_FIELDS


def structure_update(*, actor: Any, structure: Structure, data: dict[str, Any]) -> Structure:
    """Modify the non-greyed fields; any other key of `data` is refused."""
    require(perms.can_manage_structure(actor, structure))
    allowed = editable_fields(structure)
    refused = sorted(set(data) - set(allowed))
    if refused:
        raise StructureError(
            _("Ces champs viennent de la base INSEE et ne se modifient pas ici : %(fields)s.")
            % {"fields": ", ".join(refused)}
        )
    if "raison_sociale" in data and not str(data["raison_sociale"]).strip():
        raise StructureError(_("La raison sociale est obligatoire."), field="raison_sociale")
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        before = snapshot(structure, list(data))
        for name, value in data.items():
            setattr(structure, name, value)
        before, after = changed(before, snapshot(structure, list(data)))
        if not after:
            return structure
        structure.save()
        audit_log_write(
            actor=actor, action="structure.update", obj=structure, before=before, after=after
        )
    return structure


def _insee_values(etablissement: Any) -> dict[str, Any]:
    """The structure fields from a Sirene établissement (`directory.selectors.etablissement_get`)."""

    def first(*names: str) -> str:
        for name in names:
            value = getattr(etablissement, name, None)
            if callable(value):
                value = value()
            if value:
                return str(value).strip()
        return ""

    adresse = first("adresse", "address_line")
    if not adresse:
        parts = [
            first("numero_voie"),
            first("indice_repetition"),
            first("type_voie"),
            first("libelle_voie"),
        ]
        adresse = " ".join(part for part in parts if part)
    unite = getattr(etablissement, "unite_legale", None)
    raison_sociale = first("raison_sociale", "denomination", "name")
    if not raison_sociale and unite is not None:
        raison_sociale = str(getattr(unite, "denomination", "") or "").strip()
    diffusion = first("statut_diffusion")
    non_diffusible = bool(getattr(etablissement, "non_diffusible", False)) or diffusion in (
        "P",
        "N",
    )
    values: dict[str, Any] = {
        "raison_sociale": raison_sociale[:255],
        "adresse": adresse[:255],
        "complement_adresse_1": first("complement_adresse", "complement_adresse_1")[:255],
        "code_postal": first("code_postal")[:10],
        "ville": first("ville", "libelle_commune")[:100],
        "non_diffusible": non_diffusible,
    }
    if non_diffusible:
        # A « non diffusible » établissement shows no address (reference A.1).
        values.update(adresse="", complement_adresse_1="", code_postal="", ville="")
    return values


@dataclass(frozen=True)
class InseeUpdate:
    changed: list[str]
    # The établissement is closed (état administratif F): the manager may deactivate.
    closed: bool


def structure_update_from_insee(*, actor: Any, structure: Structure) -> InseeUpdate:
    """« Mettre à jour depuis la base INSEE »: refresh the greyed fields; says what changed."""
    require(perms.can_manage_structure(actor, structure))
    if structure.identifier_type != IdentifierType.SIRET:
        raise StructureError(
            _("Seule une structure identifiée par un SIRET figure dans la base INSEE.")
        )
    from choeur.directory.selectors import etablissement_get

    etablissement = etablissement_get(structure.identifier)
    if etablissement is None:
        raise StructureError(
            _("Le SIRET %(identifier)s est introuvable dans la base INSEE : rien n'a été modifié.")
            % {"identifier": structure.identifier}
        )
    values = _insee_values(etablissement)
    if not values["raison_sociale"]:
        values.pop("raison_sociale")
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        before, after = changed(snapshot(structure, list(values)), values)
        for name, value in after.items():
            setattr(structure, name, value)
        structure.insee_updated_at = timezone.now()
        structure.save()
        audit_log_write(
            actor=actor, action="structure.update_insee", obj=structure, before=before, after=after
        )
    return InseeUpdate(
        changed=list(after), closed=getattr(etablissement, "is_active", True) is False
    )


def structure_set_active(*, actor: Any, structure: Structure, active: bool) -> Structure:
    """Activate or deactivate: an inactive structure receives no invoice (reference B.1)."""
    require(perms.can_manage_structure(actor, structure))
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        if structure.is_active == active:
            raise StructureError(
                _("La structure est déjà active.")
                if active
                else _("La structure est déjà inactive.")
            )
        structure.is_active = active
        structure.save(update_fields=["is_active", "updated_at"])
        audit_log_write(
            actor=actor,
            action="structure.activate" if active else "structure.deactivate",
            obj=structure,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return structure


def structure_parameters_update(
    *,
    actor: Any,
    structure: Structure,
    code_service_required: bool,
    engagement_required: bool,
    engagement_or_service_required: bool,
) -> Structure:
    """What suppliers' invoices to a public structure must carry (C.5)."""
    require(perms.can_edit_public_parameters(actor, structure))
    if engagement_or_service_required and (code_service_required or engagement_required):
        raise StructureError(
            _(
                "« Numéro d'engagement ou code service » exclut les deux autres obligations : "
                "choisissez l'un ou l'autre."
            )
        )
    values = {
        "code_service_required": code_service_required,
        "engagement_required": engagement_required,
        "engagement_or_service_required": engagement_or_service_required,
    }
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        before, after = changed(snapshot(structure, PARAMETER_FIELDS), values)
        if not after:
            return structure
        for name, value in after.items():
            setattr(structure, name, value)
        structure.save()
        audit_log_write(
            actor=actor, action="structure.parameters", obj=structure, before=before, after=after
        )
    return structure


def structure_default_espaces(structure: Structure) -> list[str]:
    """Open the default espaces of a structure (B.4); idempotent. Returns the espaces opened.

    Called when a structure gets its first user (registration, operator): a public structure
    gets « Factures reçues » (with « Factures émises » and « Engagements »), every structure the
    sollicitations and the managers' espace.
    """
    wanted = list(DEFAULT_ESPACES_ALL)
    if structure.is_public:
        wanted = DEFAULT_ESPACES_PUBLIC + wanted
    opened: list[str] = []
    with transaction.atomic():
        for espace in wanted:
            row, created = StructureEspace.objects.get_or_create(
                structure=structure, espace=espace, defaults={"is_open": True}
            )
            if created:
                opened.append(str(espace))
        if opened:
            audit_log_write(
                actor=None,
                action="structure.espaces_default",
                obj=structure,
                after={"espaces_ouverts": ", ".join(opened)},
            )
    return opened


def structure_espaces_update(*, actor: Any, structure: Structure, espaces: list[str]) -> list[str]:
    """Open exactly `espaces` on the structure (the managers' espace stays open)."""
    require(perms.can_manage_structure(actor, structure))
    unknown = [code for code in espaces if code not in Espace.values]
    if unknown:
        raise StructureError(_("Espace inconnu : %(espaces)s.") % {"espaces": ", ".join(unknown)})
    wanted = set(espaces) | {Espace.ACTIVITES_GESTIONNAIRE.value}
    with transaction.atomic():
        current = set(
            StructureEspace.objects.filter(structure=structure, is_open=True).values_list(
                "espace", flat=True
            )
        )
        if current == wanted:
            return sorted(wanted)
        for code in wanted - current:
            espace_open(structure, code)
        StructureEspace.objects.filter(structure=structure, espace__in=current - wanted).update(
            is_open=False
        )
        audit_log_write(
            actor=actor,
            action="structure.espaces",
            obj=structure,
            before={"espaces_ouverts": ", ".join(sorted(current))},
            after={"espaces_ouverts": ", ".join(sorted(wanted))},
        )
    return sorted(wanted)
