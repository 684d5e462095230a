"""The validator circuit of cadres A9 (subcontractor) and A12 (co-contractor), reference C.3.

A subcontractor of first rank with direct payment deposits with A9, naming the prime
contractor (structure + service) as validator; a co-contractor deposits with A12, naming the
mandataire. Under co-contracting a subcontractor's invoice is validated by the co-contractor
(level 1) and then by the mandataire (level 2). Each validator has 15 days to accept or refuse;
without an answer the validation is tacit. Only then does the recipient receive the invoice.

Every move goes through the one transition table (`choeur.lifecycle.transitions`, block
« validator circuit »), in one transaction that locks the invoice, writes the history row, the
circuit's decision, the audit row, and queues the emails (they leave after commit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.invoices.enums import AttachmentKind, CadreFacturation, InvoiceStatus
from choeur.invoices.models import (
    Attachment,
    Flux,
    Invoice,
    InvoiceValidation,
    ValidationDecision,
)
from choeur.invoices.services.rules import attachment_problems
from choeur.invoices.services.status import invoice_set_status
from choeur.lifecycle.transitions import (
    LABELS,
    VALIDATION_DELAY_DAYS,
    VALIDATION_LEVELS,
    WORKS_STATUSES,
    Actor,
    Effect,
    Rule,
    Status,
    TransitionRefused,
    check,
)
from choeur.structures import perms as structure_perms
from choeur.structures.enums import AccessMode, Espace
from choeur.structures.models import Service, Structure, StructureEspace

CADRES_A_VALIDER = frozenset(
    {CadreFacturation.A9_FACTURE_SOUSTRAITANT.value, CadreFacturation.A12_FACTURE_COTRAITANT.value}
)
# The works projets of a subcontractor (A10, A11) or a co-contractor (A13, A14) go through the
# same circuit, their validators named by the fiche identité du marché (choeur/works/).
WORKS_VALIDATED_CADRES = frozenset(
    {
        CadreFacturation.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT.value,
        CadreFacturation.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT.value,
        CadreFacturation.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT.value,
        CadreFacturation.A14_PROJET_DECOMPTE_FINAL_COTRAITANT.value,
    }
)
# Statuses of an invoice still in its validation circuit (the recipient does not see it yet).
CIRCUIT_STATUSES = frozenset(
    status.value for statuses in VALIDATION_LEVELS.values() for status in statuses
)
WAITING_STATUSES = {level: statuses[0].value for level, statuses in VALIDATION_LEVELS.items()}
# What a validator sees of the invoices it validated (`recuperer/statutsFactureVisibles/valideur`):
# the circuit, then the recipient's processing.
VISIBLE_TO_VALIDATOR: tuple[str, ...] = (
    *(s.value for statuses in VALIDATION_LEVELS.values() for s in statuses),
    Status.MISE_A_DISPOSITION.value,
    Status.SUSPENDUE.value,
    Status.COMPLETEE.value,
    Status.A_RECYCLER.value,
    Status.REJETEE.value,
    Status.SERVICE_FAIT.value,
    Status.MANDATEE.value,
    Status.MISE_A_DISPOSITION_COMPTABLE.value,
    Status.COMPTABILISEE.value,
    Status.MISE_EN_PAIEMENT.value,
    # a works projet the validator accepted goes on through the MOE and the MOA
    *(s.value for s in WORKS_STATUSES),
)
COMMENT_MAX = 2000


class ValidatorRefusalReason(models.TextChoices):
    """Why a validator refuses (`recuperer/motifs/refus/Facture/AValider`). The reference gives
    no list [I]: these follow what the prime contractor or the mandataire checks before the
    public buyer pays a subcontractor or a co-contractor directly."""

    PRESTATIONS_NON_CONFORMES = (
        "PRESTATIONS_NON_CONFORMES",
        _("Prestations non réalisées ou non conformes"),
    )
    MONTANT_ERRONE = "MONTANT_ERRONE", _("Montant erroné ou supérieur à la part prévue au marché")
    SOUS_TRAITANCE_NON_ACCEPTEE = (
        "SOUS_TRAITANCE_NON_ACCEPTEE",
        _("Sous-traitant non accepté ou conditions de paiement non agréées"),
    )
    PIECES_MANQUANTES = "PIECES_MANQUANTES", _("Pièces justificatives manquantes")
    DOUBLON = "DOUBLON", _("Facture déjà présentée")
    ERREUR_VALIDEUR = (
        "ERREUR_VALIDEUR",
        _("Je ne suis pas le valideur de cette facture"),
    )
    AUTRE = "AUTRE", _("Autre motif")


class ValidationAction(models.TextChoices):
    VALIDATION = "VALIDATION", _("Validation")
    REFUS = "REFUS", _("Refus")
    ERREUR_VALIDEUR = "ERREUR_VALIDEUR", _("Valideur erroné")
    TACITE = "TACITE", _("Validation tacite (délai dépassé)")
    CORRECTION = "CORRECTION", _("Valideur corrigé par le fournisseur")


class ValidationRefused(Exception):
    """A refused validator or action; `message` is French and shown as is; nothing was written."""

    def __init__(self, message: str, *, code: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class ValidatorChoice:
    validator_1: Structure
    service_1: Service | None
    validator_2: Structure | None = None
    service_2: Service | None = None


# --- the validator named at deposit ------------------------------------------------------------


def validator_check(
    *, identifier: str, service_code: str, supplier: Structure | None, level: int = 1
) -> tuple[Structure, Service | None]:
    """The validator a supplier names (`codeStructureValideur`, `codeServiceValideur`): an active
    structure of Chœur, not the supplier itself, whose espace « Factures à valider » is open;
    its service, when named, an active service of it."""
    field = f"valideur_{level}"
    which = "du valideur" if level == 1 else "du second valideur (mandataire)"
    code = "".join(identifier.split()).upper()
    if not code:
        raise ValidationRefused(
            f"L'identifiant {which} (SIRET) est obligatoire.", code="VALIDATOR_MISSING", field=field
        )
    structure = Structure.objects.filter(identifier=code).order_by("-is_active").first()
    if structure is None:
        raise ValidationRefused(
            f"Le valideur {code} n'est pas une structure inscrite sur Chœur : indiquez le SIRET "
            "du titulaire du marché (sous-traitance) ou du mandataire (cotraitance).",
            code="VALIDATOR_UNKNOWN",
            field=field,
        )
    if not structure.is_active:
        raise ValidationRefused(
            f"Le valideur {code} ({structure.raison_sociale}) est une structure inactive.",
            code="VALIDATOR_INACTIVE",
            field=field,
        )
    if supplier is not None and structure.pk == supplier.pk:
        raise ValidationRefused(
            "Le valideur ne peut pas être la structure qui émet la facture.",
            code="VALIDATOR_IS_SUPPLIER",
            field=field,
        )
    if not StructureEspace.objects.filter(
        structure=structure, espace=Espace.FACTURES_A_VALIDER, is_open=True
    ).exists():
        raise ValidationRefused(
            f"La structure {code} ({structure.raison_sociale}) ne valide pas de factures : son "
            "espace « Factures à valider » n'est pas ouvert.",
            code="VALIDATOR_NO_ESPACE",
            field=field,
        )
    service: Service | None = None
    wanted = service_code.strip()
    if wanted:
        service = Service.objects.filter(structure=structure, code__iexact=wanted).first()
        if service is None:
            raise ValidationRefused(
                f"Le service « {wanted} » n'existe pas chez le valideur {code} "
                f"({structure.raison_sociale}).",
                code="VALIDATOR_SERVICE_UNKNOWN",
                field=f"service_valideur_{level}",
            )
        if not service.is_active:
            raise ValidationRefused(
                f"Le service « {service.code} » du valideur {code} est inactif.",
                code="VALIDATOR_SERVICE_INACTIVE",
                field=f"service_valideur_{level}",
            )
    return structure, service


def validators_check(
    *,
    cadre: str,
    supplier: Structure | None,
    identifier_1: str = "",
    service_1: str = "",
    identifier_2: str = "",
    service_2: str = "",
) -> ValidatorChoice | None:
    """The validators of a deposit: required for A9 and A12, refused for other cadres; a second
    level only for a subcontractor under co-contracting (A9), and distinct from the first."""
    named = any(v.strip() for v in (identifier_1, service_1, identifier_2, service_2))
    if cadre in WORKS_VALIDATED_CADRES:
        if named:
            raise ValidationRefused(
                "Le valideur d'un projet de décompte de sous-traitant (A10, A11) ou de "
                "cotraitant (A13, A14) vient de la fiche identité du marché (le titulaire, et "
                "le cotraitant pour son sous-traitant) : ne le renseignez pas.",
                code="VALIDATOR_FROM_CONTRACT",
                field="valideur_1",
            )
        return None
    if cadre not in CADRES_A_VALIDER:
        if named:
            raise ValidationRefused(
                "Un valideur ne se renseigne que pour une facture de sous-traitant (cadre A9) "
                "ou de cotraitant (cadre A12).",
                code="VALIDATOR_NOT_EXPECTED",
                field="valideur_1",
            )
        return None
    if not identifier_1.strip():
        who = (
            "du titulaire du marché"
            if cadre == CadreFacturation.A9_FACTURE_SOUSTRAITANT
            else "du mandataire du groupement"
        )
        raise ValidationRefused(
            f"Le cadre {cadre.split('_', 1)[0]} demande un valideur : indiquez le SIRET {who}.",
            code="VALIDATOR_MISSING",
            field="valideur_1",
        )
    first, first_service = validator_check(
        identifier=identifier_1, service_code=service_1, supplier=supplier, level=1
    )
    if not (identifier_2.strip() or service_2.strip()):
        return ValidatorChoice(first, first_service)
    if cadre != CadreFacturation.A9_FACTURE_SOUSTRAITANT:
        raise ValidationRefused(
            "Un second valideur ne se renseigne que pour un sous-traitant d'un cotraitant "
            "(cadre A9) : la facture d'un cotraitant n'a que le mandataire pour valideur.",
            code="VALIDATOR_2_NOT_EXPECTED",
            field="valideur_2",
        )
    second, second_service = validator_check(
        identifier=identifier_2, service_code=service_2, supplier=supplier, level=2
    )
    if second.pk == first.pk:
        raise ValidationRefused(
            "Le second valideur (le mandataire) doit être une autre structure que le premier "
            "(le cotraitant).",
            code="VALIDATOR_2_SAME",
            field="valideur_2",
        )
    return ValidatorChoice(first, first_service, second, second_service)


def validation_request_attach(*, flux: Flux, choice: ValidatorChoice | None) -> None:
    """Keep the validators named with a deposit until its integration."""
    if choice is None:
        return
    InvoiceValidation.objects.update_or_create(
        flux=flux,
        defaults={
            "validator_1": choice.validator_1,
            "service_1": choice.service_1,
            "validator_2": choice.validator_2,
            "service_2": choice.service_2,
        },
    )


# --- who may see and act -------------------------------------------------------------------


def _technical_structure_id(user: Any) -> int | None:
    if not getattr(user, "is_technical", False) or not user.is_active:
        return None
    from choeur.structures.models import TechnicalAccount

    return (
        TechnicalAccount.objects.filter(user=user, is_active=True)
        .values_list("structure_id", flat=True)
        .first()
    )


def validator_structures(user: Any, mode: str = AccessMode.CONSULTATION) -> list[Structure]:
    """The structures whose « Factures à valider » the user works in (or its compte technique)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    technical = _technical_structure_id(user)
    return [
        s
        for s in structure_perms.user_structures(user).order_by("raison_sociale")
        if s.pk == technical or structure_perms.has_espace(user, s, Espace.FACTURES_A_VALIDER, mode)
    ]


