"""The works circuit's services (CCAG Travaux, reference C.3): the « fiche identité du marché »,
the routing of a supplier's deposit to its MOE or MOA, the MOE's and the MOA's actions with their
documents, and the regulatory delays (tacit procedures).

Every status change is checked against the one transition table (`choeur.lifecycle.
transitions`), goes through `invoice_set_status` (history and audit rows), and tells the next
party, and the supplier, after commit. A refused action raises `WorksRefused` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.core.formats import format_amount
from choeur.einvoice.model import Invoice as Pivot
from choeur.invoices.enums import CadreFacturation
from choeur.invoices.models import Invoice
from choeur.invoices.services.checks import Routing
from choeur.invoices.services.rules import Problem, attachment_problems
from choeur.invoices.services.status import invoice_set_status
from choeur.lifecycle.transitions import (
    LABELS,
    WORKS_MOA_OPEN,
    WORKS_MOE_OPEN,
    Actor,
    Effect,
    Rule,
    Status,
    TransitionRefused,
    check,
)
from choeur.structures.enums import Espace
from choeur.structures.models import EngagementJuridique, Service, Structure
from choeur.works import perms
from choeur.works.delays import moa_delay, moe_delay
from choeur.works.enums import (
    MOA_CADRE_FOR_FINAL,
    MOA_CADRE_FOR_MONTHLY,
    MOA_CADRES,
    MOE_CADRES,
    MOE_CADRES_FOR_FINAL,
    MOE_CADRES_FOR_MONTHLY,
    MONTHLY_CADRES,
    SUBCONTRACTOR_CADRES,
    SUPPLIER_CADRES,
    SUPPLIER_TO_MOA,
    SUPPLIER_TO_MOE,
    TYPE_BY_CADRE,
    VALIDATED_CADRES,
    WORKS_CADRES,
    MemberKind,
    WorksRole,
    cadre_label,
)
from choeur.works.models import WorksContract, WorksContractMember, WorksDocument, WorksInvoice

REASON_MAX = 2000
AMOUNT_MAX = Decimal("99999999999.99")
C = CadreFacturation


class WorksRefused(Exception):
    """A works action refused; `message` is French and shown as is; nothing was written."""

    def __init__(self, message: str, *, code: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


# --- fiche identité du marché ---------------------------------------------------------------


def _service_of(structure: Structure | None, service: Service | None, what: str) -> None:
    if service is not None and (structure is None or service.structure_id != structure.pk):
        raise WorksRefused(
            f"Le service « {service.code} » n'appartient pas à la structure {what}.",
            code="SERVICE",
            field=what,
        )


def contract_create(
    *,
    user: Any,
    engagement: EngagementJuridique,
    label: str,
    contract_number: str = "",
    supplier: Structure,
    moe: Structure | None,
    moa: Structure,
    moe_service: Service | None = None,
    moa_service: Service | None = None,
    payer_service: Service | None = None,
) -> WorksContract:
    """Record who is supplier, MOE, MOA and paying service of a works contract (C.3). The
    paying structure is the engagement's; the MOA is a structure flagged MOA (or « MOA
    uniquement ») in the directory; a « MOA uniquement » structure pays nothing."""
    payer = engagement.structure
    if not (perms.can_manage_contracts(user, payer) or perms.can_manage_contracts(user, moa)):
        raise WorksRefused(
            "Une fiche identité du marché est enregistrée par la structure payeuse ou la "
            "maîtrise d'ouvrage, avec l'espace « Factures de travaux » en modification.",
            code="FORBIDDEN",
        )
    label = label.strip()
    if not label:
        raise WorksRefused("Indiquez l'objet du marché.", code="LABEL", field="label")
    if len(label) > 255 or len(contract_number.strip()) > 50:
        raise WorksRefused(
            "L'objet du marché compte 255 caractères au plus, son numéro 50.", code="TOO_LONG"
        )
    if WorksContract.objects.filter(engagement=engagement).exists():
        raise WorksRefused(
            f"L'engagement {engagement.number} a déjà sa fiche identité du marché.",
            code="EXISTS",
        )
    if not engagement.accepts_invoices:
        raise WorksRefused(
            f"L'engagement {engagement.number} n'est plus ouvert à la facturation "
            f"({engagement.get_state_display()}).",
            code="ENGAGEMENT_CLOSED",
        )
    if payer.is_moa_only:
        raise WorksRefused(
            f"La structure {payer.identifier} ({payer.raison_sociale}) est « MOA uniquement » "
            "dans l'annuaire : elle ne paie pas de factures et ne peut pas être le service payeur.",
            code="PAYER_MOA_ONLY",
        )
    if not (moa.is_moa or moa.is_moa_only) or not moa.is_public:
        raise WorksRefused(
            f"La structure {moa.identifier} ({moa.raison_sociale}) n'est pas déclarée maîtrise "
            "d'ouvrage (MOA) dans l'annuaire.",
            code="NOT_MOA",
            field="moa",
        )
    for party, what in ((supplier, "titulaire"), (moe, "MOE"), (moa, "MOA")):
        if party is not None and not party.is_active:
            raise WorksRefused(
                f"La structure {party.identifier} ({what}) est inactive.", code="INACTIVE"
            )
    if moe is not None and moe.pk == supplier.pk:
        raise WorksRefused(
            "Le titulaire du marché ne peut pas en être la maîtrise d'œuvre.", code="MOE_SUPPLIER"
        )
    if supplier.is_public and supplier.pk == payer.pk:
        raise WorksRefused("Le titulaire ne peut pas être le payeur.", code="SUPPLIER_PAYER")
    _service_of(moe, moe_service, "MOE")
    _service_of(moa, moa_service, "MOA")
    _service_of(payer, payer_service, "payeuse")
    with transaction.atomic():
        contract = WorksContract.objects.create(
            engagement=engagement,
            label=label,
            contract_number=contract_number.strip(),
            supplier=supplier,
            moe=moe,
            moe_service=moe_service,
            moa=moa,
            moa_service=moa_service,
            payer_service=payer_service,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_log_write(
            actor=user,
            action="works.contract_create",
            obj=contract,
            after={
                "engagement": engagement.number,
                "supplier": supplier.identifier,
                "moe": moe.identifier if moe else None,
                "moa": moa.identifier,
                "payer": payer.identifier,
            },
        )
    return contract


def contract_member_add(
    *,
    user: Any,
    contract: WorksContract,
    structure: Structure,
    kind: str,
    under: Structure | None = None,
) -> WorksContractMember:
    """Record a subcontractor of first rank (direct payment) or a co-contractor on the fiche
    identité du marché, so its projets de décompte (A10/A11, A13/A14) reach their validator
    without re-typing: the titulaire (mandataire) validates, after the co-contractor when the
    subcontractor is a co-contractor's (`under`)."""
    payer = contract.engagement.structure
    if not (
        perms.can_manage_contracts(user, payer) or perms.can_manage_contracts(user, contract.moa)
    ):
        raise WorksRefused(
            "La fiche identité du marché se complète par la structure payeuse ou la maîtrise "
            "d'ouvrage, avec l'espace « Factures de travaux » en modification.",
            code="FORBIDDEN",
        )
    try:
        member_kind = MemberKind(kind)
    except ValueError as exc:
        raise WorksRefused(
            f"Qualité inconnue : « {kind} » (SOUSTRAITANT ou COTRAITANT).", code="KIND"
        ) from exc
    if not structure.is_active:
        raise WorksRefused(
            f"La structure {structure.identifier} ({structure.raison_sociale}) est inactive.",
            code="INACTIVE",
        )
    if structure.pk in (contract.supplier_id, contract.moe_id, contract.moa_id, payer.pk):
        raise WorksRefused(
            f"{structure.raison_sociale} est déjà partie au marché (titulaire, MOE, MOA ou "
            "payeur) : elle ne peut pas en être sous-traitant ou cotraitant.",
            code="ALREADY_PARTY",
        )
    if contract.members.filter(structure=structure).exists():
        raise WorksRefused(
            f"{structure.raison_sociale} figure déjà sur la fiche identité du marché.",
            code="EXISTS",
        )
    parent: WorksContractMember | None = None
    if under is not None and under.pk != contract.supplier_id:
        if member_kind is not MemberKind.SOUSTRAITANT:
            raise WorksRefused("Seul un sous-traitant se rattache à un cotraitant.", code="UNDER")
        parent = contract.members.filter(structure=under, kind=MemberKind.COTRAITANT).first()
        if parent is None:
            raise WorksRefused(
                f"{under.raison_sociale} n'est pas cotraitant de ce marché : enregistrez-le "
                "d'abord comme cotraitant.",
                code="UNDER",
            )
    with transaction.atomic():
        member = WorksContractMember.objects.create(
            contract=contract, structure=structure, kind=member_kind, under=parent
        )
        audit_log_write(
            actor=user,
            action="works.contract_member_add",
            obj=contract,
            after={
                "structure": structure.identifier,
                "kind": member_kind.value,
                "under": under.identifier if parent is not None and under else None,
            },
        )
    return member


