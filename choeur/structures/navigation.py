"""The espace tabs a user sees: only the espaces he has (reference B.4)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import F
from django.http import HttpRequest

from choeur.structures.enums import Espace, RattachementStatus
from choeur.structures.models import EspaceSubscription

# Where each espace's pages live; an espace without pages yet is not shown.
ESPACE_PATHS: dict[str, str] = {
    Espace.FACTURES_EMISES: "/factures/",
    Espace.FACTURES_RECUES: "/factures-recues/",
    Espace.FACTURES_TRAVAUX: "/travaux/",
    Espace.MEMOIRES_JUSTICE: "/memoires-justice/",
    Espace.DEMANDES_REMBOURSEMENT_TIC: "/remboursements-tic/",
    Espace.FACTURES_A_VALIDER: "/factures-a-valider/",
    Espace.SOLLICITATIONS_EMISES: "/sollicitations/emises/",
    Espace.SOLLICITATIONS_RECUES: "/sollicitations/recues/",
    Espace.ENGAGEMENTS: "/structures/engagements/",
    Espace.ACTIVITES_GESTIONNAIRE: "/structures/",
}

# Pages of an espace that live outside its path (a structure's engagements).
CURRENT_PATTERNS: dict[str, re.Pattern[str]] = {
    Espace.ENGAGEMENTS: re.compile(r"^/structures/[0-9]+/engagements/"),
}


def user_espaces(user: Any) -> list[str]:
    """Espaces the user subscribes to, on structures he is validly attached to and where open."""
    if not getattr(user, "is_authenticated", False):
        return []
    codes = (
        EspaceSubscription.objects.filter(
            user=user,
            structure__rattachements__user=user,
            structure__rattachements__status=RattachementStatus.VALIDEE,
            structure__espaces__espace=F("espace"),
            structure__espaces__is_open=True,
        )
        .values_list("espace", flat=True)
        .distinct()
    )
    present = set(codes)
    if getattr(user, "is_staff", False):
        # Platform operators work the support queue in the « Sollicitations reçues » pages.
        present.add(Espace.SOLLICITATIONS_RECUES)
    return [code for code in Espace.values if code in present]


def espace_menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[dict[str, Any]] = []
    for code in user_espaces(user):
        path = ESPACE_PATHS.get(code)
        if path is None:
            continue
        items.append({"code": code, "label": Espace(code).label, "url": path, "current": False})
    # The tab of the longest matching path is the current one (/structures/engagements/ is the
    # « Engagements » tab, not « Activités du gestionnaire »).
    matching = [
        item
        for item in items
        if request.path.startswith(item["url"])
        or (item["code"] in CURRENT_PATTERNS and CURRENT_PATTERNS[item["code"]].match(request.path))
    ]
    if matching:
        max(
            matching,
            key=lambda item: 1000 if item["code"] in CURRENT_PATTERNS else len(item["url"]),
        )["current"] = True
    return {"espace_menu": items}
