"""« Raccordement API » (issue 14): the structure's webhook endpoints, for its managers only
(404 to outsiders, 403 to simple members); the signing secret is shown once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from choeur.notifications import webhooks
from choeur.structures import selectors
from choeur.structures.forms import WebhookEndpointForm
from choeur.structures.models import Structure
from choeur.structures.views._common import render_secret, structure_context


@login_required
@require_GET
def webhook_list(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    return _list(request, structure, WebhookEndpointForm())


def _list(request: HttpRequest, structure: Structure, form: WebhookEndpointForm) -> HttpResponse:
    context = structure_context(request, structure, section="webhooks", title=_("Raccordement API"))
    context.update(endpoints=webhooks.webhook_endpoints_of(structure), form=form)
    return render(request, "structures/webhooks.html", context)


@login_required
@require_POST
def webhook_create(request: HttpRequest, structure_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    form = WebhookEndpointForm(request.POST)
    if not form.is_valid():
        return _list(request, structure, form)
    try:
        endpoint = webhooks.webhook_endpoint_create(
            actor=request.user,
            structure=structure,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
        )
    except webhooks.WebhookRefused as refused:
        form.add_error("url", refused.message)
        return _list(request, structure, form)
    context = structure_context(
        request, structure, section="webhooks", title=_("Adresse de notification créée")
    )
    context["endpoint"] = endpoint
    return render_secret(request, "structures/webhook_secret.html", context)


@login_required
@require_GET
def webhook_detail(request: HttpRequest, structure_id: int, endpoint_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    endpoint = webhooks.webhook_endpoint_get(structure=structure, endpoint_id=endpoint_id)
    context = structure_context(
        request, structure, section="webhooks", title=endpoint.url, history_of=endpoint
    )
    context.update(endpoint=endpoint, deliveries=webhooks.webhook_deliveries_of(endpoint))
    return render(request, "structures/webhook.html", context)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, structure_id: int, endpoint_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    endpoint = webhooks.webhook_endpoint_get(structure=structure, endpoint_id=endpoint_id)
    webhooks.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, _("L’adresse de notification est supprimée."))
    return redirect("structures:webhooks", structure_id=structure.pk)


@login_required
@require_POST
def webhook_reactivate(request: HttpRequest, structure_id: int, endpoint_id: int) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    endpoint = webhooks.webhook_endpoint_get(structure=structure, endpoint_id=endpoint_id)
    webhooks.webhook_endpoint_reactivate(actor=request.user, endpoint=endpoint)
    messages.success(request, _("L’adresse de notification est réactivée."))
    return redirect("structures:webhook", structure_id=structure.pk, endpoint_id=endpoint.pk)


@login_required
@require_POST
def webhook_resend(
    request: HttpRequest, structure_id: int, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    structure = selectors.structure_get_for_manager(user=request.user, structure_id=structure_id)
    endpoint = webhooks.webhook_endpoint_get(structure=structure, endpoint_id=endpoint_id)
    delivery = webhooks.webhook_delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    try:
        webhooks.webhook_delivery_resend(actor=request.user, delivery=delivery)
    except webhooks.WebhookRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("La livraison n° %(id)s est renvoyée : le journal en montre le résultat.")
            % {"id": delivery.pk},
        )
    return redirect("structures:webhook", structure_id=structure.pk, endpoint_id=endpoint.pk)
