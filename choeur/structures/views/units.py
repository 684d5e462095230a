"""A structure's services (B.2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from choeur.structures import perms, selectors, services
from choeur.structures.errors import StructureError
from choeur.structures.forms import ServiceForm
from choeur.structures.models import Service
from choeur.structures.views._common import error_show, structure_context


@login_required
@require_GET
def service_list(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_member(user=request.user, structure_id=structure_id)
    context = structure_context(request, structure, section="services", title=_("Services"))
    context["services"] = selectors.services_of(structure).prefetch_related("rattachements__user")
    return render(request, "structures/services.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(
    request: HttpRequest, structure_id: int, service_id: int | None = None
) -> HttpResponse:
    structure = selectors.structure_get_for_member(user=request.user, structure_id=structure_id)
    service = (
        selectors.service_get(structure=structure, service_id=service_id)
        if service_id is not None
        else None
    )
    if not perms.can_manage_structure(request.user, structure) and (
        service is None or request.method == "POST"
    ):
        raise PermissionDenied
    form = ServiceForm(
        request.POST or None,
        instance=service or Service(structure=structure),
        members=selectors.members_of(structure),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "members"}
        members = list(form.cleaned_data["members"])
        try:
            if service is None:
                service = services.service_create(
                    actor=request.user, structure=structure, members=members, **data
                )
                messages.success(request, _("Le service est créé."))
            else:
                services.service_update(
                    actor=request.user, service=service, members=members, **data
                )
                messages.success(request, _("Le service est modifié."))
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            return redirect("structures:services", structure_id=structure.pk)
    if service is not None:
        service.refresh_from_db()
    context = structure_context(
        request,
        structure,
        section="services",
        title=(_("Service %(code)s") % {"code": service.code}) if service else _("Nouveau service"),
        history_of=service,
    )
    context.update(
        form=form,
        read_only=not context["can_manage"],
        service=service,
        submit_label=_("Enregistrer"),
        intro="",
    )
    return render(request, "structures/service.html", context)
