from django.contrib import admin
from django.urls import include, path

from choeur.accounts import passkeys

urlpatterns = [
    path("", include("choeur.core.urls")),
    path("compte/", include("choeur.accounts.urls")),
    # Passkeys (WebAuthn): the ceremonies' JSON endpoints of django-otp-webauthn (issue 16).
    path("compte/cle-d-acces/", include((passkeys.urlpatterns(), "otp_webauthn"))),
    path("annuaire/", include("choeur.structures.annuaire_urls")),
    path("structures/", include("choeur.structures.urls")),
    path("", include("choeur.invoices.validation_urls")),  # « Factures à valider » (A9, A12)
    path("factures/", include("choeur.invoices.urls")),
    path("factures-recues/", include("choeur.lifecycle.urls")),
    path("travaux/", include("choeur.works.urls")),  # « Factures de travaux » (CCAG Travaux)
    # « Mémoires de frais de justice » (A3) and « Demandes de remboursement TIC » (A21).
    path("", include("choeur.claims.urls")),
    path("sollicitations/", include("choeur.sollicitations.urls")),
    path("notifications/", include("choeur.notifications.urls")),
    path("", include("choeur.api.urls")),
    # The reform's standard API, XP Z12-013 Flow Service (docs/api.md).
    path("afnor/flow-service/", include("choeur.api.afnor.urls")),
    # XP Z12-013 Directory Service: SIREN, SIRET, routing codes, directory lines (docs/api.md).
    path("afnor/directory-service/", include("choeur.api.afnor.directory_urls")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "choeur.core.views.error_403"
handler404 = "choeur.core.views.error_404"
handler500 = "choeur.core.views.error_500"
