"""« Notifications » (the user's list) and « Mes notifications » (his delivery choices)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from choeur.core.formats import plural_count
from choeur.notifications import selectors
from choeur.notifications.forms import PreferencesForm
from choeur.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    preferences_save,
)

PAGE_SIZE = 20


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notification_list_for_user(user=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.notification_unread_count(user=request.user)
    return render(
        request,
        "notifications/list.html",
        {"title": _("Notifications"), "page": page, "unread": unread},
    )


def _back_to_list(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    target = reverse("notifications:list")
    return redirect(f"{target}?page={page}" if page.isdigit() else target)


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification_mark_read(user=request.user, notification_id=notification_id)
    return _back_to_list(request)


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marquée comme lue.",
            "%(count)d notifications marquées comme lues.",
            plural_count(count),
        )
        % {"count": count},
    )
    return _back_to_list(request)


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    rules = selectors.preferences_for_user(user=request.user)
    form = PreferencesForm(request.POST or None, rules=rules)
    if form.is_valid():
        preferences_save(user=request.user, choices=form.choices_to_save())
        messages.success(request, _("Vos choix de notification sont enregistrés."))
        return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"title": _("Mes notifications"), "form": form}
    )
