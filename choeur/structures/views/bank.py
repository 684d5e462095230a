"""Coordonnées bancaires (B.3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from choeur.structures import selectors, services
from choeur.structures.errors import StructureError
from choeur.structures.forms import BankAccountCreateForm, BankAccountUpdateForm
from choeur.structures.views._common import error_show, structure_context


@login_required
@require_GET
def bank_account_list(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_member(user=request.user, structure_id=structure_id)
    context = structure_context(
        request, structure, section="bank", title=_("Coordonnées bancaires")
    )
    context["accounts"] = selectors.bank_accounts_of(structure)
    return render(request, "structures/bank_accounts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def bank_account_create(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    form = BankAccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.bank_account_create(
                actor=request.user, structure=structure, **form.cleaned_data
            )
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(
                request,
                _("Coordonnées bancaires enregistrées : %(bank)s, BIC %(bic)s.")
                % {"bank": account.bank_name or _("banque inconnue"), "bic": account.bic},
            )
            return redirect("structures:bank_accounts", structure_id=structure.pk)
    context = structure_context(
        request, structure, section="bank", title=_("Nouvelles coordonnées bancaires")
    )
    context.update(
        form=form,
        intro=_("L'IBAN est vérifié ; la banque et le BIC en sont déduits."),
        submit_label=_("Enregistrer"),
    )
    return render(request, "structures/form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def bank_account_edit(
    request: HttpRequest, structure_id: int, bank_account_id: int
) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    account = selectors.bank_account_get(structure=structure, bank_account_id=bank_account_id)
    form = BankAccountUpdateForm(
        request.POST or None,
        initial={
            "label": account.label,
            "holder": account.holder,
            "is_factor": account.is_factor,
            "is_active": account.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_account_update(actor=request.user, account=account, **form.cleaned_data)
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(request, _("Coordonnées bancaires modifiées."))
            return redirect("structures:bank_accounts", structure_id=structure.pk)
    context = structure_context(
        request, structure, section="bank", title=account.label, history_of=account
    )
    context.update(account=account, form=form, submit_label=_("Enregistrer"))
    return render(request, "structures/bank_account.html", context)