def validators_of(contract: WorksContract, supplier: Structure) -> tuple[Structure, ...]:
    """Who validates a subcontractor's or co-contractor's projet under this contract, in order:
    the titulaire (as prime contractor or mandataire); for a co-contractor's subcontractor, that
    co-contractor first. Empty when the supplier is not on the fiche."""
    member = contract.members.filter(structure=supplier).select_related("under__structure").first()
    if member is None:
        return ()
    if member.under is not None:
        return (member.under.structure, contract.supplier)
    return (contract.supplier,)


def contract_for(*, recipient: Structure, engagement_number: str) -> WorksContract | None:
    number = (engagement_number or "").strip()
    if not number:
        return None
    return (
        WorksContract.objects.filter(engagement__structure=recipient, engagement__number=number)
        .select_related("engagement", "supplier", "moe", "moa")
        .first()
    )


# --- deposit: checks and routing --------------------------------------------------------------


def deposit_problems(*, routing: Routing, pivot: Pivot | None = None) -> list[Problem]:
    """What a works deposit needs beyond every invoice's checks: a supplier's cadre, the
    engagement juridique of a contract with its fiche identité, the deposit by its titulaire.
    Called by the invoices' routing checks, for every way in."""
    cadre = routing.cadre
    if cadre not in WORKS_CADRES:
        return []
    where, bt = "Cadre de facturation", "BT-23"
    if cadre in MOE_CADRES or cadre in MOA_CADRES:
        who = "la maîtrise d'œuvre" if cadre in MOE_CADRES else "la maîtrise d'ouvrage"
        return [
            Problem(
                "CHOEUR-TRAVAUX-01",
                f"Le cadre « {cadre} » est un document de {who} : il s'établit dans l'espace "
                "« Factures de travaux », sur le projet déposé par le titulaire, et ne se dépose "
                "pas comme une facture.",
                where,
                bt,
            )
        ]
    ej_where, ej_bt = "Référence du bon de commande (numéro d'engagement)", "BT-13"
    if not routing.engagement_number:
        return [
            Problem(
                "CHOEUR-TRAVAUX-02",
                "Une facture de travaux porte le numéro d'engagement juridique du marché : "
                "c'est lui qui désigne la maîtrise d'œuvre, la maîtrise d'ouvrage et le service "
                "payeur (fiche identité du marché).",
                ej_where,
                ej_bt,
            )
        ]
    contract = contract_for(
        recipient=routing.recipient, engagement_number=routing.engagement_number
    )
    if contract is None:
        return [
            Problem(
                "CHOEUR-TRAVAUX-03",
                f"Aucune fiche identité du marché n'est enregistrée pour l'engagement "
                f"« {routing.engagement_number} » de {routing.recipient.raison_sociale} : "
                "demandez à la maîtrise d'ouvrage de la créer avant de déposer des factures de "
                "travaux.",
                ej_where,
                ej_bt,
            )
        ]
    if cadre in VALIDATED_CADRES:
        kind = MemberKind.SOUSTRAITANT if cadre in SUBCONTRACTOR_CADRES else MemberKind.COTRAITANT
        if not contract.members.filter(structure=routing.supplier, kind=kind).exists():
            return [
                Problem(
                    "CHOEUR-TRAVAUX-05",
                    f"La structure {routing.supplier.identifier} n'est pas "
                    f"{'sous-traitant' if kind is MemberKind.SOUSTRAITANT else 'cotraitant'} "
                    f"du marché « {contract.label} » (engagement {routing.engagement_number}) "
                    "sur sa fiche identité : demandez à la maîtrise d'ouvrage de l'y ajouter, "
                    f"ou déposez avec le cadre qui convient.",
                    "Vendeur",
                    "BT-30",
                )
            ]
        return []
    if contract.supplier_id != routing.supplier.pk:
        return [
            Problem(
                "CHOEUR-TRAVAUX-04",
                f"La structure {routing.supplier.identifier} n'est pas le titulaire du marché "
                f"« {contract.label} » (engagement {routing.engagement_number}) : seul "
                f"{contract.supplier.raison_sociale} y dépose des factures de travaux.",
                "Vendeur",
                "BT-30",
            )
        ]
    return []


