"""Reads with rules: what a user may see of structures. Others' objects are not found (404)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from choeur.core.models import AuditLog
from choeur.structures import perms
from choeur.structures.enums import IdentifierType, RattachementStatus, Role
from choeur.structures.models import (
    BankAccount,
    EngagementJuridique,
    EspaceSubscription,
    Rattachement,
    Service,
    Structure,
    StructureEspace,
    TechnicalAccount,
)

# Reference A.3: a SIRET search needs at least 3 characters, any part of the number.
SEARCH_SIRET_MIN = 3
SEARCH_MAX_RESULTS = 50


def structure_get_for_member(*, user: Any, structure_id: int) -> Structure:
    """The structure, if the user is a validated member; otherwise 404 (it does not exist for him)."""
    structure = Structure.objects.filter(pk=structure_id).first()
    if structure is None or not perms.is_member(user, structure):
        raise Http404
    return structure


def structure_get_for_manager(*, user: Any, structure_id: int) -> Structure:
    """The structure for its gestionnaire principal: 404 to outsiders, 403 to simple members."""
    structure = structure_get_for_member(user=user, structure_id=structure_id)
    if not perms.can_manage_structure(user, structure):
        raise PermissionDenied
    return structure


def structures_for_user(user: Any) -> QuerySet[Structure]:
    return perms.user_structures(user).order_by("raison_sociale")


def rattachements_of_user(user: Any) -> QuerySet[Rattachement]:
    """« Mes rattachements »: every request of the user except those he withdrew."""
    return (
        Rattachement.objects.filter(user=user)
        .exclude(status=RattachementStatus.SUPPRIMEE)
        .select_related("structure")
        .order_by("structure__raison_sociale")
    )


def structure_search_for_rattachement(*, query: str) -> list[Structure]:
    """Active structures by any part of the SIRET (digits, >= 3) or by exact raison sociale (A.3).

    Returns nothing for a shorter query: the caller says why.
    """
    text = " ".join(query.split())
    compact = re.sub(r"\s", "", text)
    active = Structure.objects.filter(is_active=True)
    if compact.isdigit():
        if len(compact) < SEARCH_SIRET_MIN:
            return []
        found = active.filter(identifier_type=IdentifierType.SIRET, identifier__contains=compact)
    else:
        if not text:
            return []
        found = active.filter(raison_sociale__iexact=text)
    return list(found.order_by("raison_sociale", "identifier")[:SEARCH_MAX_RESULTS])


def rattachements_pending_for(structure: Structure) -> QuerySet[Rattachement]:
    """« Approbations »: the requests waiting for the gestionnaire principal."""
    return (
        Rattachement.objects.filter(
            structure=structure, status=RattachementStatus.EN_COURS_DE_VALIDATION
        )
        .select_related("user")
        .order_by("created_at")
    )


def rattachement_get_for_manager(*, structure: Structure, rattachement_id: int) -> Rattachement:
    rattachement = (
        Rattachement.objects.filter(pk=rattachement_id, structure=structure)
        .select_related("user", "structure")
        .first()
    )
    if rattachement is None:
        raise Http404
    return rattachement


def members_of(structure: Structure) -> QuerySet[Rattachement]:
    """Validated members, the gestionnaire principal first (GESTIONNAIRE_… < UTILISATEUR)."""
    return (
        Rattachement.objects.filter(structure=structure, status=RattachementStatus.VALIDEE)
        .select_related("user")
        .prefetch_related("services")
        .order_by("role", "user__last_name", "user__email")
    )


def managers_of(structure: Structure) -> list[Any]:
    """The users to notify about the structure (its validated gestionnaire principal)."""
    return [
        r.user
        for r in Rattachement.objects.filter(
            structure=structure,
            status=RattachementStatus.VALIDEE,
            role=Role.GESTIONNAIRE_PRINCIPAL,
            user__is_active=True,
        ).select_related("user")
    ]


def espace_users(structure: Structure, espace: str) -> list[Any]:
    """The active people of `structure` subscribed to its `espace` (a validated rattachement,
    not a technical account), in a stable order: whom an event of that espace is told to."""
    subscriptions = EspaceSubscription.objects.filter(
        structure=structure,
        espace=espace,
        user__is_active=True,
        user__is_technical=False,
        user__rattachements__structure=structure,
        user__rattachements__status=RattachementStatus.VALIDEE,
    ).select_related("user")
    users = {s.user.pk: s.user for s in subscriptions}
    return [users[pk] for pk in sorted(users)]


def open_espaces_of(structure: Structure) -> list[str]:
    return list(
        StructureEspace.objects.filter(structure=structure, is_open=True).values_list(
            "espace", flat=True
        )
    )


def subscriptions_of(*, user: Any, structure: Structure) -> dict[str, str]:
    """{espace: mode} of one user on one structure."""
    return dict(
        EspaceSubscription.objects.filter(user=user, structure=structure).values_list(
            "espace", "mode"
        )
    )


def services_of(structure: Structure) -> QuerySet[Service]:
    return Service.objects.filter(structure=structure).order_by("code")


def service_get(*, structure: Structure, service_id: int) -> Service:
    service = Service.objects.filter(pk=service_id, structure=structure).first()
    if service is None:
        raise Http404
    return service


def bank_accounts_of(structure: Structure) -> QuerySet[BankAccount]:
    return BankAccount.objects.filter(structure=structure).order_by("-is_active", "label")


def bank_account_get(*, structure: Structure, bank_account_id: int) -> BankAccount:
    account = BankAccount.objects.filter(pk=bank_account_id, structure=structure).first()
    if account is None:
        raise Http404
    return account


def bank_accounts_valid_for(structure: Structure) -> QuerySet[BankAccount]:
    """The accounts an invoice of this structure may name (`recuperer/coordbanc/valides`, B.3).

    Every stored IBAN passed the checks when it was saved; « valide » means still active.
    """
    return BankAccount.objects.filter(structure=structure, is_active=True).order_by("label")


def technical_accounts_of(structure: Structure) -> QuerySet[TechnicalAccount]:
    return (
        TechnicalAccount.objects.filter(structure=structure)
        .select_related("user", "application")
        .order_by("number")
    )


def technical_account_get(*, structure: Structure, technical_account_id: int) -> TechnicalAccount:
    account = (
        TechnicalAccount.objects.filter(pk=technical_account_id, structure=structure)
        .select_related("user", "application")
        .first()
    )
    if account is None:
        raise Http404
    return account


def technical_account_for_user(user: Any) -> TechnicalAccount | None:
    """The compte technique behind an API user (for the `cpro-account` header), if any."""
    if user is None or not getattr(user, "is_technical", False):
        return None
    return TechnicalAccount.objects.select_related("structure").filter(user=user).first()


def technical_accounts_expiring_on(day: datetime.date) -> QuerySet[TechnicalAccount]:
    """Active accounts whose password expires on `day` (local date)."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    return TechnicalAccount.objects.filter(
        is_active=True, password_expires_at__gte=start, password_expires_at__lt=end
    ).select_related("structure", "user")