def _scope(structure_ids: list[int]) -> Q:
    return Q(validation__validator_1_id__in=structure_ids) | Q(
        validation__validator_2_id__in=structure_ids, validation__level=2
    )


def invoices_to_validate(user: Any, mode: str = AccessMode.CONSULTATION) -> QuerySet[Invoice]:
    """The invoices the user's structures validate (level 1, or level 2 once reached)."""
    ids = [s.pk for s in validator_structures(user, mode)]
    return (
        Invoice.objects.filter(_scope(ids))
        .filter(status__in=VISIBLE_TO_VALIDATOR)
        .select_related("supplier", "recipient", "service", "validation")
        .distinct()
    )


def invoice_get_for_validator(*, user: Any, invoice_id: int) -> Invoice:
    """One invoice the user's structures validate, or Invoice.DoesNotExist (a 404)."""
    return invoices_to_validate(user).get(pk=invoice_id)


def current_validator(invoice: Invoice) -> Structure | None:
    validation: InvoiceValidation | None = getattr(invoice, "validation", None)
    if validation is None:
        return None
    return validation.validator_2 if validation.level == 2 else validation.validator_1


def can_validate(user: Any, invoice: Invoice) -> bool:
    """Accepting or refusing needs « Factures à valider » in Modification on the validator of
    the invoice's current level (or being its compte technique)."""
    validator = current_validator(invoice)
    if validator is None:
        return False
    return any(s.pk == validator.pk for s in validator_structures(user, AccessMode.MODIFICATION))


