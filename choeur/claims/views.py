"""The espaces « Mémoires de frais de justice » and « Demandes de remboursement TIC »: the
depositor's form, list and request page, the recipient's list, request page and processing.
One set of views for both kinds (the URL names the kind). Views parse, authorise through
selectors (others' requests: 404) and call one service."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from choeur.claims import perms, selectors
from choeur.claims.enums import ClaimKind
from choeur.claims.forms import MemoireForm, MemoireLineFormSet, TicForm
from choeur.claims.services import (
    ClaimRefused,
    MemoireInput,
    TicInput,
    memoire_deposit,
    tic_deposit,
)
from choeur.invoices.forms import saisie_lines
from choeur.invoices.services.deposit import Upload
from choeur.lifecycle.selectors import attachments_of, history_of, status_label
from choeur.lifecycle.transitions import LABELS, Actor, targets_for
from choeur.lifecycle.views import ACTIONS, SLUG_BY_STATUS, recipient_action
from choeur.structures.enums import AccessMode

PAGE_SIZE = 25
SLUGS = {"memoire": ClaimKind.MEMOIRE_JUSTICE, "tic": ClaimKind.DEMANDE_REMBOURSEMENT}
TEXTS: dict[str, dict[str, str]] = {
    ClaimKind.MEMOIRE_JUSTICE: {
        "espace": "Mémoires de frais de justice",
        "one": "mémoire",
        "new": "Déposer un mémoire",
        "sent": "Mémoires déposés",
        "received": "Mémoires reçus",
        "none_sent": "Aucun mémoire déposé.",
        "none_received": "Aucun mémoire reçu.",
        "recipient": "Juridiction",
        "deposited": "Mémoire n° {number} déposé (flux {flux}) et mis à disposition de {recipient}.",
        "pending": "Mémoire n° {number} déposé (flux {flux}) : {status}.",
    },
    ClaimKind.DEMANDE_REMBOURSEMENT: {
        "espace": "Demandes de remboursement TIC",
        "one": "demande",
        "new": "Déposer une demande de remboursement",
        "sent": "Demandes déposées",
        "received": "Demandes reçues",
        "none_sent": "Aucune demande déposée.",
        "none_received": "Aucune demande reçue.",
        "recipient": "Service destinataire",
        "deposited": "Demande n° {number} déposée (flux {flux}) et mise à disposition de "
        "{recipient}.",
        "pending": "Demande n° {number} déposée (flux {flux}) : {status}.",
    },
}


def _kind(slug: str) -> str:
    kind = SLUGS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _names(slug: str) -> dict[str, str]:
    return {
        name: f"claims:{slug}_{name}"
        for name in ("list", "deposit", "detail", "received", "received_detail", "action")
    }


def _base(request: HttpRequest, slug: str) -> dict[str, Any]:
    kind = _kind(slug)
    depositor = perms.depositor_structures(request.user, kind)
    recipient = perms.recipient_structures(request.user, kind)
    if not depositor and not recipient:
        raise Http404
    return {
        "kind": kind,
        "slug": slug,
        "texts": TEXTS[kind],
        "urls": _names(slug),
        "is_depositor": bool(depositor),
        "is_recipient": bool(recipient),
        "can_deposit": bool(
            perms.depositor_structures(request.user, kind, AccessMode.MODIFICATION)
        ),
    }


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def claim_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The depositor's list (a recipient only is sent to his own list)."""
    context = _base(request, slug)
    if not context["is_depositor"]:
        return redirect(context["urls"]["received"])
    page = _page(request, selectors.claims_sent(request.user, context["kind"]))
    rows = [selectors.row_of(c) for c in page.object_list]
    return render(
        request,
        "claims/list.html",
        {
            **context,
            "title": context["texts"]["sent"],
            "side": "sent",
            "rows": rows,
            "page": page,
        },
    )


