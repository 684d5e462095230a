"""The second step of the login and « Sécurité de connexion » in « Mon compte » (issue 16).

The password step (accounts.views.LoginView) does not log in when a second factor is needed: it
keeps the user's id in the session (PENDING_KEY) and sends here. Only a right code logs in.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from choeur.accounts import passkeys, second_factor
from choeur.accounts.second_factor import Method
from choeur.core import ratelimit
from choeur.core.forms import BaseForm

PENDING_KEY = "second_factor_pending"
REAUTH_KEY = passkeys.REAUTH_KEY
ENROL_KEY = "second_factor_enrolment"

METHOD_LABELS = {
    Method.APP: gettext_lazy("Code de l'application d'authentification"),
    Method.EMAIL: gettext_lazy("Code reçu par courriel"),
    Method.RECOVERY: gettext_lazy("Code de secours"),
}


class CodeForm(BaseForm):
    code = forms.CharField(
        label=gettext_lazy("Code de vérification"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class AppForm(BaseForm):
    name = forms.CharField(
        label=gettext_lazy("Nom de l'application ou de l'appareil"),
        help_text=gettext_lazy("Par exemple : « Téléphone professionnel »."),
        max_length=64,
    )


class ConfirmAppForm(BaseForm):
    code = forms.CharField(
        label=gettext_lazy("Code à 6 chiffres affiché par l'application"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthForm(BaseForm):
    password = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def pending_start(request: HttpRequest, *, user: Any, backend: str, next_url: str) -> HttpResponse:
    """Called by the password step: the second step starts (an email code goes at once unless
    the user has an authenticator app, which is then preferred)."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
    }
    if second_factor.methods_of(user)[0] == Method.EMAIL:
        second_factor.email_code_send(user=user)
    return redirect("accounts:second_factor")


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > second_factor.PENDING_MINUTES * 60:
        request.session.pop(PENDING_KEY, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return user, pending


@never_cache
@require_http_methods(["GET", "POST"])
def second_step(request: HttpRequest) -> HttpResponse:
    found = _pending_user(request)
    if found is None:
        messages.info(
            request, _("Identifiez-vous d'abord avec votre adresse et votre mot de passe.")
        )
        return redirect("accounts:login")
    user, pending = found
    methods = second_factor.methods_of(user)
    method = request.POST.get("method") or request.GET.get("methode") or methods[0]
    if method not in methods:
        method = methods[0]
    form = CodeForm(request.POST if request.POST.get("action") == "verify" else None)
    if request.method == "POST":
        if not ratelimit.allowed(request, "login"):
            return ratelimit.too_many_requests(request)
        if second_factor.is_locked(request=request, user=user):
            request.session.pop(PENDING_KEY, None)
            return render(
                request, "accounts/locked.html", {"title": _("Compte bloqué")}, status=429
            )
        action = request.POST.get("action")
        if action == "resend":
            sent = second_factor.email_code_send(user=user)
            if sent.sent:
                messages.success(
                    request,
                    _("Un nouveau code vient de partir vers %(email)s.") % {"email": user.email},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Un code vient d'être envoyé : patientez %(s)s secondes avant d'en demander un autre."
                    )
                    % {"s": sent.wait_seconds},
                )
            return redirect(f"{request.path}?methode={Method.EMAIL}")
        if action == "verify" and form.is_valid():
            device = second_factor.verify(user=user, method=method, code=form.cleaned_data["code"])
            if device is not None:
                request.session.pop(PENDING_KEY, None)
                request.second_factor_method = method  # type: ignore[attr-defined]
                login(request, user, backend=pending["backend"])
                otp_login(request, device)
                if method == Method.RECOVERY:
                    left = second_factor.recovery_left(user)
                    messages.warning(
                        request,
                        _("Code de secours utilisé : il vous en reste %(n)s.") % {"n": left},
                    )
                next_url = str(pending.get("next") or "")
                if not url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    next_url = ""
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
            second_factor.failure_record(request=request, user=user)
            if second_factor.is_locked(request=request, user=user):
                request.session.pop(PENDING_KEY, None)
                return render(
                    request, "accounts/locked.html", {"title": _("Compte bloqué")}, status=429
                )
            form.add_error(
                "code",
                _(
                    "Code incorrect ou expiré. Après 5 essais infructueux, le compte est bloqué "
                    "pendant une heure."
                ),
            )
    return render(
        request,
        "accounts/second_factor.html",
        {
            "title": _("Vérification de connexion"),
            "form": form,
            "method": method,
            "method_label": METHOD_LABELS[method],
            "other_methods": [(m, METHOD_LABELS[m]) for m in methods if m != method],
            "email": user.email,
            "minutes": second_factor.email_code_minutes(),
            "resend_seconds": second_factor.resend_seconds(),
        },
    )


# --- « Sécurité de connexion » -----------------------------------------------------------------


def _reauthenticated(request: HttpRequest) -> bool:
    return passkeys.reauthenticated(request)