def _validator_users(structure: Structure) -> list[Any]:
    from choeur.structures.selectors import espace_users

    return espace_users(structure, Espace.FACTURES_A_VALIDER)


# --- moves ----------------------------------------------------------------------------------


def _label(value: str) -> str:
    try:
        return LABELS[Status(value)]
    except ValueError:
        return str(InvoiceStatus(value).label) if value in InvoiceStatus.values else value


def _notify(*, invoice: Invoice, rule: Rule, before: str, reason: str) -> None:
    """The supplier and the recipient are told as on every status change (the lifecycle's
    emails); the validator of the current level when an invoice waits for it."""
    from choeur.lifecycle.services import _notify as lifecycle_notify
    from choeur.notifications.enums import NotificationKind
    from choeur.notifications.services import email_queue, notify
    from choeur.notifications.webhooks import webhooks_invoice_status_changed

    lifecycle_notify(invoice=invoice, rule=rule, before=before, reason=reason)
    webhooks_invoice_status_changed(
        invoice=invoice, before=before, received=Effect.NOTIFY_RECIPIENT in rule.effects
    )
    if Effect.NOTIFY_VALIDATOR not in rule.effects:
        return
    validator = current_validator(invoice)
    if validator is None:
        return
    context = {
        "number": invoice.number,
        "supplier": invoice.supplier.raison_sociale,
        "recipient": invoice.recipient.raison_sociale,
        "validator": validator.raison_sociale,
        "total_ttc": invoice.total_ttc,
        "days": VALIDATION_DELAY_DAYS,
    }
    title = f"Facture à valider : {invoice.number} de {invoice.supplier.raison_sociale}"
    path = reverse("validation:detail", args=[invoice.pk])
    users = _validator_users(validator)
    if users:
        notify(
            users=users,
            kind=NotificationKind.INVOICE_RECEIVED,
            title=title,
            body=f"À valider sous {VALIDATION_DELAY_DAYS} jours, sans quoi elle sera validée "
            "tacitement.",
            template="invoices/emails/to_validate",
            context=context,
            url=path,
        )
    elif validator.email:
        from django.conf import settings

        email_queue(
            to=validator.email,
            subject=title,
            template="invoices/emails/to_validate",
            context={**context, "url": settings.SITE_URL + path},
        )


