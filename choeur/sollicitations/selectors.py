"""Reads of sollicitations, scoped to what the user may see: others' tickets are not found."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, When
from django.http import Http404

from choeur.invoices.models import Invoice
from choeur.sollicitations import perms
from choeur.sollicitations.enums import OPEN_STATUSES, Status
from choeur.sollicitations.models import Attachment, ReadMark, Sollicitation, SubCategory
from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.models import Structure, StructureEspace

# The tabs of « Sollicitations émises » (reference D: Actions requises, En cours, Clôturés,
# Brouillons) and of « Sollicitations reçues » (Tickets à traiter first).
SENT_TABS: dict[str, tuple[str, Q]] = {
    "actions-requises": (
        "Actions requises",
        Q(status__in=[Status.ATTENTE_COMPLEMENT, Status.REPONDU]),
    ),
    "en-cours": (
        "En cours",
        Q(status__in=[Status.NOUVEAU, Status.AFFECTE, Status.RENVOYE, Status.TRANSFERE_SUPPORT]),
    ),
    "clotures": ("Clôturés", Q(status=Status.CLOTURE)),
    "brouillons": ("Brouillons", Q(status=Status.BROUILLON)),
}

# Reference D: the queue shows new tickets, tickets where the sender answered a question, and
# tickets sent back by an unsatisfied sender (and, for support, tickets transferred to it).
QUEUE = Q(status__in=[Status.NOUVEAU, Status.RENVOYE, Status.TRANSFERE_SUPPORT]) | Q(
    status=Status.AFFECTE, awaiting_agent=True
)


def _received_tabs(user: Any) -> dict[str, tuple[str, Q]]:
    return {
        "a-traiter": ("Tickets à traiter", QUEUE),
        "mes-tickets": (
            "Mes tickets",
            Q(assignee=user.pk, status__in=[s for s in OPEN_STATUSES if s != Status.NOUVEAU]),
        ),
        "en-attente": (
            "En attente de l'émetteur",
            Q(status__in=[Status.ATTENTE_COMPLEMENT, Status.REPONDU]),
        ),
        "clotures": ("Clôturés", Q(status=Status.CLOTURE)),
    }


def _sent_base(user: Any) -> QuerySet[Sollicitation]:
    structures = perms.structures_with_espace(user, Espace.SOLLICITATIONS_EMISES)
    return Sollicitation.objects.filter(sender_structure__in=structures)


def _received_base(user: Any) -> QuerySet[Sollicitation]:
    return Sollicitation.objects.filter(perms.received_scope(user))


def _unread(
    qs: QuerySet[Sollicitation], user: Any, other_side_field: str
) -> QuerySet[Sollicitation]:
    """`is_unread`: the other side wrote something the user has not opened since."""
    seen_after = ReadMark.objects.filter(
        user=user.pk, sollicitation=OuterRef("pk"), seen_at__gte=OuterRef(other_side_field)
    )
    return qs.annotate(
        is_unread=Case(
            When(Q(**{f"{other_side_field}__isnull": False}) & ~Exists(seen_after), then=True),
            default=False,
            output_field=BooleanField(),
        )
    )


def sent_list(*, user: Any, tab: str) -> QuerySet[Sollicitation]:
    """The tickets of the user's structures, in one tab of « Sollicitations émises »."""
    _label, condition = SENT_TABS.get(tab, SENT_TABS["actions-requises"])
    return (
        _unread(_sent_base(user), user, "recipient_activity_at")
        .filter(condition)
        .select_related("subcategory__category", "recipient_structure", "sender_structure")
    )


def received_list(*, user: Any, tab: str) -> QuerySet[Sollicitation]:
    """The tickets sent to the user's structures (and to support, for operators)."""
    tabs = _received_tabs(user)
    _label, condition = tabs.get(tab, tabs["a-traiter"])
    return (
        _unread(_received_base(user), user, "sender_activity_at")
        .filter(condition)
        .select_related(
            "subcategory__category", "recipient_structure", "sender_structure", "assignee"
        )
    )