def route_after_deposit(*, invoice: Invoice) -> bool:
    """The post-routing status of a works deposit: to the MOE of its contract (projets de
    décompte), to the MOA (A5, A22, or a contract without MOE), or to the paying service (A6,
    A8, A23). False for any other cadre: the caller routes it as before."""
    if invoice.cadre not in SUPPLIER_CADRES:
        return False
    contract = contract_for(
        recipient=invoice.recipient, engagement_number=invoice.engagement_number
    )
    if contract is None:
        return False
    with transaction.atomic():
        works = WorksInvoice.objects.create(
            invoice=invoice,
            contract=contract,
            cadre=invoice.cadre,
            type_facture_travaux=TYPE_BY_CADRE[invoice.cadre],
            moe=contract.moe,
            moa=contract.moa,
            stage_started_at=timezone.now(),
        )
        audit_log_write(
            actor=invoice.deposited_by,
            action="works.deposit",
            obj=works,
            after={"invoice": invoice.pk, "cadre": invoice.cadre, "contract": contract.pk},
        )
        if invoice.cadre in VALIDATED_CADRES:
            # A subcontractor's or co-contractor's projet: first to its validators.
            from choeur.invoices.services.validation_circuit import validation_start

            validation_start(invoice=invoice, validators=validators_of(contract, invoice.supplier))
            return True
        _move(works=works, invoice=invoice, to=_entry_status(works), actor=Actor.SYSTEM, user=None)
    return True