def _move(
    *,
    invoice: Invoice,
    to: Status,
    actor: Actor,
    user: Any,
    reason: str = "",
) -> Rule:
    """One move of the table on a locked invoice, with its history row and emails."""
    try:
        rule = check(from_status=invoice.status, to_status=to.value, actor=actor, reason=reason)
    except TransitionRefused as refused:
        raise ValidationRefused(refused.message, code=refused.code) from refused
    before = invoice.status
    invoice_set_status(invoice=invoice, to=to.value, actor=user, reason=reason)
    _notify(invoice=invoice, rule=rule, before=before, reason=reason)
    return rule


def _advance(*, invoice: Invoice, validation: InvoiceValidation) -> None:
    """After a validation (explicit or tacit): on to the second level, or to the recipient."""
    if validation.level == 1 and validation.validator_2_id is not None:
        validation.level = 2
        validation.started_at = timezone.now()
        validation.save(update_fields=["level", "started_at"])
        invoice.validation = validation
        _move(invoice=invoice, to=Status.A_VALIDER_2, actor=Actor.SYSTEM, user=None)
        return
    from choeur.works.services import works_enter_after_validation

    if works_enter_after_validation(invoice=invoice):  # A10/A11, A13/A14: on to the MOE (or MOA)
        return
    _move(invoice=invoice, to=Status.MISE_A_DISPOSITION, actor=Actor.SYSTEM, user=None)


def _locked(invoice: Invoice) -> tuple[Invoice, InvoiceValidation]:
    locked = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("supplier", "recipient", "service", "deposited_by")
        .get(pk=invoice.pk)
    )
    validation = (
        InvoiceValidation.objects.select_for_update(of=("self",))
        .select_related("validator_1", "validator_2", "service_1", "service_2")
        .filter(invoice=locked)
        .first()
    )
    if validation is None:
        raise ValidationRefused(
            "Cette facture n'a pas de circuit de validation.", code="NO_CIRCUIT"
        )
    locked.validation = validation
    return locked, validation


