"""« Gestion de la structure »: the record, activation, parameters, espaces, history (B.1, B.4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from choeur.structures import perms, selectors, services
from choeur.structures.errors import StructureError
from choeur.structures.forms import EspacesForm, ParametersForm, StructureForm
from choeur.structures.views._common import error_show, structure_context


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "structure": structure,
            "can_manage": perms.can_manage_structure(request.user, structure),
            "pending": selectors.rattachements_pending_for(structure).count()
            if perms.can_manage_structure(request.user, structure)
            else 0,
        }
        for structure in selectors.structures_for_user(request.user)
    ]
    return render(
        request,
        "structures/index.html",
        {"title": _("Gestion de la structure"), "rows": rows},
    )


@login_required
@require_GET
def detail(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_member(user=request.user, structure_id=structure_id)
    context = structure_context(
        request, structure, section="detail", title=structure.raison_sociale, history_of=structure
    )
    context["can_edit_parameters"] = perms.can_edit_public_parameters(request.user, structure)
    return render(request, "structures/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    form = StructureForm(request.POST or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_update(
                actor=request.user, structure=structure, data=form.editable_data()
            )
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(request, _("La structure est modifiée."))
            return redirect("structures:detail", structure_id=structure.pk)
    # A failed ModelForm leaves its instance half-changed in memory: show a fresh one.
    structure.refresh_from_db()
    context = structure_context(
        request, structure, section="detail", title=_("Modifier la structure"), history_of=structure
    )
    context["form"] = form
    return render(request, "structures/edit.html", context)


@login_required
@require_POST
def insee_update(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    try:
        result = services.structure_update_from_insee(actor=request.user, structure=structure)
    except StructureError as exc:
        error_show(request, exc)
    else:
        if result.closed:
            messages.warning(
                request,
                _(
                    "Cet établissement est fermé dans la base INSEE : s'il a cessé son activité, "
                    "désactivez la structure."
                ),
            )
        if result.changed:
            messages.success(request, _("Structure mise à jour depuis la base INSEE."))
        else:
            messages.info(request, _("La structure était déjà à jour avec la base INSEE."))
    return redirect("structures:detail", structure_id=structure.pk)


@login_required
@require_POST
def set_active(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    active = request.POST.get("active") == "1"
    try:
        services.structure_set_active(actor=request.user, structure=structure, active=active)
    except StructureError as exc:
        error_show(request, exc)
    else:
        messages.success(
            request, _("La structure est activée.") if active else _("La structure est désactivée.")
        )
    return redirect("structures:detail", structure_id=structure.pk)


@login_required
@require_http_methods(["GET", "POST"])
def parameters(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_member(user=request.user, structure_id=structure_id)
    if not perms.can_edit_public_parameters(request.user, structure):
        raise PermissionDenied
    initial = {
        "code_service_required": structure.code_service_required,
        "engagement_required": structure.engagement_required,
        "engagement_or_service_required": structure.engagement_or_service_required,
    }
    form = ParametersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_parameters_update(
                actor=request.user, structure=structure, **form.cleaned_data
            )
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(request, _("Les paramètres de la structure sont enregistrés."))
            return redirect("structures:detail", structure_id=structure.pk)
    context = structure_context(
        request,
        structure,
        section="parameters",
        title=_("Paramètres de réception des factures"),
        history_of=structure,
    )
    context.update(
        form=form,
        intro=_(
            "Ce que les fournisseurs doivent indiquer sur les factures adressées à la structure."
        ),
        submit_label=_("Enregistrer"),
    )
    return render(request, "structures/form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def espaces(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    form = EspacesForm(
        request.POST or None, initial={"espaces": selectors.open_espaces_of(structure)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_espaces_update(
                actor=request.user, structure=structure, espaces=form.cleaned_data["espaces"]
            )
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(request, _("Les espaces de la structure sont enregistrés."))
            return redirect("structures:espaces", structure_id=structure.pk)
    context = structure_context(
        request,
        structure,
        section="espaces",
        title=_("Espaces de la structure"),
        history_of=structure,
    )
    context.update(
        form=form,
        intro=_(
            "Un espace ouvert peut ensuite être attribué aux utilisateurs, en consultation ou "
            "en modification, depuis la page de chaque utilisateur."
        ),
        submit_label=_("Enregistrer"),
    )
    return render(request, "structures/form_page.html", context)


@login_required
@require_GET
def history(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_member(user=request.user, structure_id=structure_id)
    if not perms.can_view_history(request.user, structure):
        raise PermissionDenied
    context = structure_context(
        request, structure, section="history", title=_("Historique de la structure")
    )
    context["history"] = list(selectors.audit_history_for_structure(structure)[:300])
    return render(request, "structures/history.html", context)
