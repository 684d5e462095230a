"""« Déposer un flux » and « Suivi des flux » with the compte rendu."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from choeur.invoices import perms, selectors
from choeur.invoices.enums import FluxStatus, ModeDepot
from choeur.invoices.forms import FluxUploadForm
from choeur.invoices.services import documents
from choeur.invoices.services.deposit import DepositRefused, flux_deposit
from choeur.invoices.views._common import menu, upload_of
from choeur.invoices.views.sent import _file_response


@login_required
@require_http_methods(["GET", "POST"])
def flux_upload(request: HttpRequest) -> HttpResponse:
    structures = perms.sendable_structures(request.user)
    form = FluxUploadForm(request.POST or None, request.FILES or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        try:
            flux = flux_deposit(
                user=request.user,
                supplier=form.cleaned_data["supplier"],
                upload=upload_of(form.cleaned_data["file"]),
                mode_depot=ModeDepot.UPLOAD_PORTAIL,
                declared_syntax=form.cleaned_data["declared_syntax"],
                idempotency_key=request.headers.get("Idempotency-Key", ""),
            )
        except DepositRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Flux déposé sous le numéro %(numero)s.") % {"numero": flux.numero}
            )
            return redirect("invoices:flux_detail", flux_id=flux.pk)
    context = {
        "title": _("Déposer un flux"),
        "menu": menu(request, "upload"),
        "form": form,
        "structures": structures,
    }
    return render(request, "invoices/upload.html", context)


@login_required
@require_GET
def flux_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("etat", "")
    status = status if status in FluxStatus.values else ""
    found = selectors.flux_for_user(
        user=request.user, status=status, numero=request.GET.get("numero", "")
    )
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    context = {
        "title": _("Suivi des flux"),
        "menu": menu(request, "flux"),
        "page": page,
        "statuses": FluxStatus.choices,
        "status": status,
        "numero": request.GET.get("numero", ""),
        "query": urlencode({"etat": status, "numero": request.GET.get("numero", "")}),
    }
    return render(request, "invoices/flux_list.html", context)


@login_required
@require_GET
def flux_detail(request: HttpRequest, flux_id: int) -> HttpResponse:
    flux = selectors.flux_get_for_user(user=request.user, flux_id=flux_id)
    context = {
        "title": _("Flux %(numero)s") % {"numero": flux.numero},
        "menu": menu(request, "flux"),
        "flux": flux,
        "report_errors": flux.report.get("errors", []),
        "items": flux.report.get("items", []),
        "waiting": not flux.is_final,
    }
    return render(request, "invoices/flux_detail.html", context)


@login_required
@require_GET
def flux_report_pdf(request: HttpRequest, flux_id: int) -> HttpResponse:
    flux = selectors.flux_get_for_user(user=request.user, flux_id=flux_id)
    data = documents.flux_report_pdf(
        flux,
        {"report_errors": flux.report.get("errors", []), "items": flux.report.get("items", [])},
    )
    return _file_response(data, f"compte-rendu-{flux.numero}.pdf", "application/pdf")