def _needs_reauth(request: HttpRequest) -> HttpResponse | None:
    if _reauthenticated(request):
        return None
    return redirect(f"{_url('accounts:security_reauth')}?suivant={request.path}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "title": _("Sécurité de connexion"),
            "required": second_factor.required(),
            "apps": second_factor.apps_of(user),
            "passkeys": passkeys.passkeys_of(user),
            "reauthenticated": _reauthenticated(request),
            "recovery_left": second_factor.recovery_left(user),
            "last_logins": second_factor.last_logins(user),
            "minutes": second_factor.email_code_minutes(),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def security_reauth(request: HttpRequest) -> HttpResponse:
    """« Confirmez votre mot de passe » before adding or removing a factor."""
    user = request.user
    next_url = request.POST.get("suivant") or request.GET.get("suivant") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = _url("accounts:security")
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allowed(request, "login"):
            return ratelimit.too_many_requests(request)
        if user.check_password(form.cleaned_data["password"]):
            request.session[REAUTH_KEY] = time.time()
            return redirect(next_url)
        second_factor.failure_record(request=request, user=user)
        form.add_error("password", _("Mot de passe incorrect."))
    return render(
        request,
        "accounts/security_form.html",
        {
            "title": _("Confirmez votre mot de passe"),
            "intro": _(
                "Par sécurité, confirmez votre mot de passe avant de modifier vos moyens de "
                "connexion."
            ),
            "form": form,
            "hidden": {"suivant": next_url},
            "submit": _("Confirmer"),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def security_app_add(request: HttpRequest) -> HttpResponse:
    refused = _needs_reauth(request)
    if refused is not None:
        return refused
    user = request.user
    device_id = request.session.get(ENROL_KEY)
    device = (
        TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()
        if device_id
        else None
    )
    if device is None:
        form = AppForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            enrolment = second_factor.app_enrolment_start(user=user, name=form.cleaned_data["name"])
            request.session[ENROL_KEY] = enrolment.device.pk
            return redirect("accounts:security_app_add")
        return render(
            request,
            "accounts/security_form.html",
            {
                "title": _("Ajouter une application d'authentification"),
                "intro": _(
                    "Une application d'authentification (FreeOTP, Aegis, Google Authenticator, "
                    "Microsoft Authenticator…) affiche un code à 6 chiffres qui change toutes "
                    "les 30 secondes. Donnez-lui un nom pour la reconnaître."
                ),
                "form": form,
                "submit": _("Continuer"),
            },
        )
    confirm = ConfirmAppForm(request.POST or None)
    if request.method == "POST" and confirm.is_valid():
        if second_factor.app_enrolment_confirm(
            user=user, device=device, code=confirm.cleaned_data["code"]
        ):
            request.session.pop(ENROL_KEY, None)
            messages.success(
                request,
                _(
                    "L'application « %(name)s » est ajoutée : elle vous sera demandée à la connexion."
                )
                % {"name": device.name},
            )
            if not second_factor.recovery_left(user):
                return redirect("accounts:security_recovery")
            return redirect("accounts:security")
        confirm.add_error("code", _("Code incorrect : vérifiez l'heure du téléphone et réessayez."))
    return render(
        request,
        "accounts/security_app.html",
        {
            "title": _("Ajouter une application d'authentification"),
            "enrolment": second_factor.enrolment_of(device),
            "form": confirm,
        },
    )


@login_required
@never_cache
@require_http_methods(["POST"])
def security_app_remove(request: HttpRequest, device_id: int) -> HttpResponse:
    if not _reauthenticated(request):
        return redirect(f"{_url('accounts:security_reauth')}?suivant={_url('accounts:security')}")
    if second_factor.app_remove(user=request.user, device_id=device_id):
        messages.success(request, _("L'application d'authentification est retirée."))
    else:
        messages.error(request, _("Cette application n'existe pas ou a déjà été retirée."))
    return redirect("accounts:security")


@login_required
@never_cache
@require_http_methods(["GET"])
def security_passkey_add(request: HttpRequest) -> HttpResponse:
    """The page whose button registers a passkey (the library's script and endpoints)."""
    refused = _needs_reauth(request)
    if refused is not None:
        return refused
    return render(
        request,
        "accounts/security_passkey.html",
        {"title": _("Ajouter une clé d'accès"), "passkeys": passkeys.passkeys_of(request.user)},
    )


@login_required
@never_cache
@require_http_methods(["POST"])
def security_passkey_remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    if not _reauthenticated(request):
        return redirect(f"{_url('accounts:security_reauth')}?suivant={_url('accounts:security')}")
    if passkeys.passkey_remove(user=request.user, passkey_id=passkey_id):
        messages.success(request, _("La clé d'accès est retirée."))
    else:
        messages.error(request, _("Cette clé d'accès n'existe pas ou a déjà été retirée."))
    return redirect("accounts:security")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def security_recovery(request: HttpRequest) -> HttpResponse:
    refused = _needs_reauth(request)
    if refused is not None:
        return refused
    codes: list[str] = []
    if request.method == "POST":
        codes = second_factor.recovery_codes_generate(user=request.user)
    return render(
        request,
        "accounts/security_recovery.html",
        {
            "title": _("Codes de secours"),
            "codes": codes,
            "left": second_factor.recovery_left(request.user),
        },
    )
