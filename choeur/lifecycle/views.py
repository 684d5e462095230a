"""« Factures reçues »: the recipient's list, invoice page, downloads, actions and synthèse.

Views parse, authorise through selectors (others' invoices are 404) and call one service.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from choeur.core.csvfile import csv_writer
from choeur.core.formats import format_date
from choeur.core.paging import CappedPaginator
from choeur.invoices.models import Invoice
from choeur.invoices.services.documents import invoice_pdf
from choeur.lifecycle import perms, selectors
from choeur.lifecycle.charts import status_bars
from choeur.lifecycle.document import invoice_document
from choeur.lifecycle.forms import ActionForm, BulkActionForm, ReceivedFilterForm
from choeur.lifecycle.services import (
    ActionRefused,
    invoice_apply_action,
    invoice_apply_action_bulk,
    invoice_mark_downloaded,
)
from choeur.lifecycle.transitions import LABELS, Actor, Status, targets_for
from choeur.structures.enums import AccessMode

PAGE_SIZE = 25

# URL slug of each action -> target status and button label.
ACTIONS: dict[str, tuple[Status, str]] = {
    "service-fait": (Status.SERVICE_FAIT, "Service fait"),
    "mandater": (Status.MANDATEE, "Mandater"),
    "mise-a-disposition-comptable": (
        Status.MISE_A_DISPOSITION_COMPTABLE,
        "Mise à disposition comptable",
    ),
    "comptabiliser": (Status.COMPTABILISEE, "Comptabilisée"),
    "mise-en-paiement": (Status.MISE_EN_PAIEMENT, "Mise en paiement"),
    "suspendre": (Status.SUSPENDUE, "Suspendre"),
    "rejeter": (Status.REJETEE, "Rejeter"),
    "a-recycler": (Status.A_RECYCLER, "À recycler"),
}
SLUG_BY_STATUS = {status: slug for slug, (status, _) in ACTIONS.items()}

BADGES = {
    Status.MISE_A_DISPOSITION: "fr-badge--new",
    Status.COMPLETEE: "fr-badge--new",
    Status.SUSPENDUE: "fr-badge--warning",
    Status.A_RECYCLER: "fr-badge--warning",
    Status.REJETEE: "fr-badge--error",
    Status.MISE_EN_PAIEMENT: "fr-badge--success",
}


def _badge(status: str) -> str:
    try:
        return BADGES.get(Status(status), "fr-badge--info")
    except ValueError:
        return "fr-badge--info"


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it, and its aria-sort state."""
    links = {}
    params = request.GET.copy()
    params.pop("page", None)
    for key in selectors.SORTS:
        ascending = current == key
        descending = current == f"-{key}"
        params["tri"] = f"-{key}" if ascending else key
        links[key] = {
            "url": "?" + params.urlencode(),
            "aria": "ascending" if ascending else "descending" if descending else "none",
        }
    return links


@login_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    if not perms.recipient_structures(request.user):
        raise Http404
    form = ReceivedFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if form.is_bound else selectors.ReceivedFilters()
    invoices = selectors.invoice_list_for_recipient(user=request.user, filters=filters)
    if request.GET.get("export") == "csv":
        return _csv(invoices)
    page = CappedPaginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    processable = set(
        selectors.received_invoices(request.user, mode=AccessMode.MODIFICATION)
        .filter(pk__in=[i.pk for i in page.object_list])
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "invoice": invoice,
            "label": selectors.status_label(invoice.status),
            "badge": _badge(invoice.status),
            "processable": invoice.pk in processable,
            "overdue": selectors.is_overdue(invoice),
        }
        for invoice in page.object_list
    ]
    return render(
        request,
        "lifecycle/list.html",
        {
            "title": "Factures reçues",
            "form": form,
            "page": page,
            "rows": rows,
            "query": params.urlencode(),
            "export_query": urlencode([*params.lists(), ("export", "csv")], doseq=True),
            "sort": _sort_links(request, filters.sort),
            "bulk_form": BulkActionForm(invoice_ids=[]),
            "any_processable": bool(processable),
        },
    )


