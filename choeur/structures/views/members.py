"""Users of a structure: approvals, rights, detach, hand-over, duplication des droits (A.3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from choeur.structures import selectors, services
from choeur.structures.enums import RattachementStatus, Role
from choeur.structures.errors import StructureError
from choeur.structures.forms import CopyRightsForm, MemberChoiceForm, RefuseForm, RightsForm
from choeur.structures.views._common import error_show, structure_context


@login_required
@require_GET
def members(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_member(user=request.user, structure_id=structure_id)
    context = structure_context(request, structure, section="members", title=_("Utilisateurs"))
    context["members"] = [
        {
            "rattachement": r,
            "subscriptions": selectors.subscriptions_of(user=r.user, structure=structure),
        }
        for r in selectors.members_of(structure)
    ]
    return render(request, "structures/members.html", context)


def _rights_form(request: HttpRequest, structure, rattachement, data=None) -> RightsForm:  # type: ignore[no-untyped-def]
    return RightsForm(
        data,
        structure=structure,
        open_espaces=selectors.open_espaces_of(structure),
        current=selectors.subscriptions_of(user=rattachement.user, structure=structure),
        current_services=list(rattachement.services.all()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, structure_id: int, rattachement_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    rattachement = selectors.rattachement_get_for_manager(
        structure=structure, rattachement_id=rattachement_id
    )
    form = _rights_form(request, structure, rattachement, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rattachement_rights_update(
                actor=request.user,
                rattachement=rattachement,
                subscriptions=form.subscriptions(),
                services=form.chosen_services(),
            )
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(request, _("Les droits de l'utilisateur sont enregistrés."))
            return redirect("structures:members", structure_id=structure.pk)
    context = structure_context(
        request,
        structure,
        section="members",
        title=rattachement.user.get_full_name() or rattachement.user.email,
        history_of=rattachement,
    )
    context.update(
        rattachement=rattachement,
        form=form,
        is_validated=rattachement.status == RattachementStatus.VALIDEE,
        is_manager=rattachement.role == Role.GESTIONNAIRE_PRINCIPAL,
    )
    return render(request, "structures/member.html", context)


@login_required
@require_POST
def member_detach(request: HttpRequest, structure_id: int, rattachement_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    rattachement = selectors.rattachement_get_for_manager(
        structure=structure, rattachement_id=rattachement_id
    )
    try:
        services.rattachement_detach(actor=request.user, rattachement=rattachement)
    except StructureError as exc:
        error_show(request, exc)
        return redirect(
            "structures:member", structure_id=structure.pk, rattachement_id=rattachement.pk
        )
    messages.success(request, _("L'utilisateur est détaché de la structure."))
    return redirect("structures:members", structure_id=structure.pk)


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    candidates = (
        selectors.members_of(structure)
        .exclude(user_id=request.user.pk or 0)
        .filter(user__is_active=True, user__is_technical=False)
    )
    form = MemberChoiceForm(
        request.POST or None, members=candidates, label=_("Nouveau gestionnaire principal")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rattachement_handover(actor=request.user, target=form.cleaned_data["member"])
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(
                request,
                _("Le rôle de gestionnaire principal est transmis. Vous restez utilisateur."),
            )
            return redirect("structures:members", structure_id=structure.pk)
    context = structure_context(
        request,
        structure,
        section="members",
        title=_("Transmettre le rôle de gestionnaire principal"),
    )
    context.update(
        form=form,
        intro=_(
            "Le nouveau gestionnaire principal doit être un membre actif de la structure. Vous "
            "perdrez la gestion de la structure et resterez simple utilisateur."
        ),
        submit_label=_("Transmettre le rôle"),
    )
    return render(request, "structures/form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def copy_rights(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    form = CopyRightsForm(request.POST or None, members=selectors.members_of(structure))
    if request.method == "POST" and form.is_valid():
        try:
            services.rattachement_rights_copy(
                actor=request.user,
                source=form.cleaned_data["source"],
                target=form.cleaned_data["target"],
            )
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(request, _("Les droits sont copiés."))
            return redirect("structures:members", structure_id=structure.pk)
    context = structure_context(
        request, structure, section="members", title=_("Duplication des droits")
    )
    context.update(
        form=form,
        intro=_(
            "Le second utilisateur reçoit exactement les espaces (et leurs modes) et les services "
            "du premier ; ses droits actuels sont remplacés."
        ),
        submit_label=_("Copier les droits"),
    )
    return render(request, "structures/form_page.html", context)


@login_required
@require_GET
def approvals(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    context = structure_context(request, structure, section="approvals", title=_("Approbations"))
    context["pending"] = selectors.rattachements_pending_for(structure)
    return render(request, "structures/approvals.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def approval(request: HttpRequest, structure_id: int, rattachement_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    rattachement = selectors.rattachement_get_for_manager(
        structure=structure, rattachement_id=rattachement_id
    )
    action = request.POST.get("action")
    approve_form = _rights_form(
        request, structure, rattachement, request.POST if action == "approve" else None
    )
    refuse_form = RefuseForm(request.POST if action == "refuse" else None)
    try:
        if action == "approve" and approve_form.is_valid():
            services.rattachement_approve(
                actor=request.user,
                rattachement=rattachement,
                subscriptions=approve_form.subscriptions(),
                services=approve_form.chosen_services(),
            )
            messages.success(request, _("La demande est validée ; l'utilisateur est prévenu."))
            return redirect("structures:approvals", structure_id=structure.pk)
        if action == "refuse" and refuse_form.is_valid():
            services.rattachement_refuse(
                actor=request.user,
                rattachement=rattachement,
                reason=refuse_form.cleaned_data["reason"],
            )
            messages.success(request, _("La demande est refusée ; l'utilisateur est prévenu."))
            return redirect("structures:approvals", structure_id=structure.pk)
    except StructureError as exc:
        error_show(request, exc)
        rattachement.refresh_from_db()
    context = structure_context(
        request,
        structure,
        section="approvals",
        title=_("Demande de rattachement"),
        history_of=rattachement,
    )
    context.update(
        rattachement=rattachement,
        approve_form=approve_form,
        refuse_form=refuse_form,
        is_pending=rattachement.status == RattachementStatus.EN_COURS_DE_VALIDATION,
    )
    return render(request, "structures/approval.html", context)
