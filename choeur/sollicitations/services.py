"""Every change to a sollicitation: keyword-only, in one transaction, with an audit row; emails
are queued in the same transaction and leave after commit (notifications outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from choeur.core.audit import audit_log_write, snapshot
from choeur.core.files import stored_file_create
from choeur.notifications.enums import NotificationKind
from choeur.notifications.services import email_queue, notify
from choeur.notifications.webhooks import webhooks_sollicitation_step
from choeur.sollicitations import perms
from choeur.sollicitations.attachments import MAX_FILES, attachment_error
from choeur.sollicitations.enums import Action, MessageKind, Routing, Side, Status
from choeur.sollicitations.errors import SollicitationError
from choeur.sollicitations.models import Attachment, Message, ReadMark, Sollicitation, SubCategory
from choeur.sollicitations.selectors import recipient_agents, support_emails
from choeur.sollicitations.transitions import rule_for
from choeur.structures.enums import IdentifierType
from choeur.structures.models import Service, Structure

AUDITED_FIELDS = ["status", "assignee_id", "to_support", "recipient_structure_id"]
EMAIL_TEMPLATE = "sollicitations/emails/update"


class Upload(Protocol):
    """What the services need of an uploaded file (Django's UploadedFile has it)."""

    name: str | None
    size: int | None
    content_type: str | None

    def read(self, size: int = ...) -> bytes: ...


# --- creation -----------------------------------------------------------------------------------


def sollicitation_create(
    *,
    user: Any,
    structure: Structure,
    subcategory: SubCategory,
    title: str,
    description: str,
    recipient_identifier: str = "",
    recipient_service_code: str = "",
    invoice: Any = None,
    files: Sequence[Upload] = (),
    send: bool = False,
) -> Sollicitation:
    """Create a ticket as a draft (and send it at once when `send`)."""
    if not perms.can_create(user, structure):
        raise SollicitationError(
            "Vous ne pouvez pas émettre de sollicitation pour cette structure.", field="structure"
        )
    _check_files(files)
    with transaction.atomic():
        sollicitation = Sollicitation(sender_user=user, sender_structure=structure)
        _fill(
            sollicitation,
            subcategory=subcategory,
            title=title,
            description=description,
            recipient_identifier=recipient_identifier,
            recipient_service_code=recipient_service_code,
            invoice=invoice,
        )
        sollicitation.save()
        sollicitation.number = _number(sollicitation)
        sollicitation.save(update_fields=["number"])
        _store_files(sollicitation, files, message=None, side=Side.SENDER, user=user)
        audit_log_write(
            actor=user,
            action="sollicitation.create",
            obj=sollicitation,
            after=snapshot(sollicitation, ["number", *AUDITED_FIELDS]),
        )
        if send:
            # Same transaction: a ticket that cannot be sent is not kept as a draft either.
            return sollicitation_send(user=user, sollicitation=sollicitation)
    return sollicitation


def sollicitation_update_draft(
    *,
    user: Any,
    sollicitation: Sollicitation,
    subcategory: SubCategory,
    title: str,
    description: str,
    recipient_identifier: str = "",
    recipient_service_code: str = "",
    invoice: Any = None,
    files: Sequence[Upload] = (),
    send: bool = False,
) -> Sollicitation:
    """Change a draft (only a draft: once sent, the thread is the record)."""
    _check_files(files)
    with transaction.atomic():
        locked = Sollicitation.objects.select_for_update().get(pk=sollicitation.pk)
        if locked.status != Status.BROUILLON or not perms.can_act_as_sender(user, locked):
            raise SollicitationError("Seul un brouillon peut être modifié.")
        before = snapshot(locked, ["title", "subcategory_id", "recipient_structure_id"])
        _fill(
            locked,
            subcategory=subcategory,
            title=title,
            description=description,
            recipient_identifier=recipient_identifier,
            recipient_service_code=recipient_service_code,
            invoice=invoice,
        )
        locked.save()
        _store_files(locked, files, message=None, side=Side.SENDER, user=user)
        audit_log_write(
            actor=user,
            action="sollicitation.update_draft",
            obj=locked,
            before=before,
            after=snapshot(locked, ["title", "subcategory_id", "recipient_structure_id"]),
        )
        if send:
            return sollicitation_send(user=user, sollicitation=locked)
    return locked


def sollicitation_create_logged_out(
    *, email: str, subcategory: SubCategory, title: str, description: str
) -> Sollicitation:
    """A ticket from someone who cannot connect (reference D, logged-out mode): it goes to
    support at once, and the sender gets its number by email."""
    if not (subcategory.is_active and subcategory.offered_logged_out):
        raise SollicitationError(
            "Choisissez une catégorie proposée dans la liste.", field="subcategory"
        )
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        sollicitation = Sollicitation.objects.create(
            status=Status.NOUVEAU,
            subcategory=subcategory,
            title=_clean_title(title),
            description=_clean_description(description),
            sender_email=email,
            to_support=True,
            sent_at=now,
            sender_activity_at=now,
        )
        sollicitation.number = _number(sollicitation)
        sollicitation.save(update_fields=["number"])
        Message.objects.create(
            sollicitation=sollicitation,
            kind=MessageKind.SENT,
            side=Side.SENDER,
            author_label=email,
        )
        audit_log_write(
            actor=email,
            action="sollicitation.create_logged_out",
            obj=sollicitation,
            after=snapshot(sollicitation, ["number", *AUDITED_FIELDS]),
        )
        email_queue(
            to=email,
            subject=f"Votre sollicitation {sollicitation.number} a bien été reçue",
            template="sollicitations/emails/confirmation",
            context={"number": sollicitation.number, "title": sollicitation.title},
        )
        email_queue(
            to=support_emails(),
            subject=f"Nouvelle sollicitation {sollicitation.number} : {sollicitation.title}",
            template=EMAIL_TEMPLATE,
            context=_email_context(sollicitation, "Nouvelle sollicitation", "", for_sender=False),
        )
    return sollicitation


# --- the status machine -------------------------------------------------------------------------


def sollicitation_send(*, user: Any, sollicitation: Sollicitation) -> Sollicitation:
    """The sender sends his draft to its recipient."""
    return _apply(user=user, sollicitation=sollicitation, action=Action.SEND)


def sollicitation_assign_to_self(*, user: Any, sollicitation: Sollicitation) -> Sollicitation:
    """An agent takes the ticket (reference D: needed before any answer)."""
    return _apply(user=user, sollicitation=sollicitation, action=Action.ASSIGN)


def sollicitation_answer(
    *, user: Any, sollicitation: Sollicitation, body: str, files: Sequence[Upload] = ()
) -> Sollicitation:
    return _apply(
        user=user, sollicitation=sollicitation, action=Action.ANSWER, body=body, files=files
    )


def sollicitation_request_information(
    *, user: Any, sollicitation: Sollicitation, body: str, files: Sequence[Upload] = ()
) -> Sollicitation:
    return _apply(
        user=user,
        sollicitation=sollicitation,
        action=Action.REQUEST_INFORMATION,
        body=body,
        files=files,
    )


def sollicitation_add_information(
    *, user: Any, sollicitation: Sollicitation, body: str, files: Sequence[Upload] = ()
) -> Sollicitation:
    return _apply(
        user=user,
        sollicitation=sollicitation,
        action=Action.ADD_INFORMATION,
        body=body,
        files=files,
    )


def sollicitation_send_back(
    *, user: Any, sollicitation: Sollicitation, body: str, files: Sequence[Upload] = ()
) -> Sollicitation:
    return _apply(
        user=user, sollicitation=sollicitation, action=Action.SEND_BACK, body=body, files=files
    )


def sollicitation_transfer_to_support(
    *, user: Any, sollicitation: Sollicitation, body: str
) -> Sollicitation:
    return _apply(user=user, sollicitation=sollicitation, action=Action.TRANSFER, body=body)


def sollicitation_close(
    *, user: Any, sollicitation: Sollicitation, body: str = ""
) -> Sollicitation:
    return _apply(user=user, sollicitation=sollicitation, action=Action.CLOSE, body=body)


ACTION_SERVICES = {
    Action.ANSWER: sollicitation_answer,
    Action.REQUEST_INFORMATION: sollicitation_request_information,
    Action.ADD_INFORMATION: sollicitation_add_information,
    Action.SEND_BACK: sollicitation_send_back,
}


def sollicitation_mark_read(*, user: Any, sollicitation: Sollicitation) -> None:
    """Remember that `user` opened the ticket: it is no longer unread for him. Not a change of
    the ticket, so no audit row."""
    ReadMark.objects.update_or_create(
        user=user, sollicitation=sollicitation, defaults={"seen_at": timezone.now()}
    )


def _side_for(user: Any, sollicitation: Sollicitation, action: Action) -> Side | None:
    # The agent's side first: a user on both sides closing a ticket he handles acts as agent.
    for side in (Side.RECIPIENT, Side.SENDER):
        if perms.can_take_action(user, sollicitation, action, side):
            return side
    return None


def _apply(
    *,
    user: Any,
    sollicitation: Sollicitation,
    action: Action,
    body: str = "",
    files: Sequence[Upload] = (),
) -> Sollicitation:
    """Apply one transition of the table: lock, check, change, thread entry, audit, emails."""
    _check_files(files)
    body = (body or "").strip()
    with transaction.atomic():
        locked = (
            Sollicitation.objects.select_for_update(of=("self",))
            .select_related("subcategory", "recipient_structure", "sender_user")
            .get(pk=sollicitation.pk)
        )
        side = _side_for(user, locked, action)
        rule = rule_for(locked.status, action, side) if side is not None else None
        if side is None or rule is None:
            raise SollicitationError(
                "Cette action n'est pas possible sur cette sollicitation dans son état actuel "
                f"({locked.get_status_display()})."
            )
        if rule.message_required and not body:
            raise SollicitationError("Le message est obligatoire.", field="body")
        if action == Action.SEND and not locked.subcategory.is_active:
            raise SollicitationError(
                "Cette sous-catégorie n'est plus proposée : choisissez-en une autre.",
                field="subcategory",
            )
        before = snapshot(locked, AUDITED_FIELDS)
        previous_assignee = locked.assignee
        from_structure = locked.recipient_structure
        now = timezone.now()
        locked.status = rule.to
        if action == Action.SEND:
            locked.sent_at = now
        elif action == Action.ASSIGN:
            locked.assignee = user
        elif action == Action.TRANSFER:
            locked.transferred_from = locked.recipient_structure
            locked.recipient_structure = None
            locked.recipient_service = None
            locked.to_support = True
            locked.assignee = None
        elif action == Action.CLOSE:
            locked.closed_at = now
        # Back in the agent's queue (« le demandeur a répondu ») when the sender answers a
        # question on a taken ticket, until the agent acts on it.
        if action == Action.ADD_INFORMATION and rule.to == Status.AFFECTE:
            locked.awaiting_agent = True
        elif action in (Action.ANSWER, Action.REQUEST_INFORMATION, Action.TRANSFER, Action.CLOSE):
            locked.awaiting_agent = False
        if side == Side.SENDER:
            locked.sender_activity_at = now
        else:
            locked.recipient_activity_at = now
        locked.save()
        message = Message.objects.create(
            sollicitation=locked,
            kind=rule.kind,
            side=side,
            author=user,
            author_label=_author_label(user, locked, side),
            body=body,
        )
        _store_files(locked, files, message=message, side=side, user=user)
        # The author has seen his own entry.
        sollicitation_mark_read(user=user, sollicitation=locked)
        audit_log_write(
            actor=user,
            action=f"sollicitation.{action.lower()}",
            obj=locked,
            before=before,
            after=snapshot(locked, AUDITED_FIELDS),
        )
        _notify(
            locked,
            action=action,
            side=side,
            body=body,
            previous_assignee=previous_assignee,
            from_structure=from_structure,
        )
        webhooks_sollicitation_step(sollicitation=locked, action=action)
    sollicitation.refresh_from_db()
    return sollicitation


# --- helpers ------------------------------------------------------------------------------------


def _fill(
    sollicitation: Sollicitation,
    *,
    subcategory: SubCategory,
    title: str,
    description: str,
    recipient_identifier: str,
    recipient_service_code: str,
    invoice: Any,
) -> None:
    """Set what the sender chose, checking where the sous-catégorie sends the ticket."""
    if not (subcategory.is_active and subcategory.category.is_active):
        raise SollicitationError(
            "Cette sous-catégorie n'est plus proposée : choisissez-en une autre.",
            field="subcategory",
        )
    if invoice is not None and invoice.supplier_id != sollicitation.sender_structure_id:
        raise SollicitationError(
            "Cette facture n'a pas été émise par votre structure.", field="invoice"
        )
    sollicitation.subcategory = subcategory
    sollicitation.title = _clean_title(title)
    sollicitation.description = _clean_description(description)
    sollicitation.invoice = invoice
    if subcategory.routing == Routing.SUPPORT:
        sollicitation.to_support = True
        sollicitation.recipient_structure = None
        sollicitation.recipient_service = None
        return
    identifier = "".join(recipient_identifier.split())
    service_code = recipient_service_code.strip()
    structure: Structure | None
    if not identifier and invoice is not None:
        # A question about an invoice goes to the invoice's recipient by default.
        structure, service = invoice.recipient, invoice.service
        if service_code:
            service = _service_of(structure, service_code)
    else:
        if not identifier:
            raise SollicitationError(
                "Indiquez le SIRET de la structure publique destinataire.",
                field="recipient_identifier",
            )
        structure = Structure.objects.filter(
            identifier_type=IdentifierType.SIRET, identifier=identifier
        ).first()
        if structure is None or not structure.is_public:
            raise SollicitationError(
                f"Aucune structure publique n'a le SIRET {identifier}.",
                field="recipient_identifier",
            )
        if not structure.is_active:
            raise SollicitationError(
                f"La structure {structure.raison_sociale} est inactive.",
                field="recipient_identifier",
            )
        service = _service_of(structure, service_code) if service_code else None
    sollicitation.to_support = False
    sollicitation.recipient_structure = structure
    sollicitation.recipient_service = service


def _service_of(structure: Structure, code: str) -> Service:
    service = Service.objects.filter(structure=structure, code=code).first()
    if service is None or not service.is_active:
        raise SollicitationError(
            f"La structure {structure.raison_sociale} n'a pas de service actif « {code} ».",
            field="recipient_service_code",
        )
    return service


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise SollicitationError("Le titre est obligatoire.", field="title")
    if len(title) > 200:
        raise SollicitationError("Le titre dépasse 200 caractères.", field="title")
    return title


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if not description:
        raise SollicitationError("La description est obligatoire.", field="description")
    return description


def _number(sollicitation: Sollicitation) -> str:
    return f"SOL-{sollicitation.created_at:%Y}-{sollicitation.pk:07d}"


def _check_files(files: Sequence[Upload]) -> None:
    """Refuse the whole request if any file breaks the rules: nothing is written."""
    if len(files) > MAX_FILES:
        raise SollicitationError(
            f"Joignez au plus {MAX_FILES} fichiers à la fois.", field="attachments"
        )
    for upload in files:
        error = attachment_error(upload.name or "", upload.size or 0)
        if error:
            raise SollicitationError(error, field="attachments")


def _store_files(
    sollicitation: Sollicitation,
    files: Sequence[Upload],
    *,
    message: Message | None,
    side: Side,
    user: Any,
) -> None:
    for upload in files:
        name = upload.name or ""
        data = upload.read()
        # The declared size may lie: check what was read.
        error = attachment_error(name, len(data))
        if error:
            raise SollicitationError(error, field="attachments")
        stored = stored_file_create(
            data=data,
            name=name,
            content_type=upload.content_type or "application/octet-stream",
            user=user,
        )
        Attachment.objects.create(
            sollicitation=sollicitation, message=message, stored_file=stored, name=name, side=side
        )


def _author_label(user: Any, sollicitation: Sollicitation, side: Side) -> str:
    name = user.get_full_name() or user.email
    if side == Side.RECIPIENT and sollicitation.to_support and not sollicitation.transferred_from:
        return f"{name} (support)"
    return str(name)


SUBJECTS: dict[tuple[Action, Side], str] = {
    (Action.SEND, Side.SENDER): "Nouvelle sollicitation {number} : {title}",
    (Action.ASSIGN, Side.RECIPIENT): "Votre sollicitation {number} est prise en charge",
    (Action.ANSWER, Side.RECIPIENT): "Réponse à votre sollicitation {number}",
    (
        Action.REQUEST_INFORMATION,
        Side.RECIPIENT,
    ): "Complément demandé pour votre sollicitation {number}",
    (Action.ADD_INFORMATION, Side.SENDER): "Complément reçu pour la sollicitation {number}",
    (Action.SEND_BACK, Side.SENDER): "Sollicitation {number} renvoyée par l'émetteur",
    (Action.TRANSFER, Side.RECIPIENT): "Votre sollicitation {number} a été transférée au support",
    (Action.CLOSE, Side.RECIPIENT): "Votre sollicitation {number} est clôturée",
    (Action.CLOSE, Side.SENDER): "Sollicitation {number} clôturée par l'émetteur",
}


def _notify(
    sollicitation: Sollicitation,
    *,
    action: Action,
    side: Side,
    body: str,
    previous_assignee: Any,
    from_structure: Structure | None,
) -> None:
    """Tell the other side of the ticket about this step: users through `notify` (their
    « Notifications » list, and email as each chose); addresses with no account (a logged-out
    sender, the support's or a structure's contact address) by email only."""
    subject = SUBJECTS[(action, side)].format(
        number=sollicitation.number, title=sollicitation.title
    )
    label = str(Action(action).label)
    users: list[Any] = []
    addresses: list[str] = []
    if side == Side.RECIPIENT:
        context = _email_context(sollicitation, subject, body, for_sender=True)
        if sollicitation.sender_user is not None:
            users = [sollicitation.sender_user]
        else:
            addresses = [sollicitation.sender_email]
    else:
        context = _email_context(sollicitation, subject, body, for_sender=False)
        if sollicitation.assignee is not None:
            users = [sollicitation.assignee]
        else:
            users, addresses = _recipients(sollicitation)
    if users:
        notify(
            users=users,
            kind=NotificationKind.SOLLICITATION,
            title=subject,
            body=body[:500],
            template=EMAIL_TEMPLATE,
            context=context,
            url=reverse("sollicitations:detail", kwargs={"number": sollicitation.number}),
        )
    addresses = [address for address in addresses if address]
    if addresses:
        email_queue(to=addresses, subject=subject, template=EMAIL_TEMPLATE, context=context)
    if action == Action.TRANSFER:
        support_subject = f"Sollicitation {sollicitation.number} transférée au support"
        origin = from_structure.raison_sociale if from_structure is not None else ""
        email_queue(
            to=support_emails(),
            subject=support_subject,
            template=EMAIL_TEMPLATE,
            context=_email_context(
                sollicitation,
                support_subject,
                body,
                for_sender=False,
                note=f"Transférée par {origin}." if origin else label,
            ),
        )


def _recipients(sollicitation: Sollicitation) -> tuple[list[Any], list[str]]:
    """Who gets a ticket nobody has taken yet: the support's addresses, else the structure's
    agents, else the structure's contact address."""
    if sollicitation.to_support:
        return [], support_emails()
    assert sollicitation.recipient_structure is not None
    agents = recipient_agents(sollicitation.recipient_structure, sollicitation.recipient_service)
    if agents:
        return agents, []
    email = sollicitation.recipient_structure.email
    return [], [email] if email else []


def _email_context(
    sollicitation: Sollicitation, headline: str, body: str, *, for_sender: bool, note: str = ""
) -> dict[str, Any]:
    # A logged-out sender cannot open the ticket: he follows it by email only.
    url = ""
    if not for_sender or sollicitation.sender_user_id is not None:
        url = settings.SITE_URL + reverse(
            "sollicitations:detail", kwargs={"number": sollicitation.number}
        )
    return {
        "headline": headline,
        "number": sollicitation.number,
        "title": sollicitation.title,
        "status": sollicitation.get_status_display(),
        "body": body,
        "note": note,
        "url": url,
    }