def _csv(invoices: Any) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet software reads UTF-8
    writer = csv_writer(buffer, delimiter=";")
    writer.writerow(
        [
            "Numéro",
            "Date de facture",
            "Date de dépôt",
            "Fournisseur",
            "Identifiant du fournisseur",
            "Destinataire",
            "Service",
            "Engagement",
            "Montant HT",
            "Montant TTC",
            "Statut",
            "Téléchargée",
        ]
    )
    for invoice in invoices.iterator(chunk_size=500):
        writer.writerow(
            [
                invoice.number,
                format_date(invoice.issue_date),
                format_date(timezone.localtime(invoice.created_at).date()),
                invoice.supplier.raison_sociale,
                invoice.supplier.identifier,
                invoice.recipient.raison_sociale,
                invoice.service.code if invoice.service else "",
                invoice.engagement_number,
                str(invoice.total_ht).replace(".", ","),
                str(invoice.total_ttc).replace(".", ","),
                selectors.status_label(invoice.status),
                "oui" if invoice.is_downloaded else "non",
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="factures-recues-{stamp}.csv"'
    return response


def _history_rows(invoice: Invoice) -> list[dict[str, Any]]:
    rows = []
    for change in selectors.history_of(invoice):
        detail = getattr(change, "detail", None)
        rows.append(
            {
                "when": change.created_at,
                "from": selectors.status_label(change.from_status) if change.from_status else "",
                "to": selectors.status_label(change.to_status),
                "who": change.actor_label or "Chœur (plateforme)",
                "reason": change.reason,
                "late": bool(detail and detail.out_of_order),
                "skipped": [selectors.status_label(s) for s in (detail.skipped if detail else [])],
                "mandat_number": detail.mandat_number if detail else "",
            }
        )
    return rows


@login_required
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_recipient(user=request.user, invoice_id=invoice_id)
    can_process = perms.can_process(request.user, invoice)
    actions: list[dict[str, str]] = []
    late_actions: list[dict[str, str]] = []
    if can_process:
        in_sequence = targets_for(invoice.status, Actor.RECIPIENT)
        for target in targets_for(invoice.status, Actor.RECIPIENT, include_late=True):
            slug = SLUG_BY_STATUS.get(target)
            if slug is None:
                continue
            action = {"slug": slug, "label": ACTIONS[slug][1], "status": target.value}
            (actions if target in in_sequence else late_actions).append(action)
    processing = selectors.processing_of(invoice)
    return render(
        request,
        "lifecycle/detail.html",
        {
            "title": f"Facture {invoice.number}",
            "invoice": invoice,
            "status_label": selectors.status_label(invoice.status),
            "badge": _badge(invoice.status),
            "document": invoice_document(invoice),
            "attachments": selectors.attachments_of(invoice),
            "history": _history_rows(invoice),
            "actions": actions,
            "late_actions": late_actions,
            "can_process": can_process,
            "downloaded_at": processing.downloaded_at if processing else None,
            "mandat_number": processing.mandat_number if processing else "",
            "days_waiting": selectors.days_waiting(invoice),
            "overdue": selectors.is_overdue(invoice),
            "delay_days": selectors.payment_delay_days(),
        },
    )


def _file_response(stored: Any, *, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(
        stored.read(), content_type=stored.content_type or "application/octet-stream"
    )
    disposition = "inline" if inline else "attachment"
    safe = filename.replace('"', "").replace("\n", " ")
    response["Content-Disposition"] = f'{disposition}; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _pdf_response(data: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """The invoice's PDF: the deposited one, or for a UBL/CII invoice the one rendered from its
    XML (kept after the first rendering), as the supplier's page offers it."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'{"inline" if inline else "attachment"}; filename="{filename}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _zip(invoice: Invoice) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        pdf = invoice_pdf(invoice)
        if pdf is not None:
            archive.writestr(f"{invoice.number}.pdf", pdf)
        if invoice.xml is not None:
            archive.writestr(f"{invoice.number}.xml", invoice.xml.read())
        used: set[str] = set()
        for attachment in selectors.attachments_of(invoice):
            name = attachment.name.replace("/", "_").replace("\\", "_") or "piece-jointe"
            while f"pieces-jointes/{name}" in used:
                name = f"{attachment.pk}-{name}"
            used.add(f"pieces-jointes/{name}")
            archive.writestr(f"pieces-jointes/{name}", attachment.file.read())
    return buffer.getvalue()


@login_required
@require_POST
def invoice_download(request: HttpRequest, invoice_id: int, kind: str) -> HttpResponse:
    """« Télécharger »: the PDF, the XML or everything as a zip; marks the invoice downloaded."""
    invoice = selectors.invoice_get_for_recipient(user=request.user, invoice_id=invoice_id)
    safe_number = "".join(c if c.isalnum() or c in "-_." else "_" for c in invoice.number)
    pdf = invoice_pdf(invoice) if kind == "pdf" else None
    if pdf is not None:
        response = _pdf_response(pdf, filename=f"{safe_number}.pdf")
    elif kind == "xml" and invoice.xml is not None:
        response = _file_response(invoice.xml, filename=f"{safe_number}.xml")
    elif kind == "zip":
        response = HttpResponse(_zip(invoice), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{safe_number}.zip"'
    else:
        raise Http404
    invoice_mark_downloaded(invoice=invoice, user=request.user)
    return response


@login_required
@require_GET
def invoice_pdf_view(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The PDF shown in the browser (reading is not downloading: nothing is marked)."""
    invoice = selectors.invoice_get_for_recipient(user=request.user, invoice_id=invoice_id)
    pdf = invoice_pdf(invoice)
    if pdf is None:
        raise Http404
    return _pdf_response(pdf, filename=f"{invoice.pk}.pdf", inline=True)


@login_required
@require_GET
def attachment_download(request: HttpRequest, invoice_id: int, attachment_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_recipient(user=request.user, invoice_id=invoice_id)
    attachment = selectors.attachment_get(invoice=invoice, attachment_id=attachment_id)
    return _file_response(attachment.file, filename=attachment.name)


def recipient_action(
    request: HttpRequest, invoice: Invoice, to_status: Status
) -> tuple[ActionForm, int, bool]:
    """The recipient's action form on an invoice (« Factures reçues », the claims' espaces),
    applied on a valid POST: (form, HTTP status of the page, whether the action was applied).
    A refused action is a form error: 409 when the invoice moved meanwhile, 400 otherwise."""
    form = ActionForm(
        request.POST or None, to_status=to_status, initial={"expected_status": invoice.status}
    )
    if request.method != "POST":
        return form, 200, False
    if not form.is_valid():
        return form, 400, False
    data = form.cleaned_data
    try:
        invoice_apply_action(
            invoice=invoice,
            to_status=to_status,
            actor_user=request.user,
            actor_kind=Actor.RECIPIENT,
            reason=data.get("reason", ""),
            reason_code=data.get("reason_code", ""),
            mandat_number=data.get("mandat_number", ""),
            expected_status=data["expected_status"],
        )
    except ActionRefused as refused:
        form.add_error(None, refused.message)
        return form, 409 if refused.code == "STALE" else 400, False
    return form, 200, True


@login_required
@require_http_methods(["GET", "POST"])
def invoice_action(request: HttpRequest, invoice_id: int, action: str) -> HttpResponse:
    invoice = selectors.invoice_get_for_recipient(user=request.user, invoice_id=invoice_id)
    if action not in ACTIONS:
        raise Http404
    to_status, label = ACTIONS[action]
    form, status, applied = recipient_action(request, invoice, to_status)
    if applied:
        if invoice.status != to_status:  # a late update: recorded, status unchanged
            messages.info(
                request,
                f"Statut « {LABELS[to_status]} » consigné dans l'historique ; la facture "
                "reste à son statut actuel, plus avancé.",
            )
        else:
            messages.success(
                request, f"La facture {invoice.number} est maintenant « {LABELS[to_status]} »."
            )
        return redirect("lifecycle:detail", invoice_id=invoice.pk)
    return render(
        request,
        "lifecycle/action.html",
        {
            "title": f"{label} — facture {invoice.number}",
            "invoice": invoice,
            "form": form,
            "label": label,
            "to_status": to_status.value,
            "status_label": selectors.status_label(invoice.status),
        },
        status=status,
    )


@login_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    posted = [int(v) for v in request.POST.getlist("invoices") if v.isdigit()]
    visible = list(selectors.received_invoices(request.user).filter(pk__in=posted).order_by("pk"))
    form = BulkActionForm(request.POST, invoice_ids=[i.pk for i in visible])
    back = request.POST.get("next", "")
    back = back if back.startswith("?") else ""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"/factures-recues/{back}")
    outcome = invoice_apply_action_bulk(
        invoices=visible,
        to_status=form.cleaned_data["to_status"],
        actor_user=request.user,
        actor_kind=Actor.RECIPIENT,
    )
    label = LABELS[Status(form.cleaned_data["to_status"])]
    if outcome.done:
        messages.success(
            request, f"{len(outcome.done)} facture(s) passée(s) au statut « {label} »."
        )
    for invoice, message in outcome.refused:
        messages.error(request, f"Facture {invoice.number} : {message}")
    return redirect(f"/factures-recues/{back}")


@login_required
@require_GET
def synthese(request: HttpRequest) -> HttpResponse:
    if not perms.recipient_structures(request.user):
        raise Http404
    data = selectors.synthese_for_recipient(user=request.user)
    today = timezone.localdate()
    overdue = [
        {"invoice": invoice, "days": selectors.days_waiting(invoice, today)}
        for invoice in data.overdue
    ]
    return render(
        request,
        "lifecycle/synthese.html",
        {
            "title": "Synthèse des factures reçues",
            "synthese": data,
            "overdue": overdue,
            "chart": status_bars(data.counts),
        },
    )
