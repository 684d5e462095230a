"""Comptes techniques (A.3): gestionnaire principal only; secrets shown once."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from choeur.structures import selectors, services
from choeur.structures.errors import StructureError
from choeur.structures.forms import TechnicalRenewForm
from choeur.structures.views._common import error_show, render_secret, structure_context


@login_required
@require_GET
def technical_account_list(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    context = structure_context(
        request, structure, section="technical", title=_("Comptes techniques")
    )
    context["accounts"] = selectors.technical_accounts_of(structure)
    context["days"] = settings.TECHNICAL_PASSWORD_DAYS
    return render(request, "structures/technical_accounts.html", context)


@login_required
@require_POST
def technical_account_create(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    try:
        made = services.technical_account_create(actor=request.user, structure=structure)
    except StructureError as exc:
        error_show(request, exc)
        return redirect("structures:technical_accounts", structure_id=structure.pk)
    context = structure_context(
        request, structure, section="technical", title=_("Compte technique créé")
    )
    context["secrets"] = made
    return render_secret(request, "structures/technical_secrets.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def technical_account_renew(
    request: HttpRequest, structure_id: int, technical_account_id: int
) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    account = selectors.technical_account_get(
        structure=structure, technical_account_id=technical_account_id
    )
    form = TechnicalRenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.technical_account_renew(
                actor=request.user,
                account=account,
                new_client_secret=form.cleaned_data["new_client_secret"],
            )
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            context = structure_context(
                request, structure, section="technical", title=_("Mot de passe renouvelé")
            )
            context["secrets"] = made
            return render_secret(request, "structures/technical_secrets.html", context)
    context = structure_context(
        request, structure, section="technical", title=account.login, history_of=account
    )
    context.update(account=account, form=form)
    return render(request, "structures/technical_account.html", context)


@login_required
@require_POST
def technical_account_set_active(
    request: HttpRequest, structure_id: int, technical_account_id: int
) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    account = selectors.technical_account_get(
        structure=structure, technical_account_id=technical_account_id
    )
    active = request.POST.get("active") == "1"
    try:
        services.technical_account_set_active(actor=request.user, account=account, active=active)
    except StructureError as exc:
        error_show(request, exc)
    else:
        messages.success(
            request,
            _("Le compte technique est réactivé.")
            if active
            else _("Le compte technique est désactivé."),
        )
    return redirect("structures:technical_accounts", structure_id=structure.pk)
