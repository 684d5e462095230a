"""Engagements juridiques of a public structure (C.5): list, form, CSV import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from choeur.structures import perms, selectors, services
from choeur.structures.errors import StructureError
from choeur.structures.forms import EngagementForm, EngagementImportForm
from choeur.structures.services.engagements import EngagementImportError
from choeur.structures.views._common import error_show, structure_context


def _structure(request: HttpRequest, structure_id: int, *, manage: bool):  # type: ignore[no-untyped-def]
    structure = selectors.structure_get_for_member(user=request.user, structure_id=structure_id)
    if not structure.is_public:
        raise Http404
    if manage and not perms.can_manage_engagements(request.user, structure):
        raise PermissionDenied
    return structure


@login_required
@require_GET
def engagements_home(request: HttpRequest) -> HttpResponse:
    """The « Engagements » tab: the public structures whose engagements the user reads."""
    structures = [
        s
        for s in selectors.structures_for_user(request.user)
        if perms.can_view_engagements(request.user, s)
    ]
    if len(structures) == 1:
        return redirect("structures:engagements", structure_id=structures[0].pk)
    return render(
        request,
        "structures/engagements_home.html",
        {"title": _("Engagements juridiques"), "structures": structures},
    )


@login_required
@require_GET
def engagement_list(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = _structure(request, structure_id, manage=False)
    query = request.GET.get("q", "")[:50]
    context = structure_context(
        request, structure, section="engagements", title=_("Engagements juridiques")
    )
    context.update(
        engagements=selectors.engagements_of(structure, query=query)[:500],
        query=query,
        can_manage_engagements=perms.can_manage_engagements(request.user, structure),
    )
    return render(request, "structures/engagements.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_edit(
    request: HttpRequest, structure_id: int, engagement_id: int | None = None
) -> HttpResponse:
    structure = _structure(request, structure_id, manage=True)
    engagement = (
        selectors.engagement_get(structure=structure, engagement_id=engagement_id)
        if engagement_id is not None
        else None
    )
    form = EngagementForm(request.POST or None, instance=engagement, structure=structure)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if engagement is None:
                services.engagement_create(actor=request.user, structure=structure, **data)
                messages.success(request, _("L'engagement est publié."))
            else:
                data.pop("number", None)
                services.engagement_update(actor=request.user, engagement=engagement, **data)
                messages.success(request, _("L'engagement est modifié."))
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            return redirect("structures:engagements", structure_id=structure.pk)
    if engagement is not None:
        engagement.refresh_from_db()
    context = structure_context(
        request,
        structure,
        section="engagements",
        title=(_("Engagement %(number)s") % {"number": engagement.number})
        if engagement
        else _("Nouvel engagement juridique"),
        history_of=engagement,
    )
    context.update(form=form, submit_label=_("Enregistrer"), intro="")
    return render(request, "structures/form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_import(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = _structure(request, structure_id, manage=True)
    form = EngagementImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.engagement_import_csv(
                actor=request.user, structure=structure, data=upload.read()
            )
        except EngagementImportError as exc:
            errors = exc.errors
            form.add_error("file", exc.message)
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(
                request,
                _("Import terminé : %(created)s engagement(s) créé(s), %(updated)s modifié(s).")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("structures:engagements", structure_id=structure.pk)
    context = structure_context(
        request, structure, section="engagements", title=_("Importer des engagements")
    )
    context.update(form=form, errors=errors)
    return render(request, "structures/engagement_import.html", context)
