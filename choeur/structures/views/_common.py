"""Helpers shared by the structures views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from choeur.structures import perms, selectors
from choeur.structures.errors import StructureError
from choeur.structures.models import Structure


def error_show(request: HttpRequest, exc: StructureError, form: forms.Form | None = None) -> None:
    """Beside the field when the form has it, else as a message at the top of the page."""
    if form is not None and exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    elif form is not None:
        form.add_error(None, exc.message)
    else:
        messages.error(request, exc.message)


def structure_context(
    request: HttpRequest, structure: Structure, *, section: str, title: str, history_of: Any = None
) -> dict[str, Any]:
    """What every « Gestion de la structure » page needs: the side menu and, for the managers,
    the audit history of the object shown."""
    user = request.user
    can_manage = perms.can_manage_structure(user, structure)
    history: list[Any] = []
    if can_manage and history_of is not None:
        history = list(selectors.audit_history(history_of)[:50])
    pending_count = selectors.rattachements_pending_for(structure).count() if can_manage else 0
    can_view_engagements = perms.can_view_engagements(user, structure)
    entries = [
        ("detail", "structures:detail", _("La structure"), True),
        ("members", "structures:members", _("Utilisateurs"), True),
        ("approvals", "structures:approvals", _("Approbations"), can_manage),
        ("espaces", "structures:espaces", _("Espaces"), can_manage),
        ("services", "structures:services", _("Services"), True),
        ("bank", "structures:bank_accounts", _("Coordonnées bancaires"), True),
        (
            "engagements",
            "structures:engagements",
            _("Engagements juridiques"),
            can_view_engagements,
        ),
        ("technical", "structures:technical_accounts", _("Comptes techniques"), can_manage),
        ("webhooks", "structures:webhooks", _("Raccordement API"), can_manage),
        ("history", "structures:history", _("Historique"), can_manage),
    ]
    menu = [
        {
            "url": reverse(name, args=[structure.pk]),
            "label": label,
            "active": key == section,
            "count": pending_count if key == "approvals" else 0,
        }
        for key, name, label, shown in entries
        if shown
    ]
    return {
        "menu": menu,
        "structure": structure,
        "section": section,
        "title": title,
        "can_manage": can_manage,
        "can_view_engagements": can_view_engagements,
        "pending_count": pending_count,
        "history": history,
    }


def render_secret(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A page showing a password or a secret once: never cached, never stored."""
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