@login_required
@require_GET
def received_list(request: HttpRequest, slug: str) -> HttpResponse:
    context = _base(request, slug)
    if not context["is_recipient"]:
        raise Http404
    page = _page(request, selectors.claims_received(request.user, context["kind"]))
    rows = [selectors.row_of(c) for c in page.object_list]
    return render(
        request,
        "claims/list.html",
        {
            **context,
            "title": context["texts"]["received"],
            "side": "received",
            "rows": rows,
            "page": page,
        },
    )


def _uploads(files: list[Any]) -> list[Upload]:
    return [
        Upload(f.name, f.read(), getattr(f, "content_type", "") or "application/octet-stream")
        for f in files
    ]


def _refused(form: Any, refused: ClaimRefused) -> None:
    for problem in refused.problems:
        name = problem.field if problem.field in form.fields else None
        form.add_error(name, problem.message)


@login_required
@require_http_methods(["GET", "POST"])
def claim_deposit(request: HttpRequest, slug: str) -> HttpResponse:
    context = _base(request, slug)
    kind = context["kind"]
    structures = perms.depositor_structures(request.user, kind, AccessMode.MODIFICATION)
    if not structures:
        raise Http404
    recipients = selectors.recipients_for(kind)
    today = timezone.localdate()
    post = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    initial: dict[str, Any] = {"idem": secrets.token_hex(16), "issue_date": today}
    formset = None
    form: Any
    if kind == ClaimKind.MEMOIRE_JUSTICE:
        form = MemoireForm(
            post, files, structures=structures, recipients=recipients, initial=initial
        )
        formset = MemoireLineFormSet(post, prefix="lines")
    else:
        initial["exploitation_name"] = structures[0].raison_sociale
        form = TicForm(
            post,
            files,
            structures=structures,
            recipients=recipients,
            initial=initial,
            today=today,
        )
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        if formset is not None:
            valid = formset.is_valid() and valid
        if valid:
            claim = _submit(request, form, formset, kind=kind, today=today)
            if claim is not None:
                claim.flux.refresh_from_db()  # integrated after commit, in-process or not
                row = selectors.row_of(claim)
                words = {
                    "number": claim.number,
                    "flux": claim.flux.numero,
                    "recipient": claim.recipient.raison_sociale,
                    "status": row.status_label.lower(),
                }
                if row.invoice is not None:
                    messages.success(request, context["texts"]["deposited"].format(**words))
                else:
                    messages.info(request, context["texts"]["pending"].format(**words))
                return redirect(context["urls"]["detail"], claim_id=claim.pk)
        status = 400
    return render(
        request,
        "claims/deposit.html",
        {
            **context,
            "title": context["texts"]["new"],
            "form": form,
            "formset": formset,
            "no_recipient": not recipients.exists(),
            # Bank details are mandatory for these requests (reference B.1): say where to add them.
            "no_bank": [
                s for s in structures if not s.bank_accounts.filter(is_active=True).exists()
            ],
        },
        status=status,
    )


def _submit(request: HttpRequest, form: Any, formset: Any, *, kind: str, today: Any) -> Any:
    c = form.cleaned_data
    uploads = _uploads(c.get("attachments") or [])
    try:
        if kind == ClaimKind.MEMOIRE_JUSTICE:
            lines = saisie_lines(formset)
            return memoire_deposit(
                user=request.user,
                supplier=c["structure"],
                data=MemoireInput(
                    recipient=c["recipient"],
                    number=c["number"],
                    issue_date=c["issue_date"],
                    procedure_number=c["procedure_number"],
                    requisition_reference=c["requisition_reference"],
                    requisition_date=c["requisition_date"],
                    prescripteur=c["prescripteur"],
                    mission_nature=c["mission_nature"],
                    mission_description=c["mission_description"],
                    lines=lines,
                    bank_account=c["bank_account"],
                    service_code=c["service_code"],
                    engagement_number=c["engagement_number"],
                    tva_regime=c["tva_regime"],
                    comment=c["comment"],
                ),
                attachments=uploads,
                idempotency_key=c.get("idem") or "",
            )
        return tic_deposit(
            user=request.user,
            supplier=c["structure"],
            data=TicInput(
                recipient=c["recipient"],
                issue_date=today,
                exploitation_name=c["exploitation_name"],
                pacage_number=c["pacage_number"] or "",
                campaign_year=c["campaign_year"],
                quantities=form.quantities(),
                bank_account=c["bank_account"],
                service_code=c["service_code"],
                comment=c["comment"],
            ),
            attachments=uploads,
            idempotency_key=c.get("idem") or "",
            today=today,
        )
    except ClaimRefused as refused:
        _refused(form, refused)
        return None


