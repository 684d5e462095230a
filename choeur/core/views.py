from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

LEGAL_PAGES = {
    "accessibilite": "Accessibilité",
    "mentions-legales": "Mentions légales",
    "donnees-personnelles": "Données personnelles",
    "plan-du-site": "Plan du site",
}


@require_safe  # HEAD / is what uptime monitors send
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"title": "Accueil"})


@require_GET
def legal_page(request: HttpRequest, slug: str) -> HttpResponse:
    from django.http import Http404

    if slug not in LEGAL_PAGES:
        raise Http404
    return render(request, f"core/legal/{slug}.html", {"title": LEGAL_PAGES[slug]})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    from choeur.invoices.views.home import first_invoice_guide

    context = {"title": "Mon espace", "first_invoice": first_invoice_guide(request.user)}
    return render(request, "core/dashboard.html", context)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page says; send them to the DSFR's.
    return redirect(static("dsfr/dist/favicon/favicon.ico"), permanent=True)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Is the platform able to work: database reachable, and the broker when one is configured."""
    checks: dict[str, Any] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        checks["database"] = f"erreur: {type(exc).__name__}"
        healthy = False
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from config.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=3)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"erreur: {type(exc).__name__}"
            healthy = False
    else:
        checks["broker"] = "aucun (tâches exécutées dans le processus web)"
    return JsonResponse(
        {"status": "ok" if healthy else "erreur", "checks": checks}, status=200 if healthy else 503
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/errors/403.html", {"title": "Accès refusé"}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/errors/404.html", {"title": "Page introuvable"}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may come from a context processor.
    from django.template import loader

    template = loader.get_template("core/errors/500.html")
    return HttpResponse(template.render({"title": "Erreur inattendue"}), status=500)
