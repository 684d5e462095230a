"""« Factures émises »: the list, an invoice's page, its downloads and the supplier's actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from choeur.core.csvfile import csv_writer
from choeur.core.formats import format_date
from choeur.core.paging import CappedPaginator
from choeur.invoices import perms, selectors
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.forms import CompleteForm, InvoiceFilterForm, RecycleForm
from choeur.invoices.models import Invoice
from choeur.invoices.services import documents
from choeur.invoices.services.supplier import (
    InvoiceActionError,
    invoice_acknowledge_rejection,
    invoice_complete,
    invoice_recycle,
)
from choeur.invoices.views._common import menu, upload_of

PAGE_SIZE = 25
SUPPLIER_STATUSES = {
    InvoiceStatus.DEPOSEE,
    InvoiceStatus.COMPLETEE,
    InvoiceStatus.MISE_A_DISPOSITION,
}
COLUMNS = [
    ("numero", _("Numéro")),
    ("date", _("Date de facture")),
    ("destinataire", _("Destinataire")),
    ("montant", _("Montant TTC")),
    ("statut", _("Statut")),
    ("depot", _("Déposée le")),
]


def _filters(request: HttpRequest) -> tuple[InvoiceFilterForm, selectors.InvoiceFilters]:
    form = InvoiceFilterForm(request.GET or None)
    filters = selectors.InvoiceFilters(sort=request.GET.get("tri", "depot"))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters.status = data["status"]
        filters.recipient = data["recipient"]
        filters.number = data["number"]
        filters.flux = data["flux"]
        filters.date_from = data["date_from"]
        filters.date_to = data["date_to"]
        filters.amount_min = data["amount_min"]
        filters.amount_max = data["amount_max"]
    return form, filters


@login_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    invoices = selectors.invoices_for_supplier(user=request.user, filters=filters)
    page = CappedPaginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k not in ("page", "tri") and v}
    sort = filters.sort if filters.sort in selectors.SORTS else "depot"
    columns = []
    for key, label in COLUMNS:
        next_sort = f"-{key}" if sort == key else key
        columns.append(
            {
                "label": label,
                "url": "?" + urlencode({**params, "tri": next_sort}),
                "sorted": sort.lstrip("-") == key,
                "descending": sort.startswith("-") == (key != "depot"),
            }
        )
    query = urlencode({**params, "tri": sort})
    context = {
        "title": _("Factures émises"),
        "menu": menu(request, "list"),
        "form": form,
        "page": page,
        "columns": columns,
        "query": query,
        "export_url": "export.csv?" + urlencode({**params, "tri": sort}),
        "can_deposit": bool(perms.sendable_structures(request.user)),
        "has_structures": bool(perms.readable_structures(request.user)),
        "awaiting": selectors.invoices_awaiting_supplier(user=request.user),
    }
    return render(request, "invoices/list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def invoice_export(request: HttpRequest) -> StreamingHttpResponse:
    _form, filters = _filters(request)
    invoices = selectors.invoices_for_supplier(user=request.user, filters=filters)
    writer = csv_writer(_Echo(), delimiter=";")
    header = [
        "identifiant",
        "numero",
        "type",
        "cadre",
        "date_facture",
        "fournisseur_siret",
        "destinataire_siret",
        "destinataire",
        "code_service",
        "numero_engagement",
        "devise",
        "montant_ht",
        "montant_tva",
        "montant_ttc",
        "net_a_payer",
        "statut",
        "date_depot",
        "numero_flux",
    ]

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(header)
        for inv in invoices.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    inv.pk,
                    inv.number,
                    inv.type,
                    inv.cadre,
                    inv.issue_date.isoformat(),
                    inv.supplier.identifier,
                    inv.recipient.identifier,
                    inv.recipient.raison_sociale,
                    inv.service.code if inv.service else "",
                    inv.engagement_number,
                    inv.currency,
                    str(inv.total_ht).replace(".", ","),
                    str(inv.total_tva).replace(".", ","),
                    str(inv.total_ttc).replace(".", ","),
                    str(inv.amount_due).replace(".", ","),
                    inv.status,
                    inv.created_at.date().isoformat(),
                    inv.flux.numero,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="factures-emises.csv"'
    return response


def _detail_context(request: HttpRequest, invoice: Invoice) -> dict[str, Any]:
    history = selectors.invoice_history(invoice)
    can_act = perms.can_act_on_sent(request.user, invoice.supplier)
    return {
        "title": _("Facture %(number)s") % {"number": invoice.number},
        "menu": menu(request, "list"),
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "attachments": list(invoice.attachments.select_related("file")),
        "history": history,
        # The recipient's word: reasons given with the statuses he sets (suspension, rejection...).
        "recipient_comments": [
            h for h in history if h.reason and h.to_status not in SUPPLIER_STATUSES
        ],
        "can_complete": can_act and invoice.status == InvoiceStatus.SUSPENDUE,
        "can_recycle": can_act and invoice.status == InvoiceStatus.A_RECYCLER,
        "can_acknowledge": can_act
        and invoice.status == InvoiceStatus.REJETEE
        and invoice.rejection_processed_at is None,
        "has_pdf": invoice.main_document_id is not None or invoice.xml_id is not None,
    }


@login_required
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    return render(request, "invoices/detail.html", _detail_context(request, invoice))


def _file_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:120] or "fichier"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    data = documents.invoice_pdf(invoice)
    if data is None:
        raise Http404
    return _file_response(data, f"facture-{invoice.number}.pdf", "application/pdf")


@login_required
@require_GET
def invoice_xml(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    if invoice.xml is None:
        raise Http404
    return _file_response(invoice.xml.read(), f"facture-{invoice.number}.xml", "application/xml")


@login_required
@require_GET
def invoice_attachment(request: HttpRequest, invoice_id: int, attachment_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    attachment = selectors.invoice_attachment_get(invoice=invoice, attachment_id=attachment_id)
    return _file_response(attachment.file.read(), attachment.name, "application/octet-stream")


@login_required
@require_GET
def invoice_certificate(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    deposit = invoice.status_changes.order_by("created_at", "pk").first()
    data = documents.certificate_pdf(
        invoice, {"deposit": deposit, "deposit_date": format_date(invoice.created_at.date())}
    )
    return _file_response(data, f"certificat-depot-{invoice.number}.pdf", "application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
def invoice_complete_view(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    form = CompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            invoice_complete(
                invoice=invoice,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                attachments=[upload_of(f) for f in form.cleaned_data["attachments"]],
            )
        except InvoiceActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("La facture est complétée : le destinataire en est informé.")
            )
            return redirect("invoices:detail", invoice_id=invoice.pk)
    context = _detail_context(request, invoice) | {"form": form, "title": _("Compléter la facture")}
    return render(request, "invoices/action.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_recycle_view(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    initial = {
        "recipient_siret": invoice.recipient.identifier,
        "service_code": invoice.service.code if invoice.service else "",
        "engagement_number": invoice.engagement_number,
    }
    form = RecycleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invoice_recycle(invoice=invoice, actor=request.user, **form.cleaned_data)
        except InvoiceActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("La facture est recyclée et mise à disposition du destinataire.")
            )
            return redirect("invoices:detail", invoice_id=invoice.pk)
    context = _detail_context(request, invoice) | {"form": form, "title": _("Recycler la facture")}
    return render(request, "invoices/action.html", context)


@login_required
@require_http_methods(["POST"])
def invoice_acknowledge_view(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_supplier(user=request.user, invoice_id=invoice_id)
    try:
        invoice_acknowledge_rejection(invoice=invoice, actor=request.user)
    except InvoiceActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Le rejet est traité. Émettez si besoin une nouvelle facture sous un nouveau numéro."
            ),
        )
    return redirect("invoices:detail", invoice_id=invoice.pk)


@login_required
@require_GET
def synthese(request: HttpRequest) -> HttpResponse:
    data = selectors.synthese(user=request.user)
    for index, month in enumerate(data["months"]):
        # Bars drawn as SVG attributes (no inline style: CSP); the table below gives the figures.
        month["y"] = index * 24
        month["text_y"] = index * 24 + 13
        month["bar"] = month["percent"] * 4
        month["label_x"] = 80 + month["percent"] * 4
    data["chart_height"] = len(data["months"]) * 24
    context = {"title": _("Synthèse"), "menu": menu(request, "synthese"), **data}
    return render(request, "invoices/synthese.html", context)