def route_after_deposit(*, invoice: Invoice) -> None:
    """Integration's post-routing step: an A9 or A12 invoice goes to its validator
    (A_VALIDER_1), any other to its recipient (MISE_A_DISPOSITION) as before. A flux that named
    no validator, or one that can no longer validate, waits for the supplier to name it
    (ERREUR_FOURNISSEUR_SUR_VALIDEUR)."""
    if invoice.cadre not in CADRES_A_VALIDER:
        from choeur.works.services import route_after_deposit as works_route

        if works_route(invoice=invoice):  # works invoices: to their MOE, MOA or paying service
            return
        invoice_set_status(invoice=invoice, to=InvoiceStatus.MISE_A_DISPOSITION, actor=None)
        return
    with transaction.atomic():
        validation = (
            InvoiceValidation.objects.select_for_update()
            .filter(Q(invoice=invoice) | Q(flux_id=invoice.flux_id, invoice__isnull=True))
            .first()
        )
        problem = ""
        if validation is None or validation.validator_1 is None:
            problem = (
                "Aucun valideur n'a été indiqué avec le dépôt : indiquez le titulaire du marché "
                "(cadre A9) ou le mandataire (cadre A12)."
            )
        else:
            try:
                validators_check(
                    cadre=invoice.cadre,
                    supplier=invoice.supplier,
                    identifier_1=validation.validator_1.identifier,
                    service_1=validation.service_1.code if validation.service_1 else "",
                    identifier_2=validation.validator_2.identifier
                    if validation.validator_2
                    else "",
                    service_2=validation.service_2.code if validation.service_2 else "",
                )
            except ValidationRefused as refused:
                problem = refused.message
        if validation is None:
            validation = InvoiceValidation(invoice=invoice)
        _start(invoice=invoice, validation=validation, problem=problem)


def _start(*, invoice: Invoice, validation: InvoiceValidation, problem: str) -> None:
    validation.invoice = invoice
    validation.level = 1
    validation.started_at = timezone.now()
    validation.save()
    invoice.validation = validation
    if problem:
        _move(
            invoice=invoice,
            to=Status.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
            actor=Actor.SYSTEM,
            user=None,
            reason=problem,
        )
        return
    _move(invoice=invoice, to=Status.A_VALIDER_1, actor=Actor.SYSTEM, user=None)


def validation_start(*, invoice: Invoice, validators: tuple[Structure, ...]) -> None:
    """A works projet of a subcontractor (A10, A11) or a co-contractor (A13, A14): its
    validators come from the fiche identité du marché (the titulaire; first the co-contractor
    for a co-contractor's subcontractor). One that cannot validate (its « Factures à valider »
    closed, inactive) sends the invoice back to the supplier, who names the right one. In the
    caller's transaction."""
    problem = ""
    if not validators:
        problem = "Le fournisseur ne figure pas sur la fiche identité du marché : aucun valideur."
    for level, validator in enumerate(validators, start=1):
        try:
            validator_check(
                identifier=validator.identifier,
                service_code="",
                supplier=invoice.supplier,
                level=level,
            )
        except ValidationRefused as refused:
            problem = problem or refused.message
    validation, _created = InvoiceValidation.objects.select_for_update().get_or_create(
        invoice=invoice,
        defaults={
            "validator_1": validators[0] if validators else None,
            "validator_2": validators[1] if len(validators) > 1 else None,
        },
    )
    _start(invoice=invoice, validation=validation, problem=problem)


def _attachment(
    *, invoice: Invoice, user: Any, upload: tuple[str, bytes] | None, attachment_id: int | None
) -> Attachment | None:
    if upload is not None:
        name, data = upload
        problems = attachment_problems([(name, len(data))])
        if problems:
            raise ValidationRefused(
                problems[0].message, code="BAD_ATTACHMENT", field="piece_jointe"
            )
        return Attachment.objects.create(
            invoice=invoice,
            kind=AttachmentKind.COMPLEMENTAIRE,
            name=name[:255],
            file=stored_file_create(data=data, name=name, user=user),
            added_by=user if getattr(user, "is_authenticated", False) else None,
            added_on_status=invoice.status,
        )
    if attachment_id is not None:
        found = Attachment.objects.filter(pk=attachment_id, invoice=invoice).first()
        if found is None:
            found = Attachment.objects.filter(
                pk=attachment_id,
                invoice__isnull=True,
                draft__isnull=True,
                flux__isnull=True,
                added_by=user,
            ).first()
            if found is None:
                raise ValidationRefused(
                    f"La pièce jointe {attachment_id} est introuvable.",
                    code="ATTACHMENT_UNKNOWN",
                    field="piece_jointe",
                )
            found.invoice = invoice
            found.added_on_status = invoice.status
            found.save(update_fields=["invoice", "added_on_status"])
        return found
    return None


