"""Passkeys and security keys (WebAuthn, issue 16), with django-otp-webauthn.

A passkey replaces the password and the code at once (« Se connecter avec une clé d'accès »):
the key proves who the person is (possession, and the device's own PIN or fingerprint). The
ceremonies are the library's JSON endpoints and its script; this module adds what Chœur needs
around them: registering a key asks for the password first (as any change of the login
means), a key's login is recorded with its factor, and the script speaks French.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import get_language
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import urls as library_urls
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from choeur.core.audit import audit_log_write

# The password confirmation before adding or removing a factor (« Sécurité de connexion »):
# its session key and how long it lasts, for the passkeys here and accounts.second_factor_views.
REAUTH_KEY = "second_factor_reauth_at"
REAUTH_MINUTES = 10

# The library's interface texts (its djangojs catalog), in French.
FRENCH: dict[str, str] = {
    "Verification failed. A server error occurred.": "La vérification a échoué : erreur du serveur.",
    "An error occurred during verification.": "Une erreur est survenue pendant la vérification.",
    "Verify with Passkey": "Utiliser une clé d'accès",
    "Verifying...": "Vérification en cours…",
    "Verification failed. Could not retrieve parameters from the server.": (
        "La vérification a échoué : le serveur n'a pas répondu. Réessayez."
    ),
    "Verification aborted.": "Vérification interrompue.",
    "Verification canceled or not allowed.": "Vérification annulée ou refusée par l'appareil.",
    "Verification failed. An unknown error occurred.": "La vérification a échoué.",
    "Finishing verification...": "Fin de la vérification…",
    "Verification failed. An unknown server error occurred.": (
        "La vérification a échoué : erreur du serveur."
    ),
    "Verification successful!": "Clé d'accès reconnue : connexion…",
    "Register a Passkey": "Ajouter une clé d'accès",
    "Registering...": "Enregistrement en cours…",
    "Registration failed. Unable to fetch registration options from server.": (
        "L'ajout a échoué : le serveur n'a pas répondu. Réessayez."
    ),
    "Registration aborted.": "Ajout interrompu.",
    "Registration failed. You most likely already have a Passkey registered for this site.": (
        "L'ajout a échoué : cette clé d'accès est sans doute déjà enregistrée pour ce site."
    ),
    "Registration aborted or not allowed.": "Ajout annulé ou refusé par l'appareil.",
    "Registration failed. A technical problem occurred that prevents you from registering a "
    "Passkey for this site.": (
        "L'ajout a échoué : un problème technique empêche d'enregistrer une clé d'accès ici."
    ),
    "Registration failed. An unknown error occurred.": "L'ajout a échoué.",
    "Finishing registration...": "Fin de l'enregistrement…",
    "Registration failed. The server was unable to verify this passkey.": (
        "L'ajout a échoué : le serveur n'a pas pu vérifier cette clé d'accès."
    ),
    "Registration failed. A server error occurred.": "L'ajout a échoué : erreur du serveur.",
    "Registration successful!": "Clé d'accès ajoutée.",
    "An error occurred during registration.": "Une erreur est survenue pendant l'ajout.",
}


class PasswordNotConfirmed(exceptions.OTPWebAuthnApiError):  # type: ignore[misc]
    status_code = 403
    code = "password_not_confirmed"
    default_detail = "Confirmez d'abord votre mot de passe (page « Sécurité de connexion »)."


def reauthenticated(request: HttpRequest) -> bool:
    at = request.session.get(REAUTH_KEY)
    return isinstance(at, int | float) and time.time() - at < REAUTH_MINUTES * 60


class BeginRegistration(BeginCredentialRegistrationView):  # type: ignore[misc]
    def check_can_register(self) -> None:
        if not reauthenticated(self.request):
            raise PasswordNotConfirmed()


class CompleteRegistration(CompleteCredentialRegistrationView):  # type: ignore[misc]
    def check_can_register(self) -> None:
        if not reauthenticated(self.request):
            raise PasswordNotConfirmed()

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post(*args, **kwargs)
        if response.status_code == 200:
            audit_log_write(
                actor=self.request.user,
                action="account.factor_added",
                obj=self.request.user,
                after={"passkey": True},
            )
        return response


class CompleteAuthentication(CompleteCredentialAuthenticationView):  # type: ignore[misc]
    def complete_auth(self, device: Any) -> Any:
        # Read by the login audit (accounts.apps): « clé d'accès » in « Mes dernières connexions ».
        self.request.second_factor_method = "passkey"
        return super().complete_auth(device)


class FrenchCatalog(JavaScriptCatalog):
    """The library's script texts in French, whatever locale files it ships."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from django.utils.translation.trans_real import DjangoTranslation

        self.translation = DjangoTranslation(get_language(), domain="djangojs", localedirs=[])
        return self.render_to_response(self.get_context_data(**kwargs))

    def get_catalog(self) -> dict[str, Any]:
        return dict(FRENCH)


def urlpatterns() -> list[URLPattern | URLResolver]:
    """The library's endpoints, with the four views above in place of its own."""
    replaced: dict[str, Any] = {
        "credential-registration-begin": BeginRegistration,
        "credential-registration-complete": CompleteRegistration,
        "credential-authentication-complete": CompleteAuthentication,
        "js-i18n-catalog": FrenchCatalog,
    }
    patterns: list[URLPattern | URLResolver] = []
    for pattern in library_urls.urlpatterns:
        view = replaced.get(str(getattr(pattern, "name", "")))
        if view is None:
            patterns.append(pattern)
        else:
            patterns.append(path(str(pattern.pattern), view.as_view(), name=pattern.name))
    return patterns


def passkeys_of(user: Any) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user).order_by("pk"))


def passkey_remove(*, user: Any, passkey_id: int) -> bool:
    passkey = WebAuthnCredential.objects.filter(user=user, pk=passkey_id).first()
    if passkey is None:
        return False
    name = passkey.name
    passkey.delete()
    audit_log_write(actor=user, action="account.factor_removed", obj=user, before={"passkey": name})
    return True