def _history_rows(invoice: Any) -> list[dict[str, Any]]:
    return [
        {
            "when": change.created_at,
            "to": status_label(change.to_status),
            "who": change.actor_label or "Chœur (plateforme)",
            "reason": change.reason,
        }
        for change in history_of(invoice)
    ]


def _detail_context(claim: Any, invoice: Any) -> dict[str, Any]:
    refund = []
    if claim.kind == ClaimKind.DEMANDE_REMBOURSEMENT:
        refund = list(claim.quantities.all())
    return {
        "claim": claim,
        "invoice": invoice,
        "row": selectors.row_of(claim),
        "lines": list(invoice.lines.all()) if invoice is not None else [],
        "refund": refund,
        "history": _history_rows(invoice) if invoice is not None else [],
        "attachments": attachments_of(invoice) if invoice is not None else [],
    }


@login_required
@require_GET
def claim_detail(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    context = _base(request, slug)
    claim = selectors.claim_get_for_supplier(
        user=request.user, kind=context["kind"], claim_id=claim_id
    )
    detail = _detail_context(claim, selectors.invoice_of(claim))
    return render(
        request,
        "claims/detail.html",
        {
            **context,
            **detail,
            "side": "sent",
            "actions": [],
            "title": f"{claim.get_kind_display()} {claim.number}",
        },
    )


@login_required
@require_GET
def received_detail(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    context = _base(request, slug)
    claim, invoice = selectors.claim_get_for_recipient(
        user=request.user, kind=context["kind"], claim_id=claim_id
    )
    actions = []
    if perms.can_process(request.user, invoice.recipient, context["kind"]):
        actions = [
            {"slug": SLUG_BY_STATUS[target], "label": ACTIONS[SLUG_BY_STATUS[target]][1]}
            for target in targets_for(invoice.status, Actor.RECIPIENT)
            if target in SLUG_BY_STATUS
        ]
    return render(
        request,
        "claims/detail.html",
        {
            **context,
            **_detail_context(claim, invoice),
            "side": "received",
            "actions": actions,
            "title": f"{claim.get_kind_display()} {claim.number}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def received_action(request: HttpRequest, slug: str, claim_id: int, action: str) -> HttpResponse:
    """Process a received request as a received invoice (the lifecycle's table and service)."""
    context = _base(request, slug)
    claim, invoice = selectors.claim_get_for_recipient(
        user=request.user, kind=context["kind"], claim_id=claim_id
    )
    if action not in ACTIONS or not perms.can_process(
        request.user, invoice.recipient, context["kind"]
    ):
        raise Http404
    to_status, label = ACTIONS[action]
    form, status, applied = recipient_action(request, invoice, to_status)
    if applied:
        messages.success(
            request,
            f"{claim.get_kind_display()} n° {claim.number} : statut « "
            f"{LABELS.get(to_status, to_status)} ».",
        )
        return redirect(context["urls"]["received_detail"], claim_id=claim.pk)
    return render(
        request,
        "claims/action.html",
        {
            **context,
            "title": f"{label} — {claim.number}",
            "claim": claim,
            "invoice": invoice,
            "form": form,
            "label": label,
            "status_label": status_label(invoice.status),
        },
        status=status,
    )