def _entry_status(works: WorksInvoice) -> Status:
    """Where a deposit enters the circuit: the MOE of its contract (projets de décompte), the MOA
    (A5, A22, or a contract without MOE), or the paying service (A6, A8, A23)."""
    if works.cadre in SUPPLIER_TO_MOE and works.moe_id is not None:
        return Status.MISE_A_DISPOSITION_MOE
    if works.cadre in SUPPLIER_TO_MOE or works.cadre in SUPPLIER_TO_MOA:
        return Status.MISE_A_DISPOSITION_MOA
    return Status.MISE_A_DISPOSITION


def works_enter_after_validation(*, invoice: Invoice) -> bool:
    """A subcontractor's or co-contractor's projet its validators accepted (or let pass): into
    the works circuit, to the MOE (or the MOA). False when the invoice is no works projet (the
    validator circuit then hands it to its recipient). In the caller's transaction."""
    if invoice.cadre not in VALIDATED_CADRES:
        return False
    works = (
        WorksInvoice.objects.select_for_update(of=("self",))
        .select_related("contract", "moe", "moa")
        .filter(invoice_id=invoice.pk)
        .first()
    )
    if works is None:
        return False
    _move(works=works, invoice=invoice, to=_entry_status(works), actor=Actor.SYSTEM, user=None)
    return True


# --- moves and notifications ------------------------------------------------------------------


def _label(status: str) -> str:
    try:
        return LABELS[Status(status)]
    except ValueError:
        return status


def _party_users(structure: Structure | None) -> list[Any]:
    """The users of a party who work in its « Factures de travaux »."""
    if structure is None:
        return []
    from choeur.structures.selectors import espace_users

    return espace_users(structure, Espace.FACTURES_TRAVAUX)


