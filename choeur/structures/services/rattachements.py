"""Rattachements: requests, approvals, members' rights, hand-over of the manager role (A.3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from choeur.core.audit import audit_log_write
from choeur.structures import perms
from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.errors import StructureError
from choeur.structures.models import EspaceSubscription, Rattachement, Service, Structure
from choeur.structures.services._common import (
    espace_open,
    notify,
    require,
    subscriptions_as_dict,
    subscriptions_check,
    subscriptions_replace,
    unique_or_error,
)

REASON_MAX = 1000


def _lock(rattachement: Rattachement) -> Rattachement:
    return (
        Rattachement.objects.select_for_update(of=("self",))
        .select_related("user", "structure")
        .get(pk=rattachement.pk)
    )


def _services_check(structure: Structure, services: Iterable[Service] | None) -> list[Service]:
    chosen = list(services or [])
    for service in chosen:
        if service.structure_id != structure.pk:
            raise StructureError(_("Ce service n'appartient pas à la structure."))
    return chosen


def _services_label(rattachement: Rattachement) -> str:
    return ", ".join(sorted(rattachement.services.values_list("code", flat=True)))


def rattachement_request(*, user: Any, structures: list[Structure]) -> list[Rattachement]:
    """Ask to join one or more structures; each gestionnaire principal is told by email.

    A request already pending, or an existing membership, is refused for the whole batch. A
    refused, removed or withdrawn rattachement may be asked again.
    """
    require(perms.can_request_rattachement(user))
    if not structures:
        raise StructureError(_("Sélectionnez au moins une structure."))
    existing = {
        r.structure_id: r for r in Rattachement.objects.filter(user=user, structure__in=structures)
    }
    for structure in structures:
        current = existing.get(structure.pk)
        if not structure.is_active:
            raise StructureError(
                _("La structure %(raison_sociale)s est inactive.")
                % {"raison_sociale": structure.raison_sociale}
            )
        if current is not None and current.status == RattachementStatus.VALIDEE:
            raise StructureError(
                _("Vous êtes déjà rattaché à %(raison_sociale)s.")
                % {"raison_sociale": structure.raison_sociale}
            )
        if current is not None and current.status == RattachementStatus.EN_COURS_DE_VALIDATION:
            raise StructureError(
                _("Une demande de rattachement à %(raison_sociale)s est déjà en cours.")
                % {"raison_sociale": structure.raison_sociale}
            )
    from choeur.structures.selectors import managers_of

    made: list[Rattachement] = []
    with transaction.atomic():
        for structure in structures:
            current = existing.get(structure.pk)
            if current is None:
                with unique_or_error(
                    _("Une demande de rattachement à %(name)s est déjà en cours.")
                    % {"name": structure.raison_sociale}
                ):
                    rattachement = Rattachement.objects.create(
                        user=user, structure=structure, role=Role.UTILISATEUR
                    )
                before = None
            else:
                rattachement = _lock(current)
                before = {"status": rattachement.status}
                rattachement.status = RattachementStatus.EN_COURS_DE_VALIDATION
                rattachement.role = Role.UTILISATEUR
                rattachement.reason = ""
                rattachement.decided_at = None
                rattachement.decided_by = None
                rattachement.save()
                rattachement.services.clear()
            audit_log_write(
                actor=user,
                action="rattachement.request",
                obj=rattachement,
                before=before,
                after={"status": rattachement.status, "user": user.email},
            )
            for manager in managers_of(structure):
                notify(
                    to=manager,
                    subject=_("Demande de rattachement à %(name)s")
                    % {"name": structure.raison_sociale},
                    template="structures/emails/rattachement_demande",
                    context={
                        "rattachement": rattachement,
                        "structure": structure,
                        "manager": manager,
                    },
                    url=reverse("structures:approvals", args=[structure.pk]),
                )
            made.append(rattachement)
    return made


def rattachement_approve(
    *,
    actor: Any,
    rattachement: Rattachement,
    subscriptions: dict[str, str] | None = None,
    services: Iterable[Service] | None = None,
) -> Rattachement:
    """Validate a pending request, with the espaces ({espace: mode}) and services given."""
    require(perms.can_decide_rattachement(actor, rattachement))
    structure = rattachement.structure
    clean = subscriptions_check(structure, subscriptions or {})
    chosen = _services_check(structure, services)
    with transaction.atomic():
        rattachement = _lock(rattachement)
        if rattachement.status != RattachementStatus.EN_COURS_DE_VALIDATION:
            raise StructureError(
                _("Cette demande a déjà été traitée (statut : %(status)s) : rien n'a été modifié.")
                % {"status": rattachement.get_status_display().lower()}
            )
        rattachement.status = RattachementStatus.VALIDEE
        rattachement.decided_at = timezone.now()
        rattachement.decided_by = actor
        rattachement.reason = ""
        rattachement.save()
        rattachement.services.set(chosen)
        subscriptions_replace(user=rattachement.user, structure=structure, subscriptions=clean)
        audit_log_write(
            actor=actor,
            action="rattachement.approve",
            obj=rattachement,
            before={"status": RattachementStatus.EN_COURS_DE_VALIDATION},
            after={
                "status": rattachement.status,
                "espaces": _espaces_label(clean),
                "services": _services_label(rattachement),
            },
        )
        notify(
            to=rattachement.user,
            subject=_("Votre rattachement à %(name)s est validé")
            % {"name": structure.raison_sociale},
            template="structures/emails/rattachement_validee",
            context={"rattachement": rattachement, "structure": structure},
            url=reverse("structures:my_rattachements"),
        )
    return rattachement


def rattachement_refuse(*, actor: Any, rattachement: Rattachement, reason: str) -> Rattachement:
    """Refuse a pending request; the reason is mandatory and sent to the user."""
    require(perms.can_decide_rattachement(actor, rattachement))
    reason = (reason or "").strip()
    if not reason:
        raise StructureError(_("Indiquez le motif du refus."), field="reason")
    if len(reason) > REASON_MAX:
        raise StructureError(
            _("Le motif dépasse %(reason_max)s caractères.") % {"reason_max": REASON_MAX},
            field="reason",
        )
    structure = rattachement.structure
    with transaction.atomic():
        rattachement = _lock(rattachement)
        if rattachement.status != RattachementStatus.EN_COURS_DE_VALIDATION:
            raise StructureError(
                _("Cette demande a déjà été traitée (statut : %(status)s) : rien n'a été modifié.")
                % {"status": rattachement.get_status_display().lower()}
            )
        rattachement.status = RattachementStatus.REFUSEE
        rattachement.reason = reason
        rattachement.decided_at = timezone.now()
        rattachement.decided_by = actor
        rattachement.save()
        audit_log_write(
            actor=actor,
            action="rattachement.refuse",
            obj=rattachement,
            before={"status": RattachementStatus.EN_COURS_DE_VALIDATION},
            after={"status": rattachement.status, "reason": reason},
        )
        notify(
            to=rattachement.user,
            subject=_("Votre demande de rattachement à %(name)s est refusée")
            % {"name": structure.raison_sociale},
            template="structures/emails/rattachement_refusee",
            context={"rattachement": rattachement, "structure": structure},
            url=reverse("structures:my_rattachements"),
        )
    return rattachement


def _espaces_label(subscriptions: dict[str, str]) -> str:
    return ", ".join(f"{espace}:{mode}" for espace, mode in sorted(subscriptions.items()))


def _end_membership(rattachement: Rattachement, status: str) -> None:
    rattachement.status = status
    rattachement.save()
    rattachement.services.clear()
    EspaceSubscription.objects.filter(
        user=rattachement.user, structure=rattachement.structure
    ).delete()


def _refuse_if_manager(rattachement: Rattachement) -> None:
    if (
        rattachement.role == Role.GESTIONNAIRE_PRINCIPAL
        and rattachement.status == RattachementStatus.VALIDEE
    ):
        raise StructureError(
            _(
                "Le gestionnaire principal ne peut pas quitter la structure : il doit d'abord "
                "transmettre son rôle à un autre membre actif (la structure garderait sinon aucun "
                "gestionnaire)."
            )
        )


def rattachement_detach(*, actor: Any, rattachement: Rattachement) -> Rattachement:
    """The manager detaches a member: DESACTIVEE, his espaces and services removed."""
    require(perms.can_manage_structure(actor, rattachement.structure))
    with transaction.atomic():
        rattachement = _lock(rattachement)
        _refuse_if_manager(rattachement)
        if rattachement.status != RattachementStatus.VALIDEE:
            raise StructureError(_("Seul un membre au rattachement validé peut être détaché."))
        before = {
            "status": rattachement.status,
            "espaces": _espaces_label(
                subscriptions_as_dict(user=rattachement.user, structure=rattachement.structure)
            ),
            "services": _services_label(rattachement),
        }
        _end_membership(rattachement, RattachementStatus.DESACTIVEE)
        audit_log_write(
            actor=actor,
            action="rattachement.detach",
            obj=rattachement,
            before=before,
            after={"status": rattachement.status},
        )
    return rattachement


def rattachement_withdraw(*, user: Any, rattachement: Rattachement) -> Rattachement:
    """The user withdraws his pending request or leaves a structure (SUPPRIMEE)."""
    if rattachement.user_id != getattr(user, "pk", None):
        from django.http import Http404

        raise Http404
    with transaction.atomic():
        rattachement = _lock(rattachement)
        _refuse_if_manager(rattachement)
        require(perms.can_withdraw_rattachement(user, rattachement))
        before = {"status": rattachement.status}
        _end_membership(rattachement, RattachementStatus.SUPPRIMEE)
        audit_log_write(
            actor=user,
            action="rattachement.withdraw",
            obj=rattachement,
            before=before,
            after={"status": rattachement.status},
        )
    return rattachement


def _grant_manager_espace(rattachement: Rattachement) -> None:
    espace_open(rattachement.structure, Espace.ACTIVITES_GESTIONNAIRE)
    EspaceSubscription.objects.update_or_create(
        user=rattachement.user,
        structure=rattachement.structure,
        espace=Espace.ACTIVITES_GESTIONNAIRE,
        defaults={"mode": AccessMode.MODIFICATION},
    )


def rattachement_handover(*, actor: Any, target: Rattachement) -> Rattachement:
    """The gestionnaire principal hands his role over to another active, validated member."""
    structure = target.structure
    require(perms.can_manage_structure(actor, structure))
    with transaction.atomic():
        target = _lock(target)
        current = (
            Rattachement.objects.select_for_update(of=("self",))
            .select_related("user", "structure")
            .get(
                structure=structure,
                role=Role.GESTIONNAIRE_PRINCIPAL,
                status=RattachementStatus.VALIDEE,
            )
        )
        if target.pk == current.pk:
            raise StructureError(_("Vous êtes déjà le gestionnaire principal."))
        if target.status != RattachementStatus.VALIDEE:
            raise StructureError(
                _("Le rôle ne peut être transmis qu'à un membre au rattachement validé.")
            )
        if not target.user.is_active or getattr(target.user, "is_technical", False):
            raise StructureError(
                _(
                    "Le rôle ne peut être transmis qu'à une personne dont le compte est actif "
                    "(pas à un compte technique)."
                )
            )
        # Demote first: one validated gestionnaire principal per structure (database constraint).
        current.role = Role.UTILISATEUR
        current.save(update_fields=["role"])
        EspaceSubscription.objects.filter(
            user=current.user, structure=structure, espace=Espace.ACTIVITES_GESTIONNAIRE
        ).delete()
        target.role = Role.GESTIONNAIRE_PRINCIPAL
        target.save(update_fields=["role"])
        _grant_manager_espace(target)
        for row, before_role in (
            (current, Role.GESTIONNAIRE_PRINCIPAL),
            (target, Role.UTILISATEUR),
        ):
            audit_log_write(
                actor=actor,
                action="rattachement.handover",
                obj=row,
                before={"role": before_role},
                after={"role": row.role},
            )
        notify(
            to=target.user,
            subject=_("Vous êtes gestionnaire principal de %(name)s")
            % {"name": structure.raison_sociale},
            template="structures/emails/gestionnaire_nomme",
            context={"rattachement": target, "structure": structure},
        )
    return target


def rattachement_appoint_manager(*, actor: Any, rattachement: Rattachement) -> Rattachement:
    """A platform operator appoints a new gestionnaire principal when the previous one has left
    (A.3). The candidate needs an active account; a pending request is validated on the way."""
    require(perms.can_appoint_manager(actor))
    structure = rattachement.structure
    with transaction.atomic():
        rattachement = _lock(rattachement)
        if rattachement.status not in (
            RattachementStatus.VALIDEE,
            RattachementStatus.EN_COURS_DE_VALIDATION,
        ):
            raise StructureError(
                _("Le candidat doit être rattaché à la structure (ou en attente de validation).")
            )
        if not rattachement.user.is_active or getattr(rattachement.user, "is_technical", False):
            raise StructureError(
                _("Le candidat doit avoir un compte actif, qui ne soit pas technique.")
            )
        if (
            rattachement.role == Role.GESTIONNAIRE_PRINCIPAL
            and rattachement.status == RattachementStatus.VALIDEE
        ):
            raise StructureError(_("Cet utilisateur est déjà le gestionnaire principal."))
        previous = (
            Rattachement.objects.select_for_update()
            .filter(
                structure=structure,
                role=Role.GESTIONNAIRE_PRINCIPAL,
                status=RattachementStatus.VALIDEE,
            )
            .first()
        )
        if previous is not None:
            previous.role = Role.UTILISATEUR
            previous.save(update_fields=["role"])
            EspaceSubscription.objects.filter(
                user=previous.user, structure=structure, espace=Espace.ACTIVITES_GESTIONNAIRE
            ).delete()
            audit_log_write(
                actor=actor,
                action="rattachement.appoint_manager",
                obj=previous,
                before={"role": Role.GESTIONNAIRE_PRINCIPAL},
                after={"role": Role.UTILISATEUR},
            )
        before = {"role": rattachement.role, "status": rattachement.status}
        rattachement.role = Role.GESTIONNAIRE_PRINCIPAL
        if rattachement.status != RattachementStatus.VALIDEE:
            rattachement.status = RattachementStatus.VALIDEE
            rattachement.decided_at = timezone.now()
            rattachement.decided_by = actor
        rattachement.save()
        _grant_manager_espace(rattachement)
        audit_log_write(
            actor=actor,
            action="rattachement.appoint_manager",
            obj=rattachement,
            before=before,
            after={"role": rattachement.role, "status": rattachement.status},
        )
        notify(
            to=rattachement.user,
            subject=_("Vous êtes gestionnaire principal de %(name)s")
            % {"name": structure.raison_sociale},
            template="structures/emails/gestionnaire_nomme",
            context={"rattachement": rattachement, "structure": structure},
        )
    return rattachement


def rattachement_rights_update(
    *,
    actor: Any,
    rattachement: Rattachement,
    subscriptions: dict[str, str],
    services: Iterable[Service] | None = None,
) -> Rattachement:
    """The manager sets a member's espaces ({espace: mode}) and services."""
    structure = rattachement.structure
    require(perms.can_manage_structure(actor, structure))
    clean = subscriptions_check(structure, subscriptions)
    chosen = _services_check(structure, services)
    with transaction.atomic():
        rattachement = _lock(rattachement)
        if rattachement.status != RattachementStatus.VALIDEE:
            raise StructureError(
                _("Seuls les droits d'un membre au rattachement validé se modifient.")
            )
        if rattachement.role == Role.GESTIONNAIRE_PRINCIPAL:
            # The manager keeps his own espace whatever the form says.
            espace_open(structure, Espace.ACTIVITES_GESTIONNAIRE)
            clean[Espace.ACTIVITES_GESTIONNAIRE] = AccessMode.MODIFICATION
        before = {
            "espaces": _espaces_label(
                subscriptions_as_dict(user=rattachement.user, structure=structure)
            ),
            "services": _services_label(rattachement),
        }
        subscriptions_replace(user=rattachement.user, structure=structure, subscriptions=clean)
        rattachement.services.set(chosen)
        after = {"espaces": _espaces_label(clean), "services": _services_label(rattachement)}
        if before != after:
            audit_log_write(
                actor=actor,
                action="rattachement.rights",
                obj=rattachement,
                before=before,
                after=after,
            )
    return rattachement