def sent_tabs(*, user: Any) -> list[dict[str, Any]]:
    """Each tab of « Sollicitations émises » with its count and its unread count."""
    base = _unread(_sent_base(user), user, "recipient_activity_at")
    return _tabs(base, SENT_TABS)


def received_tabs(*, user: Any) -> list[dict[str, Any]]:
    base = _unread(_received_base(user), user, "sender_activity_at")
    return _tabs(base, _received_tabs(user))


def _tabs(base: QuerySet[Sollicitation], tabs: dict[str, tuple[str, Q]]) -> list[dict[str, Any]]:
    result = []
    for slug, (label, condition) in tabs.items():
        qs = base.filter(condition)
        result.append(
            {
                "slug": slug,
                "label": label,
                "count": qs.count(),
                "unread": qs.filter(**{"is_unread": True}).count(),
            }
        )
    return result


def sollicitation_get_for_user(*, user: Any, number: str) -> Sollicitation:
    """The ticket `number` if the user is on one of its sides; otherwise not found (404)."""
    sollicitation = (
        Sollicitation.objects.select_related(
            "subcategory__category",
            "sender_user",
            "sender_structure",
            "recipient_structure",
            "recipient_service",
            "transferred_from",
            "assignee",
            "invoice",
        )
        .filter(number=number)
        .first()
    )
    if sollicitation is None or not perms.can_view(user, sollicitation):
        raise Http404
    return sollicitation


def attachment_get_for_user(*, user: Any, number: str, attachment_id: int) -> Attachment:
    sollicitation = sollicitation_get_for_user(user=user, number=number)
    attachment = (
        Attachment.objects.select_related("stored_file")
        .filter(sollicitation=sollicitation, pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def subcategories_offered(*, logged_out: bool = False) -> QuerySet[SubCategory]:
    """Active sous-catégories of active catégories; the logged-out form offers only its own."""
    qs = SubCategory.objects.filter(is_active=True, category__is_active=True).select_related(
        "category"
    )
    if logged_out:
        qs = qs.filter(offered_logged_out=True)
    return qs


def sender_structures(*, user: Any) -> QuerySet[Structure]:
    """The structures the user may send sollicitations for."""
    return perms.structures_with_espace(
        user, Espace.SOLLICITATIONS_EMISES, AccessMode.MODIFICATION
    ).order_by("raison_sociale")


def sender_invoices(*, user: Any) -> QuerySet[Invoice]:
    """Invoices the user may ask about: those of the structures he sends sollicitations for."""
    return (
        Invoice.objects.filter(supplier__in=sender_structures(user=user))
        .select_related("recipient")
        .order_by("-created_at")
    )


def recipient_agents(structure: Structure, service: Any = None) -> list[Any]:
    """The agents who may take the structure's ticket (espace in Modification, covering its
    service)."""
    if not StructureEspace.objects.filter(
        structure=structure, espace=Espace.SOLLICITATIONS_RECUES, is_open=True
    ).exists():
        return []
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=structure.rattachements.filter(status=RattachementStatus.VALIDEE).values("user"),
        )
        .filter(
            pk__in=structure.espace_subscriptions.filter(
                espace=Espace.SOLLICITATIONS_RECUES, mode=AccessMode.MODIFICATION
            ).values("user")
        )
    )
    if service is not None and structure.services.exists():
        users = users.filter(
            Q(rattachements__structure=structure, rattachements__role=Role.GESTIONNAIRE_PRINCIPAL)
            | Q(rattachements__structure=structure, rattachements__services=service)
        )
    return list(users.distinct().order_by("pk"))


def recipient_agent_emails(structure: Structure, service: Any = None) -> list[str]:
    """Addresses of the agents who may take the structure's ticket."""
    return sorted({user.notification_email for user in recipient_agents(structure, service)})


def support_emails() -> list[str]:
    """The platform's support: its active operators, or the operator's contact address."""
    emails = sorted(
        {
            user.notification_email
            for user in get_user_model().objects.filter(is_active=True, is_staff=True)
        }
    )
    return emails or [settings.OPERATOR_CONTACT_EMAIL]