def engagements_of(structure: Structure, *, query: str = "") -> QuerySet[EngagementJuridique]:
    found = EngagementJuridique.objects.filter(structure=structure).select_related("service")
    if query.strip():
        found = found.filter(number__icontains=query.strip())
    return found.order_by("-date", "number")


def engagement_get(*, structure: Structure, engagement_id: int) -> EngagementJuridique:
    engagement = (
        EngagementJuridique.objects.filter(pk=engagement_id, structure=structure)
        .select_related("service")
        .first()
    )
    if engagement is None:
        raise Http404
    return engagement


def engagement_find(*, structure: Structure, number: str) -> EngagementJuridique | None:
    """The engagement `number` published by `structure` (`engagementsJuridiques/v1/rechercher`).

    Whatever its state: the caller checks `engagement.accepts_invoices` (COMMANDE) so it can say
    « engagement clôturé » rather than « inconnu ».
    """
    number = (number or "").strip()
    if not number:
        return None
    return (
        EngagementJuridique.objects.filter(structure=structure, number=number)
        .select_related("service")
        .first()
    )


def audit_history(obj: Any) -> QuerySet[AuditLog]:
    """The audit rows of one object, newest first."""
    return AuditLog.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-created_at", "-pk")


def audit_history_for_structure(structure: Structure) -> QuerySet[AuditLog]:
    """Every audit row about a structure and the objects it owns, newest first."""
    owned: dict[str, Any] = {
        "structures.structure": [structure.pk],
        "structures.rattachement": Rattachement.objects.filter(structure=structure),
        "structures.service": Service.objects.filter(structure=structure),
        "structures.bankaccount": BankAccount.objects.filter(structure=structure),
        "structures.technicalaccount": TechnicalAccount.objects.filter(structure=structure),
        "structures.engagementjuridique": EngagementJuridique.objects.filter(structure=structure),
    }
    condition = Q()
    for object_type, rows in owned.items():
        ids = rows if isinstance(rows, list) else rows.values_list("pk", flat=True)
        condition |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    return AuditLog.objects.filter(condition).order_by("-created_at", "-pk")