def rattachement_rights_copy(
    *, actor: Any, source: Rattachement, target: Rattachement
) -> Rattachement:
    """« Duplication des droits »: the target gets exactly the source's espaces and services."""
    structure = source.structure
    require(perms.can_manage_structure(actor, structure))
    if target.structure_id != structure.pk:
        raise StructureError(_("Les deux utilisateurs doivent appartenir à la même structure."))
    if source.pk == target.pk:
        raise StructureError(_("Choisissez deux utilisateurs différents."))
    for row in (source, target):
        if row.status != RattachementStatus.VALIDEE:
            raise StructureError(_("Les deux utilisateurs doivent avoir un rattachement validé."))
    subscriptions = subscriptions_as_dict(user=source.user, structure=structure)
    if target.role != Role.GESTIONNAIRE_PRINCIPAL:
        subscriptions.pop(Espace.ACTIVITES_GESTIONNAIRE, None)
    return rattachement_rights_update(
        actor=actor,
        rattachement=target,
        subscriptions=subscriptions,
        services=list(source.services.all()),
    )


def espace_self_subscription_set(
    *, user: Any, structure: Structure, espace: str, mode: str | None
) -> None:
    """A member adds (mode given) or removes (None) « Factures émises » for himself (B.4)."""
    require(perms.can_self_subscribe(user, structure, espace))
    if mode is not None and mode not in AccessMode.values:
        raise StructureError(_("Mode d'accès inconnu."))
    rattachement = Rattachement.objects.get(
        user=user, structure=structure, status=RattachementStatus.VALIDEE
    )
    with transaction.atomic():
        current = EspaceSubscription.objects.filter(
            user=user, structure=structure, espace=espace
        ).first()
        before = {"espace": espace, "mode": current.mode if current else None}
        if mode is None:
            if current is None:
                return
            current.delete()
        else:
            if current is not None and current.mode == mode:
                return
            EspaceSubscription.objects.update_or_create(
                user=user, structure=structure, espace=espace, defaults={"mode": mode}
            )
        audit_log_write(
            actor=user,
            action="rattachement.self_subscription",
            obj=rattachement,
            before=before,
            after={"espace": espace, "mode": mode},
        )