def _notify(*, works: WorksInvoice, invoice: Invoice, rule: Rule, before: str, reason: str) -> None:
    from choeur.lifecycle.services import notify_supplier, recipient_users
    from choeur.notifications.enums import NotificationKind
    from choeur.notifications.services import notify

    path = reverse("works:detail", args=[invoice.pk])
    amount = f"{format_amount(invoice.total_ttc)} TTC"
    context = {
        "number": invoice.number,
        "supplier": invoice.supplier.raison_sociale,
        "contract": works.contract.label,
        "cadre": cadre_label(works.cadre),
        "before": _label(before),
        "after": _label(invoice.status),
        "reason": reason,
        "total_ttc": invoice.total_ttc,
    }
    if Effect.NOTIFY_SUPPLIER in rule.effects:
        body = f"Marché « {works.contract.label} », {amount}."
        if reason:
            body += f"\nMotif : {reason}"
        notify_supplier(
            invoice,
            title=f"Votre facture de travaux {invoice.number} : {_label(invoice.status)}",
            body=body,
            template="works/emails/status_changed",
            context=context,
            path=path,
        )
    parties: list[tuple[str, list[Any], str]] = []
    if Effect.NOTIFY_MOE in rule.effects:
        parties.append(("la maîtrise d'œuvre", _party_users(works.moe), path))
    if Effect.NOTIFY_MOA in rule.effects:
        parties.append(("la maîtrise d'ouvrage", _party_users(works.moa), path))
    if Effect.NOTIFY_RECIPIENT in rule.effects:
        parties.append(
            (
                "le service payeur",
                recipient_users(invoice),
                reverse("lifecycle:detail", args=[invoice.pk]),
            )
        )
    for who, users, url in parties:
        if users:
            notify(
                users=users,
                kind=NotificationKind.INVOICE_RECEIVED,
                title=f"Facture de travaux à traiter : {invoice.number}",
                body=f"De {invoice.supplier.raison_sociale}, marché « {works.contract.label} », "
                f"{amount}.",
                template="works/emails/to_process",
                context={**context, "who": who},
                url=url,
            )


def _move(
    *,
    works: WorksInvoice,
    invoice: Invoice,
    to: Status,
    actor: Actor,
    user: Any,
    reason: str = "",
) -> Rule:
    """One move of the table, in the caller's transaction (the invoice row locked by it)."""
    before = invoice.status
    try:
        rule = check(from_status=before, to_status=to.value, actor=actor, reason=reason)
    except TransitionRefused as refused:
        raise WorksRefused(refused.message, code=refused.code) from refused
    invoice_set_status(invoice=invoice, to=to.value, actor=user, reason=reason.strip())
    if to in (Status.MISE_A_DISPOSITION_MOE, Status.A_VALIDER_MOE, *WORKS_MOA_OPEN[:2]):
        works.stage_started_at = timezone.now()  # the next party's delay starts
        works.save(update_fields=["stage_started_at"])
    _notify(works=works, invoice=invoice, rule=rule, before=before, reason=reason.strip())
    from choeur.notifications.webhooks import webhooks_invoice_status_changed

    webhooks_invoice_status_changed(
        invoice=invoice, before=before, received=Effect.NOTIFY_RECIPIENT in rule.effects
    )
    return rule


def _locked(works_id: int) -> tuple[WorksInvoice, Invoice]:
    works = (
        WorksInvoice.objects.select_for_update(of=("self",))
        .select_related("contract", "moe", "moa")
        .get(pk=works_id)
    )
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("supplier", "recipient", "service", "deposited_by")
        .get(pk=works.invoice_id)
    )
    return works, invoice


ROLE_ACTOR = {
    WorksRole.FOURNISSEUR: Actor.SUPPLIER,
    WorksRole.MOE: Actor.MOE,
    WorksRole.MOA: Actor.MOA,
}


def _rights(user: Any, works: WorksInvoice, role: str) -> Actor:
    try:
        works_role = WorksRole(role)
    except ValueError as exc:
        raise WorksRefused(f"Rôle inconnu : « {role} ».", code="UNKNOWN_ROLE") from exc
    if not perms.can_act(user, works, works_role):
        raise WorksRefused(
            f"Vous n'avez pas les droits pour agir en tant que {works_role.label.lower()} sur "
            "cette facture : il faut l'espace « Factures de travaux » en modification sur la "
            "structure concernée.",
            code="FORBIDDEN",
        )
    return ROLE_ACTOR[works_role]


