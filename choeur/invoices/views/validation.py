"""The validator circuit's pages (cadres A9, A12): the validator's espace « Factures à valider »
(list, detail, accept, refuse), the supplier's page where its invoice stands (and where it
corrects a wrong validator), and the deposit forms' validator fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from choeur.core.forms import BaseForm
from choeur.invoices import perms as invoice_perms
from choeur.invoices.models import Flux, Invoice
from choeur.invoices.services.validation_circuit import (
    CIRCUIT_STATUSES,
    COMMENT_MAX,
    WAITING_STATUSES,
    ValidationAction,
    ValidationRefused,
    ValidatorChoice,
    ValidatorRefusalReason,
    can_validate,
    current_validator,
    decisions_of,
    invoice_get_for_validator,
    invoice_validation_treat,
    invoice_validator_correct,
    invoices_to_validate,
    validation_request_attach,
    validator_structures,
    validators_check,
)
from choeur.lifecycle.transitions import LABELS, VALIDATION_DELAY_DAYS, Status

__all__ = [
    "validation_deposit_message",
    "validation_request_attach",
    "validators_form_check",
]

FORM_FIELDS = {
    "valideur_1": "valideur_1",
    "service_valideur_1": "service_valideur_1",
    "valideur_2": "valideur_2",
    "service_valideur_2": "service_valideur_2",
}


def _label(status: str) -> str:
    try:
        return LABELS[Status(status)]
    except ValueError:
        return status


# --- the deposit forms ---------------------------------------------------------------------


def validators_form_check(form: Any, supplier: Any) -> ValidatorChoice | None:
    """The validators typed in the saisie (or PDF deposit) form, or errors on their fields."""
    data = getattr(form, "cleaned_data", None) or {}
    if "cadre" not in data:
        return None
    try:
        return validators_check(
            cadre=data["cadre"],
            supplier=supplier,
            identifier_1=data.get("valideur_1", "") or "",
            service_1=data.get("service_valideur_1", "") or "",
            identifier_2=data.get("valideur_2", "") or "",
            service_2=data.get("service_valideur_2", "") or "",
        )
    except ValidationRefused as refused:
        field = FORM_FIELDS.get(refused.field)
        if field is not None and field in form.fields and field not in form.errors:
            form.add_error(field, refused.message)
        elif field is None or field not in form.errors:
            form.add_error(None, refused.message)
        return None


def validation_deposit_message(invoice: Invoice, flux: Flux) -> str:
    validation = getattr(invoice, "validation", None)
    validator = validation.validator_1 if validation is not None else None
    if invoice.status == Status.A_VALIDER_1 and validator is not None:
        return _(
            "Facture %(number)s déposée (flux %(flux)s) et transmise à son valideur, "
            "%(validator)s, qui a %(days)s jours pour la valider."
        ) % {
            "number": invoice.number,
            "flux": flux.numero,
            "validator": validator.raison_sociale,
            "days": VALIDATION_DELAY_DAYS,
        }
    return _("Facture %(number)s déposée (flux %(flux)s) : statut « %(status)s ».") % {
        "number": invoice.number,
        "flux": flux.numero,
        "status": _label(invoice.status),
    }


# --- the validator's espace ----------------------------------------------------------------


class ValidatorFilterForm(BaseForm):
    statut = forms.ChoiceField(
        label=gettext_lazy("Statut"),
        required=False,
        choices=[("", gettext_lazy("À valider"))]
        + [("tous", gettext_lazy("Tous"))]
        + [(s, LABELS[Status(s)]) for s in sorted(CIRCUIT_STATUSES)],
    )
    numero = forms.CharField(
        label=gettext_lazy("Numéro de facture"), required=False, max_length=100
    )


class TreatForm(BaseForm):
    action = forms.ChoiceField(
        label=gettext_lazy("Décision"),
        choices=[
            (ValidationAction.VALIDATION.value, gettext_lazy("Valider la facture")),
            (ValidationAction.REFUS.value, gettext_lazy("Refuser la facture")),
        ],
        widget=forms.RadioSelect,
    )
    motif = forms.ChoiceField(
        label=gettext_lazy("Motif du refus"),
        required=False,
        choices=[("", gettext_lazy("Choisissez un motif"))] + list(ValidatorRefusalReason.choices),
        help_text=gettext_lazy(
            "Obligatoire pour un refus. « Je ne suis pas le valideur » renvoie la facture au "
            "fournisseur pour qu'il corrige le valideur."
        ),
    )
    commentaire = forms.CharField(
        label=gettext_lazy("Commentaire"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    piece_jointe = forms.FileField(
        label=gettext_lazy("Pièce jointe"),
        required=False,
        help_text=gettext_lazy("Facultative ; 10 Mo au plus."),
    )


class CorrectForm(BaseForm):
    valideur = forms.CharField(label=gettext_lazy("SIRET du bon valideur"), max_length=20)
    service_valideur = forms.CharField(
        label=gettext_lazy("Code service du valideur"), required=False, max_length=100
    )


@login_required
@require_GET
def validator_list(request: HttpRequest) -> HttpResponse:
    structures = validator_structures(request.user)
    if not structures:
        raise Http404
    form = ValidatorFilterForm(request.GET or None)
    invoices = invoices_to_validate(request.user)
    wanted = ""
    number = ""
    if form.is_bound and form.is_valid():
        wanted = form.cleaned_data["statut"]
        number = form.cleaned_data["numero"].strip()
    if not wanted:
        invoices = invoices.filter(status__in=list(WAITING_STATUSES.values()))
    elif wanted != "tous":
        invoices = invoices.filter(status=wanted)
    if number:
        invoices = invoices.filter(number__icontains=number)
    page = Paginator(invoices.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    rows = [
        {
            "invoice": invoice,
            "status_label": _label(invoice.status),
            "level": invoice.validation.level,
            "waiting": invoice.status in WAITING_STATUSES.values(),
        }
        for invoice in page.object_list
    ]
    return render(
        request,
        "invoices/validation/list.html",
        {
            "title": _("Factures à valider"),
            "form": form,
            "rows": rows,
            "page": page,
            "structures": [s.raison_sociale for s in structures],
            "query": _query(request),
            "days": VALIDATION_DELAY_DAYS,
        },
    )


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _get(request: HttpRequest, invoice_id: int) -> Invoice:
    try:
        return invoice_get_for_validator(user=request.user, invoice_id=invoice_id)
    except Invoice.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def validator_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _get(request, invoice_id)
    allowed = can_validate(request.user, invoice)
    waiting = invoice.status in WAITING_STATUSES.values()
    form = TreatForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not (allowed and waiting):
            messages.error(request, _("Cette facture n'est pas à valider par vous."))
            return redirect("validation:detail", invoice_id=invoice.pk)
        if form.is_valid():
            data = form.cleaned_data
            upload = None
            if data["piece_jointe"] is not None:
                file = data["piece_jointe"]
                upload = (file.name, b"".join(file.chunks()))
            try:
                invoice_validation_treat(
                    invoice=invoice,
                    user=request.user,
                    action=data["action"],
                    reason_code=data["motif"],
                    comment=data["commentaire"],
                    upload=upload,
                    expected_status=request.POST.get("statut_vu") or None,
                )
            except ValidationRefused as refused:
                known = refused.field in ("motif", "commentaire", "piece_jointe")
                form.add_error(refused.field if known else None, refused.message)
            else:
                messages.success(
                    request,
                    _("Facture %(number)s : %(status)s.")
                    % {"number": invoice.number, "status": _label(invoice.status)},
                )
                return redirect("validation:detail", invoice_id=invoice.pk)
    return render(
        request,
        "invoices/validation/detail.html",
        {
            "title": _("Facture à valider %(number)s") % {"number": invoice.number},
            "invoice": invoice,
            "status_label": _label(invoice.status),
            "validation": invoice.validation,
            "validator": current_validator(invoice),
            "decisions": decisions_of(invoice),
            "history": list(invoice.status_changes.all()),
            "attachments": list(invoice.attachments.all()),
            "form": form if (allowed and waiting) else None,
            "allowed": allowed,
            "waiting": waiting,
            "deadline": (
                timezone.localtime(invoice.validation.started_at)
                + dt.timedelta(days=VALIDATION_DELAY_DAYS)
                if invoice.validation.started_at
                else None
            ),
            "days": VALIDATION_DELAY_DAYS,
        },
    )


# --- the supplier's side -------------------------------------------------------------------


def _get_sent(request: HttpRequest, invoice_id: int) -> Invoice:
    invoice = (
        Invoice.objects.select_related("supplier", "recipient", "validation")
        .filter(pk=invoice_id, validation__isnull=False)
        .first()
    )
    if invoice is None or not invoice_perms.can_view_sent(request.user, invoice.supplier):
        raise Http404
    return invoice


@login_required
@require_http_methods(["GET", "POST"])
def supplier_circuit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Where an A9/A12 invoice stands in its circuit; « Corriger le valideur » when sent back."""
    invoice = _get_sent(request, invoice_id)
    correctable = invoice.status in (
        Status.ERREUR_FOURNISSEUR_SUR_VALIDEUR.value,
        Status.ERREUR_COTRAITANT_SUR_VALIDEUR.value,
    ) and invoice_perms.can_act_on_sent(request.user, invoice.supplier)
    form = CorrectForm(request.POST or None)
    if request.method == "POST":
        if not correctable:
            messages.error(request, _("Le valideur de cette facture ne peut pas être corrigé."))
            return redirect("validation:supplier", invoice_id=invoice.pk)
        if form.is_valid():
            try:
                invoice_validator_correct(
                    invoice=invoice,
                    user=request.user,
                    identifier=form.cleaned_data["valideur"],
                    service_code=form.cleaned_data["service_valideur"],
                )
            except ValidationRefused as refused:
                form.add_error(
                    "service_valideur" if "service" in refused.field else "valideur",
                    refused.message,
                )
            else:
                messages.success(
                    request,
                    _("Valideur corrigé : la facture %(number)s est de nouveau à valider.")
                    % {"number": invoice.number},
                )
                return redirect("validation:supplier", invoice_id=invoice.pk)
    return render(
        request,
        "invoices/validation/supplier.html",
        {
            "title": _("Circuit de validation de la facture %(number)s")
            % {"number": invoice.number},
            "invoice": invoice,
            "status_label": _label(invoice.status),
            "validation": invoice.validation,
            "validator": current_validator(invoice),
            "decisions": decisions_of(invoice),
            "form": form if correctable else None,
            "days": VALIDATION_DELAY_DAYS,
        },
    )
