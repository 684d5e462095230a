"""Site-wide template context, from settings (no query per request)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        # The attribute names are those django-dsfr's components read.
        "SITE_CONFIG": SimpleNamespace(
            site_title=settings.SITE_NAME,
            site_tagline=settings.SITE_TAGLINE,
            mourning=False,
            beta_tag=False,
        ),
        "DSFR_STATE_BRAND": settings.DSFR_STATE_BRAND,
        "OPERATOR_NAME": settings.OPERATOR_NAME,
        "OPERATOR_CONTACT_EMAIL": settings.OPERATOR_CONTACT_EMAIL,
    }