def _check_reason(reason: str) -> str:
    if len(reason) > REASON_MAX:
        raise WorksRefused(
            f"Le motif est trop long ({len(reason)} caractères, {REASON_MAX} au plus).",
            code="REASON_TOO_LONG",
            field="reason",
        )
    return reason.strip()


def works_act(
    *,
    works: WorksInvoice,
    user: Any,
    role: str,
    to_status: str,
    reason: str = "",
    expected_status: str | None = None,
    uploads: list[tuple[str, bytes]] | None = None,
) -> Invoice:
    """A move by the supplier (compléter, with the documents the MOE asked for), the MOE
    (prendre en compte, à compléter, refuser) or the MOA (prendre en compte, refuser). The
    transmissions, which come with a document, go through `works_document_issue`."""
    reason = _check_reason(reason)
    uploads = [u for u in (uploads or []) if u[0] or u[1]]
    if uploads:
        if to_status != Status.A_VALIDER_MOE:
            raise WorksRefused(
                "Des pièces jointes ne s'ajoutent qu'en complétant un projet « À compléter ».",
                code="FILE",
                field="files",
            )
        problems = attachment_problems([(name, len(data)) for name, data in uploads])
        if problems:
            raise WorksRefused(
                " ".join(
                    f"{p.location[:1].upper()}{p.location[1:]} : {p.message}" for p in problems
                ),
                code="FILE",
                field="files",
            )
    try:
        target = Status(to_status)
    except ValueError as exc:
        raise WorksRefused(f"Statut inconnu : « {to_status} ».", code="UNKNOWN_STATUS") from exc
    if target in (Status.TRANSMISE_MOA, Status.MISE_A_DISPOSITION):
        raise WorksRefused(
            "La transmission se fait avec le document qui l'accompagne (état d'acompte, "
            "décompte) : utilisez « Établir et transmettre ».",
            code="DOCUMENT_REQUIRED",
        )
    with transaction.atomic():
        locked, invoice = _locked(works.pk)
        actor = _rights(user, locked, role)
        if expected_status is not None and invoice.status != expected_status:
            raise WorksRefused(
                "Le statut de cette facture a changé entre-temps : elle est maintenant "
                f"« {_label(invoice.status)} ». Rechargez la page avant d'agir.",
                code="STALE",
            )
        names = _attach(invoice=invoice, user=user, uploads=uploads)
        if names:
            reason = (f"{reason}\n" if reason else "") + "Pièces jointes : " + ", ".join(names)
        _move(works=locked, invoice=invoice, to=target, actor=actor, user=user, reason=reason)
    return invoice


def _attach(*, invoice: Invoice, user: Any, uploads: list[tuple[str, bytes]]) -> list[str]:
    """The titulaire's documents completing its projet: stored (sha256, deduplicated) as
    complementary attachments of the invoice, seen by the MOE, the MOA and the paying service."""
    from choeur.invoices.enums import AttachmentKind
    from choeur.invoices.models import Attachment

    names = []
    for name, data in uploads:
        stored = stored_file_create(
            data=data,
            name=name,
            content_type="application/pdf"
            if name.lower().endswith(".pdf")
            else "application/octet-stream",
            user=user,
        )
        created = Attachment.objects.create(
            invoice=invoice,
            kind=AttachmentKind.COMPLEMENTAIRE,
            name=name[:255],
            file=stored,
            added_by=user if getattr(user, "is_authenticated", False) else None,
            added_on_status=invoice.status,
        )
        audit_log_write(
            actor=user,
            action="works.attachment",
            obj=created,
            after={"invoice": invoice.pk, "name": name, "sha256": stored.sha256},
        )
        names.append(name)
    return names


@dataclass
class DocumentInput:
    cadre: str
    number: str
    amount_ht: str | Decimal
    amount_ttc: str | Decimal
    comment: str = ""
    upload: tuple[str, bytes] | None = None