def invoice_validation_treat(
    *,
    invoice: Invoice,
    user: Any,
    action: str,
    reason_code: str = "",
    comment: str = "",
    upload: tuple[str, bytes] | None = None,
    attachment_id: int | None = None,
    expected_status: str | None = None,
) -> Invoice:
    """The validator accepts (VALIDATION) or refuses (REFUS, with a reason of the referential;
    « ERREUR_VALIDEUR » when it is not the right validator) the invoice of its current level."""
    if action not in (ValidationAction.VALIDATION, ValidationAction.REFUS):
        raise ValidationRefused(
            f"Action inconnue : « {action} ». Actions possibles : VALIDATION, REFUS.",
            code="UNKNOWN_ACTION",
            field="action",
        )
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationRefused(
            f"Le commentaire est trop long ({len(comment)} caractères, {COMMENT_MAX} au plus).",
            code="COMMENT_TOO_LONG",
            field="commentaire",
        )
    if action == ValidationAction.REFUS:
        if not reason_code:
            raise ValidationRefused(
                "Un motif de refus est obligatoire.", code="REASON_REQUIRED", field="motif"
            )
        if reason_code not in ValidatorRefusalReason.values:
            raise ValidationRefused(
                f"Motif de refus inconnu : « {reason_code} ».", code="UNKNOWN_REASON", field="motif"
            )
        if reason_code == ValidatorRefusalReason.AUTRE and not comment:
            raise ValidationRefused(
                "Précisez le motif « Autre motif » dans le commentaire.",
                code="COMMENT_REQUIRED",
                field="commentaire",
            )
    with transaction.atomic():
        locked, validation = _locked(invoice)
        if not can_validate(user, locked):
            raise ValidationRefused(
                "Vous n'avez pas les droits pour valider cette facture : il faut l'espace "
                "« Factures à valider » en modification sur la structure du valideur.",
                code="FORBIDDEN",
            )
        if expected_status is not None and locked.status != expected_status:
            raise ValidationRefused(
                "Le statut de cette facture a changé entre-temps : elle est maintenant "
                f"« {_label(locked.status)} ». Rechargez la page avant d'agir.",
                code="STALE",
            )
        level = validation.level
        waiting, validated, refused, _tacit, wrong = VALIDATION_LEVELS[level]
        if locked.status != waiting.value:
            raise ValidationRefused(
                f"Cette facture n'est pas à valider : elle est « {_label(locked.status)} ».",
                code="NOT_ALLOWED",
            )
        validator = current_validator(locked)
        piece = _attachment(invoice=locked, user=user, upload=upload, attachment_id=attachment_id)
        if action == ValidationAction.VALIDATION:
            target, kind = validated, ValidationAction.VALIDATION
            reason = comment
        else:
            label = str(ValidatorRefusalReason(reason_code).label)
            reason = f"{label} : {comment}" if comment else label
            if reason_code == ValidatorRefusalReason.ERREUR_VALIDEUR:
                target, kind = wrong, ValidationAction.ERREUR_VALIDEUR
            else:
                target, kind = refused, ValidationAction.REFUS
        _move(invoice=locked, to=target, actor=Actor.VALIDATOR, user=user, reason=reason)
        ValidationDecision.objects.create(
            invoice=locked,
            level=level,
            validator=validator,
            action=kind,
            reason_code=reason_code if action == ValidationAction.REFUS else "",
            comment=reason,
            attachment=piece,
            user=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_log_write(
            actor=user,
            action="invoice.validation",
            obj=locked,
            before={"status": waiting.value, "level": level},
            after={"status": target.value, "action": kind, "reason_code": reason_code},
        )
        if target is validated:
            today = timezone.localdate()
            if level == 1:
                validation.validated_1_at = today
            else:
                validation.validated_2_at = today
            validation.save(update_fields=["validated_1_at", "validated_2_at"])
            _advance(invoice=locked, validation=validation)
    invoice.status = locked.status
    invoice.status_changed_at = locked.status_changed_at
    return invoice


def invoice_validator_correct(
    *, invoice: Invoice, user: Any, identifier: str, service_code: str = ""
) -> Invoice:
    """The supplier names the right validator (`corriger/valideur/facture`) of an invoice its
    validator sent back (ERREUR_FOURNISSEUR_SUR_VALIDEUR: level 1; ERREUR_COTRAITANT_SUR_VALIDEUR:
    level 2); the invoice goes to that validator with 15 new days."""
    from choeur.invoices import perms as invoice_perms

    with transaction.atomic():
        locked, validation = _locked(invoice)
        if not invoice_perms.can_act_on_sent(user, locked.supplier):
            raise ValidationRefused(
                "Vous n'avez pas les droits pour modifier cette facture : il faut l'espace "
                "« Factures émises » en modification sur la structure émettrice.",
                code="FORBIDDEN",
            )
        levels = {statuses[4].value: level for level, statuses in VALIDATION_LEVELS.items()}
        level = levels.get(locked.status)
        if level is None:
            raise ValidationRefused(
                "Le valideur ne se corrige que sur une facture renvoyée pour erreur de valideur "
                f"; celle-ci est « {_label(locked.status)} ».",
                code="NOT_ALLOWED",
            )
        structure, service = validator_check(
            identifier=identifier, service_code=service_code, supplier=locked.supplier, level=level
        )
        other = validation.validator_2 if level == 1 else validation.validator_1
        if other is not None and other.pk == structure.pk:
            raise ValidationRefused(
                "Les deux niveaux de validation doivent être deux structures différentes.",
                code="VALIDATOR_2_SAME",
                field=f"valideur_{level}",
            )
        previous = validation.validator_1 if level == 1 else validation.validator_2
        before = {"validator": previous.identifier if previous is not None else ""}
        if level == 1:
            validation.validator_1, validation.service_1 = structure, service
        else:
            validation.validator_2, validation.service_2 = structure, service
        validation.level = level
        validation.started_at = timezone.now()
        validation.save()
        locked.validation = validation
        ValidationDecision.objects.create(
            invoice=locked,
            level=level,
            validator=structure,
            action=ValidationAction.CORRECTION,
            user=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_log_write(
            actor=user,
            action="invoice.validator_corrected",
            obj=locked,
            before=before,
            after={"validator": structure.identifier, "level": level},
        )
        _move(
            invoice=locked,
            to=VALIDATION_LEVELS[level][0],
            actor=Actor.SUPPLIER,
            user=user,
            reason=f"Nouveau valideur : {structure.raison_sociale} ({structure.identifier})",
        )
    invoice.status = locked.status
    invoice.status_changed_at = locked.status_changed_at
    return invoice


def tacit_validations_run(*, now: dt.datetime | None = None) -> int:
    """The periodic task's body: every invoice waiting for its validator for 15 days or more is
    validated tacitly (ABSENCE_VALIDATION_..._HORS_DELAI) and moves on. Returns how many."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=VALIDATION_DELAY_DAYS)
    due = list(
        InvoiceValidation.objects.filter(
            started_at__lte=limit,
            invoice__status__in=list(WAITING_STATUSES.values()),
        )
        .order_by("started_at")
        .values_list("invoice_id", flat=True)[:500]
    )
    done = 0
    for invoice_id in due:
        with transaction.atomic():
            invoice = (
                Invoice.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=invoice_id)
                .first()
            )
            if invoice is None:
                continue
            locked, validation = _locked(invoice)
            level = validation.level
            waiting, _v, _r, tacit, _w = VALIDATION_LEVELS[level]
            started = validation.started_at
            if locked.status != waiting.value or started is None or started > limit:
                continue
            reason = (
                f"Sans réponse du valideur dans les {VALIDATION_DELAY_DAYS} jours : "
                "validation tacite."
            )
            _move(invoice=locked, to=tacit, actor=Actor.SYSTEM, user=None, reason=reason)
            ValidationDecision.objects.create(
                invoice=locked,
                level=level,
                validator=current_validator(locked),
                action=ValidationAction.TACITE,
            )
            _advance(invoice=locked, validation=validation)
            done += 1
    return done


def decisions_of(invoice: Invoice) -> list[ValidationDecision]:
    return list(
        ValidationDecision.objects.filter(invoice=invoice).select_related(
            "validator", "attachment", "user"
        )
    )
