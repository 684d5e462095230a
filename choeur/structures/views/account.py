"""« Mon compte »: my rattachements, a rattachement request, my espace subscriptions (A.3, B.4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from choeur.structures import perms, selectors, services
from choeur.structures.enums import AccessMode, Espace, RattachementStatus
from choeur.structures.errors import StructureError
from choeur.structures.forms import (
    RattachementRequestForm,
    SelfSubscriptionForm,
    StructureSearchForm,
)
from choeur.structures.models import Rattachement
from choeur.structures.views._common import error_show


@login_required
@require_GET
def my_rattachements(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "structures/account/rattachements.html",
        {
            "title": _("Mes rattachements aux structures"),
            "rattachements": selectors.rattachements_of_user(request.user),
            "can_request": perms.can_request_rattachement(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rattachement_request(request: HttpRequest) -> HttpResponse:
    """Search by SIRET (>= 3 digits) or exact raison sociale, tick structures, validate."""
    if not perms.can_request_rattachement(request.user):
        raise PermissionDenied
    search = StructureSearchForm(request.GET or None)
    candidates = []
    searched = False
    if search.is_bound and search.is_valid():
        searched = True
        candidates = selectors.structure_search_for_rattachement(query=search.cleaned_data["q"])
    if request.method == "POST":
        ids = request.POST.getlist("structures")
        from choeur.structures.models import Structure

        candidates = list(Structure.objects.filter(pk__in=[i for i in ids if i.isdigit()]))
    form = RattachementRequestForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.rattachement_request(
                user=request.user, structures=list(form.cleaned_data["structures"])
            )
        except StructureError as exc:
            error_show(request, exc, form)
        else:
            messages.success(
                request,
                _(
                    "Demande envoyée pour %(count)s structure(s). Le gestionnaire principal "
                    "de chaque structure va l'examiner ; vous recevrez sa réponse par courriel."
                )
                % {"count": len(made)},
            )
            return redirect("structures:my_rattachements")
    return render(
        request,
        "structures/account/rattachement_request.html",
        {
            "title": _("Demande de rattachement"),
            "search": search,
            "form": form,
            "candidates": candidates,
            "searched": searched,
        },
    )


@login_required
@require_POST
def rattachement_withdraw(request: HttpRequest, rattachement_id: int) -> HttpResponse:
    rattachement = Rattachement.objects.filter(
        pk=rattachement_id, user_id=request.user.pk or 0
    ).first()
    if rattachement is None:
        raise Http404
    try:
        services.rattachement_withdraw(user=request.user, rattachement=rattachement)
    except StructureError as exc:
        error_show(request, exc)
    else:
        if rattachement.status == RattachementStatus.SUPPRIMEE:
            messages.success(request, _("Rattachement retiré."))
    return redirect("structures:my_rattachements")


@login_required
@require_http_methods(["GET", "POST"])
def my_espaces(request: HttpRequest) -> HttpResponse:
    """« Mes abonnements aux espaces »; a member adds or removes « Factures émises » himself."""
    structures = list(selectors.structures_for_user(request.user))
    if request.method == "POST":
        structure = next(
            (s for s in structures if str(s.pk) == request.POST.get("structure")), None
        )
        if structure is None:
            raise Http404
        form = SelfSubscriptionForm(request.POST, prefix=f"s{structure.pk}")
        if form.is_valid():
            try:
                services.espace_self_subscription_set(
                    user=request.user,
                    structure=structure,
                    espace=Espace.FACTURES_EMISES,
                    mode=form.cleaned_data["mode"] or None,
                )
            except StructureError as exc:
                error_show(request, exc)
            else:
                messages.success(request, _("Abonnement mis à jour."))
                return redirect("structures:my_espaces")
    rows = []
    for structure in structures:
        subscriptions = selectors.subscriptions_of(user=request.user, structure=structure)
        open_espaces = selectors.open_espaces_of(structure)
        rows.append(
            {
                "structure": structure,
                "subscriptions": [
                    {
                        "label": Espace(code).label,
                        "mode": AccessMode(mode).label,
                        "open": code in open_espaces,
                    }
                    for code, mode in sorted(subscriptions.items())
                ],
                "self_form": SelfSubscriptionForm(
                    initial={"mode": subscriptions.get(Espace.FACTURES_EMISES, "")},
                    prefix=f"s{structure.pk}",
                )
                if perms.can_self_subscribe(request.user, structure, Espace.FACTURES_EMISES)
                else None,
            }
        )
    return render(
        request,
        "structures/account/espaces.html",
        {"title": _("Mes abonnements aux espaces"), "rows": rows},
    )
