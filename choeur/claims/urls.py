"""URLs of both espaces: /memoires-justice/ (A3) and /remboursements-tic/ (A21), one set of views
whose `slug` names the kind."""

from __future__ import annotations

from typing import Any

from django.urls import path

from choeur.claims import views

app_name = "claims"


def _paths(prefix: str, slug: str) -> list[Any]:
    kind = {"slug": slug}
    return [
        path(f"{prefix}/", views.claim_list, kind, name=f"{slug}_list"),
        path(f"{prefix}/deposer/", views.claim_deposit, kind, name=f"{slug}_deposit"),
        path(f"{prefix}/<int:claim_id>/", views.claim_detail, kind, name=f"{slug}_detail"),
        path(f"{prefix}/recus/", views.received_list, kind, name=f"{slug}_received"),
        path(
            f"{prefix}/recus/<int:claim_id>/",
            views.received_detail,
            kind,
            name=f"{slug}_received_detail",
        ),
        path(
            f"{prefix}/recus/<int:claim_id>/traiter/<slug:action>/",
            views.received_action,
            kind,
            name=f"{slug}_action",
        ),
    ]


urlpatterns = _paths("memoires-justice", "memoire") + _paths("remboursements-tic", "tic")
