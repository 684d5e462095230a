"""Pages of the espaces « Sollicitations émises » and « Sollicitations reçues », and the form
for people who cannot connect. Views parse, authorise, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from choeur.accounts.forms import captcha_question_new
from choeur.core import ratelimit
from choeur.sollicitations import perms, selectors, services
from choeur.sollicitations.enums import Action, Side, Status
from choeur.sollicitations.errors import SollicitationError
from choeur.sollicitations.forms import (
    LoggedOutSollicitationForm,
    MessageForm,
    SollicitationForm,
)
from choeur.sollicitations.models import Sollicitation
from choeur.sollicitations.transitions import rule_for

# URL slug of each action, and how its form is labelled.
ACTION_SLUGS: dict[str, Action] = {
    "envoyer": Action.SEND,
    "prendre-en-charge": Action.ASSIGN,
    "repondre": Action.ANSWER,
    "demander-complement": Action.REQUEST_INFORMATION,
    "completer": Action.ADD_INFORMATION,
    "renvoyer": Action.SEND_BACK,
    "transferer": Action.TRANSFER,
    "cloturer": Action.CLOSE,
}
SLUG_OF = {action: slug for slug, action in ACTION_SLUGS.items()}
FIELD_LABELS: dict[Action, str] = {
    Action.ANSWER: "Votre réponse",
    Action.REQUEST_INFORMATION: "Informations demandées à l'émetteur",
    Action.ADD_INFORMATION: "Informations complémentaires",
    Action.SEND_BACK: "Pourquoi la réponse ne vous satisfait pas",
    Action.TRANSFER: "Motif du transfert au support",
    Action.CLOSE: "Message de clôture",
}
SUBMIT_LABELS: dict[Action, str] = {
    Action.ANSWER: "Envoyer la réponse",
    Action.REQUEST_INFORMATION: "Envoyer la demande",
    Action.ADD_INFORMATION: "Envoyer le complément",
    Action.SEND_BACK: "Renvoyer au destinataire",
    Action.TRANSFER: "Transférer",
    Action.CLOSE: "Clôturer la sollicitation",
}
SUCCESS: dict[Action, str] = {
    Action.SEND: "Votre sollicitation {number} a été envoyée.",
    Action.ASSIGN: "Vous avez pris en charge la sollicitation {number}.",
    Action.ANSWER: "Votre réponse a été envoyée.",
    Action.REQUEST_INFORMATION: "Votre demande de complément a été envoyée.",
    Action.ADD_INFORMATION: "Votre complément a été envoyé.",
    Action.SEND_BACK: "La sollicitation {number} a été renvoyée à son destinataire.",
    Action.TRANSFER: "La sollicitation {number} a été transférée au support de la plateforme.",
    Action.CLOSE: "La sollicitation {number} est clôturée.",
}
# Actions that take a message (and files, except transfer and close).
WITH_MESSAGE = {
    Action.ANSWER,
    Action.REQUEST_INFORMATION,
    Action.ADD_INFORMATION,
    Action.SEND_BACK,
    Action.TRANSFER,
    Action.CLOSE,
}
WITH_FILES = {Action.ANSWER, Action.REQUEST_INFORMATION, Action.ADD_INFORMATION, Action.SEND_BACK}


# --- lists --------------------------------------------------------------------------------------


@login_required
@require_GET
def sent_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("onglet", "actions-requises")
    if tab not in selectors.SENT_TABS:
        tab = "actions-requises"
    return render(
        request,
        "sollicitations/list.html",
        {
            "title": "Sollicitations émises",
            "side": "emises",
            "tabs": selectors.sent_tabs(user=request.user),
            "current_tab": tab,
            "sollicitations": selectors.sent_list(user=request.user, tab=tab)[:200],
            "can_create": selectors.sender_structures(user=request.user).exists(),
        },
    )


@login_required
@require_GET
def received_list(request: HttpRequest) -> HttpResponse:
    tabs = selectors.received_tabs(user=request.user)
    tab = request.GET.get("onglet", "a-traiter")
    if tab not in {t["slug"] for t in tabs}:
        tab = "a-traiter"
    return render(
        request,
        "sollicitations/list.html",
        {
            "title": "Sollicitations reçues",
            "side": "recues",
            "tabs": tabs,
            "current_tab": tab,
            "sollicitations": selectors.received_list(user=request.user, tab=tab)[:200],
            "can_create": False,
        },
    )


# --- creation and drafts ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not selectors.sender_structures(user=request.user).exists():
        raise PermissionDenied
    form = SollicitationForm(request.POST or None, request.FILES or None, user=request.user)
    if form.is_valid():
        try:
            sollicitation = services.sollicitation_create(
                user=request.user, **_draft_arguments(request, form)
            )
        except SollicitationError as error:
            _form_error(form, error)
        else:
            return _after_save(request, sollicitation)
    return render(
        request,
        "sollicitations/form.html",
        {"title": "Nouvelle sollicitation", "form": form, "sollicitation": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, number: str) -> HttpResponse:
    sollicitation = selectors.sollicitation_get_for_user(user=request.user, number=number)
    if sollicitation.status != Status.BROUILLON or not perms.can_act_as_sender(
        request.user, sollicitation
    ):
        raise Http404
    initial = {
        "structure": sollicitation.sender_structure_id,
        "subcategory": str(sollicitation.subcategory_id),
        "invoice": sollicitation.invoice_id,
        "recipient_identifier": sollicitation.recipient_structure.identifier
        if sollicitation.recipient_structure
        else "",
        "recipient_service_code": sollicitation.recipient_service.code
        if sollicitation.recipient_service
        else "",
        "title": sollicitation.title,
        "description": sollicitation.description,
    }
    form = SollicitationForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if form.is_valid():
        arguments = _draft_arguments(request, form)
        arguments.pop("structure")
        try:
            sollicitation = services.sollicitation_update_draft(
                user=request.user, sollicitation=sollicitation, **arguments
            )
        except SollicitationError as error:
            _form_error(form, error)
        else:
            return _after_save(request, sollicitation)
    return render(
        request,
        "sollicitations/form.html",
        {"title": "Modifier le brouillon", "form": form, "sollicitation": sollicitation},
    )


def _draft_arguments(request: HttpRequest, form: SollicitationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "structure": data["structure"],
        "subcategory": data["subcategory"],
        "title": data["title"],
        "description": data["description"],
        "recipient_identifier": data["recipient_identifier"],
        "recipient_service_code": data["recipient_service_code"],
        "invoice": data["invoice"],
        "files": data["attachments"],
        "send": request.POST.get("submit_action") == "send",
    }


def _after_save(request: HttpRequest, sollicitation: Sollicitation) -> HttpResponse:
    if sollicitation.status == Status.BROUILLON:
        messages.success(request, f"Brouillon {sollicitation.number} enregistré.")
    else:
        messages.success(request, SUCCESS[Action.SEND].format(number=sollicitation.number))
    return redirect("sollicitations:detail", number=sollicitation.number)


def _form_error(form: Any, error: SollicitationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- one ticket ---------------------------------------------------------------------------------


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    sollicitation = selectors.sollicitation_get_for_user(user=request.user, number=number)
    # Opening the ticket clears its unread marker (not a change of the ticket itself).
    services.sollicitation_mark_read(user=request.user, sollicitation=sollicitation)
    return _render_detail(request, sollicitation)


@login_required
@require_POST
def action(request: HttpRequest, number: str, slug: str) -> HttpResponse:
    sollicitation = selectors.sollicitation_get_for_user(user=request.user, number=number)
    chosen = ACTION_SLUGS.get(slug)
    if chosen is None:
        raise Http404
    form = None
    body, files = "", []  # type: tuple[str, list[Any]]
    if chosen in WITH_MESSAGE:
        form = _action_form(chosen, sollicitation, data=request.POST, files=request.FILES)
        if not form.is_valid():
            return _render_detail(request, sollicitation, bound={chosen: form}, status=400)
        body = form.cleaned_data["body"]
        files = form.cleaned_data.get("attachments") or []
    try:
        if chosen == Action.SEND:
            services.sollicitation_send(user=request.user, sollicitation=sollicitation)
        elif chosen == Action.ASSIGN:
            services.sollicitation_assign_to_self(user=request.user, sollicitation=sollicitation)
        elif chosen == Action.TRANSFER:
            services.sollicitation_transfer_to_support(
                user=request.user, sollicitation=sollicitation, body=body
            )
        elif chosen == Action.CLOSE:
            services.sollicitation_close(user=request.user, sollicitation=sollicitation, body=body)
        else:
            services.ACTION_SERVICES[chosen](
                user=request.user, sollicitation=sollicitation, body=body, files=files
            )
    except SollicitationError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("sollicitations:detail", number=number)
        _form_error(form, error)
        return _render_detail(request, sollicitation, bound={chosen: form}, status=400)
    messages.success(request, SUCCESS[chosen].format(number=number))
    sollicitation.refresh_from_db()
    if not perms.can_view(request.user, sollicitation):
        # Transferred to support: out of this structure's hands.
        return redirect("sollicitations:received")
    return redirect("sollicitations:detail", number=number)


def _action_form(
    action: Action, sollicitation: Sollicitation, data: Any = None, files: Any = None
) -> MessageForm:
    rule = None
    for side in Side:
        rule = rule_for(sollicitation.status, action, side) or rule
    required = rule.message_required if rule is not None else True
    return MessageForm(
        data,
        files,
        prefix=SLUG_OF[action],
        label=FIELD_LABELS[action],
        required=required,
        with_files=action in WITH_FILES,
    )


def _render_detail(
    request: HttpRequest,
    sollicitation: Sollicitation,
    *,
    bound: dict[Action, MessageForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    actions: list[dict[str, Any]] = []
    for side in (Side.RECIPIENT, Side.SENDER):
        for candidate in Action:
            if any(a["action"] == candidate for a in actions):
                continue
            if not perms.can_take_action(request.user, sollicitation, candidate, side):
                continue
            form = None
            if candidate in WITH_MESSAGE:
                form = bound.get(candidate) or _action_form(candidate, sollicitation)
            actions.append(
                {
                    "action": candidate,
                    "slug": SLUG_OF[candidate],
                    "label": candidate.label,
                    "submit_label": SUBMIT_LABELS.get(candidate, candidate.label),
                    "form": form,
                    "side": side,
                    "expanded": False,
                }
            )
    # Open the form the user just got wrong, else the first one (the expected next step).
    with_form = [a for a in actions if a["form"] is not None]
    opened = [a for a in with_form if a["action"] in bound] or with_form[:1]
    for item in opened:
        item["expanded"] = True
    thread = sollicitation.messages.prefetch_related("attachments").all()
    return render(
        request,
        "sollicitations/detail.html",
        {
            "title": f"Sollicitation {sollicitation.number}",
            "sollicitation": sollicitation,
            "thread": thread,
            "initial_attachments": sollicitation.attachments.filter(message__isnull=True),
            "actions": actions,
            "is_sender": perms.can_view_as_sender(request.user, sollicitation),
            "can_edit": sollicitation.status == Status.BROUILLON
            and perms.can_act_as_sender(request.user, sollicitation),
        },
        status=status,
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get_for_user(
        user=request.user, number=number, attachment_id=attachment_id
    )
    return FileResponse(
        attachment.stored_file.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.stored_file.content_type or "application/octet-stream",
    )


# --- people who cannot connect ------------------------------------------------------------------

LOGGED_OUT_SESSION_KEY = "sollicitation_logged_out_number"
QUESTION_SESSION_KEY = "sollicitation_logged_out_question"


@require_http_methods(["GET", "POST"])
def logged_out_create(request: HttpRequest) -> HttpResponse:
    question = request.session.get(QUESTION_SESSION_KEY) or captcha_question_new()
    form = LoggedOutSollicitationForm(request.POST or None, question=tuple(question))
    if form.is_valid():
        if not ratelimit.allowed(request, "contact", target=form.cleaned_data["email"]):
            return ratelimit.too_many_requests(request)
        try:
            sollicitation = services.sollicitation_create_logged_out(
                email=form.cleaned_data["email"],
                subcategory=form.cleaned_data["subcategory"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except SollicitationError as error:
            _form_error(form, error)
        else:
            request.session[LOGGED_OUT_SESSION_KEY] = sollicitation.number
            request.session.pop(QUESTION_SESSION_KEY, None)
            return redirect("sollicitations:logged_out_done")
    if form.is_bound:
        # A question is answered once: a failed attempt gets a new one.
        question = captcha_question_new()
        form.question_set(question)
    request.session[QUESTION_SESSION_KEY] = list(question)
    return render(
        request,
        "sollicitations/logged_out_form.html",
        {"title": "Vous ne parvenez pas à vous connecter ?", "form": form},
    )


@require_GET
def logged_out_done(request: HttpRequest) -> HttpResponse:
    number = request.session.get(LOGGED_OUT_SESSION_KEY)
    if not number:
        return redirect("sollicitations:logged_out")
    return render(
        request,
        "sollicitations/logged_out_done.html",
        {"title": "Sollicitation envoyée", "number": number},
    )