def _amount(value: str | Decimal, what: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise WorksRefused(
            f"Le montant {what} « {value} » n'est pas un nombre.", code="AMOUNT", field=what
        ) from exc
    if not amount.is_finite() or amount < 0 or amount > AMOUNT_MAX:
        raise WorksRefused(
            f"Le montant {what} doit être positif et inférieur à 100 milliards.",
            code="AMOUNT",
            field=what,
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise WorksRefused(
            f"Le montant {what} a au plus deux décimales.", code="AMOUNT", field=what
        )
    return amount.quantize(Decimal("0.01"))


def allowed_document_cadres(works: WorksInvoice, role: str) -> list[str]:
    """The documents the MOE (or the MOA) may issue on this works invoice, in order."""
    monthly = works.cadre in MONTHLY_CADRES
    if role == WorksRole.MOE:
        allowed = MOE_CADRES_FOR_MONTHLY if monthly else MOE_CADRES_FOR_FINAL
    elif role == WorksRole.MOA:
        allowed = frozenset({MOA_CADRE_FOR_MONTHLY if monthly else MOA_CADRE_FOR_FINAL})
    else:
        return []
    return [c.value for c in C if c.value in allowed]


def works_document_issue(
    *, works: WorksInvoice, user: Any, role: str, document: DocumentInput
) -> WorksDocument:
    """The MOE establishes its état d'acompte or (projet de) décompte général and transmits it to
    the MOA; the MOA validates (état d'acompte validé, décompte général) and transmits to the
    paying service. The document and the move are one transaction."""
    number = document.number.strip()
    if not number or len(number) > 100:
        raise WorksRefused(
            "Indiquez le numéro du document (100 caractères au plus).",
            code="NUMBER",
            field="number",
        )
    amount_ht = _amount(document.amount_ht, "HT")
    amount_ttc = _amount(document.amount_ttc, "TTC")
    if amount_ht > amount_ttc:
        raise WorksRefused(
            "Le montant HT ne peut pas dépasser le montant TTC.", code="AMOUNT", field="HT"
        )
    comment = _check_reason(document.comment)
    if document.upload is not None:
        name, data = document.upload
        problems = attachment_problems([(name, len(data))])
        if problems:
            raise WorksRefused(" ".join(p.message for p in problems), code="FILE", field="file")
    with transaction.atomic():
        locked, invoice = _locked(works.pk)
        actor = _rights(user, locked, role)
        if document.cadre not in allowed_document_cadres(locked, role):
            choices = ", ".join(allowed_document_cadres(locked, role)) or "aucun"
            raise WorksRefused(
                f"Le cadre « {document.cadre} » ne convient pas à ce document "
                f"({cadre_label(locked.cadre)}) : cadres possibles : {choices}.",
                code="CADRE",
                field="cadre",
            )
        target = Status.TRANSMISE_MOA if actor is Actor.MOE else Status.MISE_A_DISPOSITION
        stage = Status.PRISE_EN_COMPTE_MOE if actor is Actor.MOE else Status.PRISE_EN_COMPTE_MOA
        if invoice.status != stage:
            raise WorksRefused(
                f"Le document s'établit sur une facture « {LABELS[stage]} » ; celle-ci est "
                f"« {_label(invoice.status)} ».",
                code="NOT_ALLOWED",
            )
        stored = None
        if document.upload is not None:
            stored = stored_file_create(
                data=document.upload[1],
                name=document.upload[0],
                content_type="application/pdf"
                if document.upload[0].lower().endswith(".pdf")
                else "application/octet-stream",
                user=user,
            )
        party = locked.moe if actor is Actor.MOE else locked.moa
        assert party is not None
        created = WorksDocument.objects.create(
            works_invoice=locked,
            cadre=document.cadre,
            type_facture_travaux=TYPE_BY_CADRE[document.cadre],
            role=WorksRole.MOE if actor is Actor.MOE else WorksRole.MOA,
            structure=party,
            number=number,
            amount_ht=amount_ht,
            amount_ttc=amount_ttc,
            comment=comment,
            file=stored,
            file_name=document.upload[0][:255] if document.upload else "",
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_log_write(
            actor=user,
            action="works.document",
            obj=created,
            after={
                "invoice": invoice.pk,
                "cadre": created.cadre,
                "number": number,
                "amount_ttc": str(amount_ttc),
            },
        )
        reason = f"{cadre_label(document.cadre)} n° {number} : {format_amount(amount_ttc)} TTC"
        if comment:
            reason += f". {comment}"
        _move(works=locked, invoice=invoice, to=target, actor=actor, user=user, reason=reason)
    return created


# --- regulatory delays ------------------------------------------------------------------------


def _tacit_document(
    works: WorksInvoice, invoice: Invoice, cadre: str, structure: Structure
) -> None:
    document = WorksDocument.objects.create(
        works_invoice=works,
        cadre=cadre,
        type_facture_travaux=TYPE_BY_CADRE[cadre],
        role=WorksRole.FOURNISSEUR,
        structure=structure,
        number=invoice.number,
        amount_ht=invoice.total_ht,
        amount_ttc=invoice.total_ttc,
        comment="Établi par la plateforme à l'expiration du délai réglementaire.",
        tacit=True,
    )
    audit_log_write(
        actor=None,
        action="works.document",
        obj=document,
        after={"invoice": invoice.pk, "cadre": cadre, "tacit": True},
    )


def tacit_procedures_run(*, now: dt.datetime | None = None) -> int:
    """The periodic task's body: each works invoice whose MOE, or MOA, has not answered within
    its regulatory delay goes on, the delay's expiry in its history. Without the MOE's answer
    the projet goes to the MOA (for a final projet, as the supplier's projet de décompte
    général, A22); without the MOA's, to the paying service (the décompte becomes tacit: A23
    for a final one, the état d'acompte deemed validated, A6, for a monthly one). Returns how
    many invoices moved; safe to run again at any time."""
    now = now or timezone.now()
    moved = 0
    candidates = WorksInvoice.objects.filter(
        Q(invoice__status__in=[s.value for s in WORKS_MOE_OPEN])
        | Q(invoice__status__in=[s.value for s in WORKS_MOA_OPEN])
    ).values_list("pk", "cadre", "stage_started_at", "invoice__status")
    for pk, cadre, started, status in list(candidates):
        at_moe = Status(status) in WORKS_MOE_OPEN
        delay = moe_delay(cadre) if at_moe else moa_delay(cadre)
        if started + delay > now:
            continue
        with transaction.atomic():
            works, invoice = _locked(pk)
            if invoice.status != status:
                continue  # someone acted meanwhile
            days = delay.days
            if at_moe:
                _move(
                    works=works,
                    invoice=invoice,
                    to=Status.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE,
                    actor=Actor.SYSTEM,
                    user=None,
                    reason=f"La maîtrise d'œuvre n'a pas répondu dans le délai de {days} jours.",
                )
                if cadre not in MONTHLY_CADRES:
                    _tacit_document(
                        works,
                        invoice,
                        C.A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE,
                        invoice.supplier,
                    )
                _move(
                    works=works,
                    invoice=invoice,
                    to=Status.MISE_A_DISPOSITION_MOA,
                    actor=Actor.SYSTEM,
                    user=None,
                    reason="Procédure tacite : le projet est transmis à la maîtrise d'ouvrage.",
                )
            else:
                tacit = (
                    C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR
                    if cadre in MONTHLY_CADRES
                    else C.A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR
                )
                _tacit_document(works, invoice, tacit, invoice.supplier)
                _move(
                    works=works,
                    invoice=invoice,
                    to=Status.MISE_A_DISPOSITION,
                    actor=Actor.SYSTEM,
                    user=None,
                    reason=f"La maîtrise d'ouvrage n'a pas répondu dans le délai de {days} jours : "
                    f"{cadre_label(tacit)}, transmis au service payeur.",
                )
            moved += 1
    return moved


def deadline_of(works: WorksInvoice) -> dt.datetime | None:
    """When the current party's regulatory delay runs out (None once past the MOA)."""
    try:
        status: Status | None = Status(works.invoice.status)
    except ValueError:
        status = None
    if status in WORKS_MOE_OPEN:
        return works.stage_started_at + moe_delay(works.cadre)
    if status in WORKS_MOA_OPEN:
        return works.stage_started_at + moa_delay(works.cadre)
    return None
