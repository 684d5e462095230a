"""Accounts pages: the four registration steps, activation, login, recovery, « Mon compte »."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from choeur.accounts import (
    proconnect,
    proconnect_views,
    second_factor,
    second_factor_views,
    selectors,
    services,
)
from choeur.accounts.forms import (
    EU_COUNTRY_NAMES,
    NON_EU_COUNTRY_NAMES,
    ActivationForm,
    DeactivateForm,
    EmailChangeForm,
    EmailOnlyForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegistrationDetailsForm,
    RegistrationEspacesForm,
    RegistrationNoSiretForm,
    RegistrationSiretForm,
    RegistrationStructureForm,
    SecurityAnswerForm,
    SecurityQuestionForm,
    SetPasswordForm,
    captcha_question_new,
)
from choeur.accounts.models import TokenPurpose
from choeur.accounts.selectors import TokenState
from choeur.core import ratelimit
from choeur.structures.enums import IdentifierType, StructureKind

SESSION_KEY = "registration"
QUESTION_KEY = "registration_question"
SENT_KEY = "registration_sent_to"
RESET_ANSWERED_KEY = "password_reset_answered"
BACKEND = "django.contrib.auth.backends.ModelBackend"

STEP_TITLES = [
    gettext_lazy("Identification"),
    gettext_lazy("Informations personnelles et structure"),
    gettext_lazy("Espaces"),
    gettext_lazy("Activation du compte"),
]


def _stepper(step: int) -> dict[str, Any]:
    return {
        "current_step_id": step,
        "current_step_title": STEP_TITLES[step - 1],
        "next_step_title": STEP_TITLES[step] if step < len(STEP_TITLES) else "",
        "total_steps": len(STEP_TITLES),
        "heading_tag": "h2",
    }


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("Se connecter")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["proconnect"] = proconnect.enabled()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per address, before axes counts anything: spraying passwords over many accounts from
        # one address is stopped, and refused attempts do not lock anybody's account.
        if not ratelimit.allowed(request, "login"):
            return ratelimit.too_many_requests(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        """The password is right: log in, or first the second factor (issue 16)."""
        user = form.get_user()
        if not second_factor.needed(user):
            return super().form_valid(form)
        return second_factor_views.pending_start(
            self.request,
            user=user,
            backend=getattr(user, "backend", BACKEND),
            next_url=self.get_redirect_url(),
        )


# --- registration --------------------------------------------------------------------------------


def _kind_from_categorie(categorie_juridique: str) -> str:
    """« Vous êtes ? » suggested from the INSEE catégorie juridique (7: public, 9: association)."""
    if categorie_juridique.startswith("7"):
        return StructureKind.STRUCTURE_PUBLIQUE
    if categorie_juridique.startswith("9"):
        return StructureKind.ASSOCIATION
    return StructureKind.ENTREPRISE_PRIVEE


INACTIVE_STRUCTURE_MESSAGE = (
    "La structure qui porte cet identifiant est désactivée sur la plateforme : on ne peut pas "
    "s'y rattacher. Écrivez au support."
)


def _structure_inactive(identifier_type: str, identifier: str) -> bool:
    existing = selectors.structure_get_by_identifier(
        identifier_type=identifier_type, identifier=identifier
    )
    return existing is not None and not existing.is_active


def _state_start(
    request: HttpRequest,
    *,
    email: str,
    identifier_type: str,
    identifier: str,
    prefill: dict[str, Any],
    non_diffusible: bool = False,
) -> None:
    existing = selectors.structure_get_by_identifier(
        identifier_type=identifier_type, identifier=identifier
    )
    claimed = existing is not None and selectors.structure_is_claimed(structure=existing)
    request.session[SESSION_KEY] = {
        "email": email,
        "identifier_type": identifier_type,
        "identifier": identifier,
        "prefill": prefill,
        "non_diffusible": non_diffusible,
        "existing_structure": {"name": existing.raison_sociale, "identifier": existing.identifier}
        if claimed and existing is not None
        else None,
        # Known to the platform (e.g. from the public directory) but never managed: its data
        # stay as they are and the registrant becomes its gestionnaire principal.
        "unclaimed_structure": {"name": existing.raison_sociale, "identifier": existing.identifier}
        if existing is not None and not claimed
        else None,
        "step": 2,
    }
    request.session.pop(QUESTION_KEY, None)


def _state(request: HttpRequest, step: int) -> dict[str, Any] | None:
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("step", 0) < step:
        return None
    return state


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Step 1, « Vous êtes nouveau ? »: login email and SIRET."""
    initial = {}
    state = request.session.get(SESSION_KEY)
    identity = request.session.get(proconnect_views.IDENTITY_KEY)
    if isinstance(state, dict) and state.get("identifier_type") == IdentifierType.SIRET:
        initial = {"email": state.get("email", ""), "siret": state.get("identifier", "")}
    elif isinstance(identity, dict):
        # Coming from ProConnect without an account: its email and SIRET (issue 16).
        initial = {"email": identity.get("email", ""), "siret": identity.get("siret", "")}
    form = RegistrationSiretForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        siret = form.cleaned_data["siret"]
        info = selectors.etablissement_lookup(siret=siret)
        if info is None:
            form.add_error(
                "siret",
                _(
                    "Ce numéro SIRET est inconnu de la base Sirene de l'INSEE. Vérifiez-le, ou "
                    "utilisez « Je n'ai pas de numéro de SIRET »."
                ),
            )
        elif _structure_inactive(IdentifierType.SIRET, siret):
            form.add_error("siret", INACTIVE_STRUCTURE_MESSAGE)
        elif not info.is_active:
            form.add_error(
                "siret",
                _(
                    "Cet établissement est fermé dans la base Sirene de l'INSEE (établissement "
                    "fermé) : il ne peut pas être inscrit. Indiquez le SIRET d'un établissement "
                    "actif de votre structure."
                ),
            )
        else:
            prefill = {
                "raison_sociale": info.raison_sociale,
                "kind": _kind_from_categorie(info.categorie_juridique or ""),
            }
            if not info.non_diffusible:
                prefill.update(
                    adresse=info.adresse,
                    complement_adresse_1=info.complement_adresse,
                    code_postal=info.code_postal,
                    ville=info.ville,
                )
            _state_start(
                request,
                email=form.cleaned_data["email"],
                identifier_type=IdentifierType.SIRET,
                identifier=siret,
                prefill=prefill,
                non_diffusible=info.non_diffusible,
            )
            return redirect("accounts:register_details")
    return render(
        request,
        "accounts/register_step1.html",
        {"title": _("Vous êtes nouveau ?"), "form": form, "stepper": _stepper(1)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register_no_siret(request: HttpRequest) -> HttpResponse:
    """Step 1 without a SIRET: « Je n'ai pas de numéro de SIRET »."""
    form = RegistrationNoSiretForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _structure_inactive(
            form.cleaned_data["identifier_type"], form.cleaned_data["identifier"]
        )
    ):
        form.add_error(None, INACTIVE_STRUCTURE_MESSAGE)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["identifier_type"]
        code_pays = data["code_pays"]
        prefill: dict[str, Any] = {"raison_sociale": data["raison_sociale"]}
        if kind == IdentifierType.PARTICULIER:
            prefill.update(
                kind=StructureKind.PARTICULIER,
                nom=data["last_name"].strip(),
                prenom=data["first_name"].strip(),
            )
        if kind == IdentifierType.UE_HORS_FRANCE:
            prefill["numero_tva"] = data["identifier"]
        prefill["code_pays"] = code_pays
        prefill["libelle_pays"] = {
            "FR": "France",
            "NC": "Nouvelle-Calédonie",
            "PF": "Polynésie française",
            "GR": "Grèce",
            **EU_COUNTRY_NAMES,
            **NON_EU_COUNTRY_NAMES,
        }.get(code_pays, code_pays)
        _state_start(
            request,
            email=data["email"],
            identifier_type=kind,
            identifier=data["identifier"],
            prefill=prefill,
        )
        return redirect("accounts:register_details")
    return render(
        request,
        "accounts/register_no_siret.html",
        {"title": _("Je n'ai pas de numéro de SIRET"), "form": form, "stepper": _stepper(1)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register_details(request: HttpRequest) -> HttpResponse:
    """Step 2: « Informations personnelles » and « Votre structure » (or the rattachement)."""
    state = _state(request, 2)
    if state is None:
        messages.info(
            request, _("Commencez par indiquer votre adresse électronique et votre SIRET.")
        )
        return redirect("accounts:register")
    question = request.session.get(QUESTION_KEY)
    if not question:
        question = captcha_question_new()
    data = request.POST if request.method == "POST" else None
    personal_initial = {
        key: value for key, value in (state.get("personal") or {}).items() if key != "consent"
    }
    details = RegistrationDetailsForm(
        data, login_email=state["email"], question=tuple(question), initial=personal_initial
    )
    rattachement = state.get("existing_structure")
    prefill = state.get("prefill", {})
    structure_form = None
    unclaimed = state.get("unclaimed_structure")
    if rattachement is None and unclaimed is None:
        structure_form = RegistrationStructureForm(
            data,
            prefix="structure",
            initial={**prefill, **(state.get("structure") or {})},
            code_pays=prefill.get("code_pays", "FR"),
        )
    if request.method == "POST":
        details_ok = details.is_valid()
        structure_ok = structure_form is None or structure_form.is_valid()
        if details_ok and structure_ok:
            personal = {
                key: details.cleaned_data[key]
                for key in ("first_name", "last_name", "phone", "contact_email")
            }
            state["personal"] = personal
            if structure_form is not None:
                structure = {
                    key: value
                    for key, value in {**prefill, **structure_form.cleaned_data}.items()
                    if key in services.STRUCTURE_FIELDS
                }
                structure["non_diffusible"] = bool(state.get("non_diffusible"))
                state["structure"] = structure
            else:
                state["structure"] = None
            state["step"] = 3
            request.session[SESSION_KEY] = state
            request.session.pop(QUESTION_KEY, None)
            return redirect("accounts:register_espaces")
        # A question is answered once: a failed attempt gets a new one.
        question = captcha_question_new()
        details.question_set(question)
    request.session[QUESTION_KEY] = list(question)
    return render(
        request,
        "accounts/register_step2.html",
        {
            "title": _("Informations personnelles et structure"),
            "identifier_label": IdentifierType(state["identifier_type"]).label,
            "details": details,
            "structure_form": structure_form,
            "rattachement": rattachement,
            "unclaimed": unclaimed,
            "state": state,
            "stepper": _stepper(2),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register_espaces(request: HttpRequest) -> HttpResponse:
    """Step 3: the espaces, OUI/NON."""
    state = _state(request, 3)
    if state is None:
        return redirect("accounts:register_details" if _state(request, 2) else "accounts:register")
    form = RegistrationEspacesForm(
        request.POST or None,
        espaces=services.REGISTRATION_ESPACES,
        defaults=services.REGISTRATION_DEFAULT_ESPACES,
    )
    if request.method == "POST" and form.is_valid():
        # Counted where the activation email leaves: per address and per login email.
        if not ratelimit.allowed(request, "register", target=state["email"]):
            return ratelimit.too_many_requests(request)
        identity = request.session.get(proconnect_views.IDENTITY_KEY)
        if isinstance(identity, dict) and identity.get("email") == state["email"].lower():
            return _register_with_proconnect(request, state, identity, form.chosen())
        services.registration_submit(
            email=state["email"],
            identifier_type=state["identifier_type"],
            identifier=state["identifier"],
            personal=state["personal"],
            structure=state.get("structure"),
            espaces=form.chosen(),
        )
        request.session.pop(SESSION_KEY, None)
        request.session[SENT_KEY] = state["email"]
        return redirect("accounts:register_sent")
    return render(
        request,
        "accounts/register_step3.html",
        {
            "title": _("Espaces"),
            "form": form,
            "rattachement": state.get("existing_structure"),
            "stepper": _stepper(3),
        },
    )


def _register_with_proconnect(
    request: HttpRequest, state: dict[str, Any], identity: dict[str, Any], espaces: list[str]
) -> HttpResponse:
    """Step 4 minus the password: ProConnect verified the address and logs the person in."""
    try:
        user = services.registration_complete_proconnect(
            email=state["email"],
            sub=str(identity.get("sub", "")),
            identifier_type=state["identifier_type"],
            identifier=state["identifier"],
            personal=state["personal"],
            structure=state.get("structure"),
            espaces=espaces,
        )
    except services.AccountError as error:
        messages.error(request, error.message)
        return redirect("accounts:login")
    request.session.pop(SESSION_KEY, None)
    request.session.pop(proconnect_views.IDENTITY_KEY, None)
    request.second_factor_method = "proconnect"  # type: ignore[attr-defined]
    login(request, user, backend=BACKEND)
    messages.success(
        request,
        _(
            "Votre compte est activé : vous vous connecterez avec ProConnect. Pour vous connecter "
            "aussi avec un mot de passe, choisissez-en un par « Mot de passe oublié ? »."
        ),
    )
    return redirect(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_GET
def register_sent(request: HttpRequest) -> HttpResponse:
    """Step 4, first half: the activation email is on its way."""
    email = request.session.get(SENT_KEY)
    if not email:
        return redirect("accounts:register")
    return render(
        request,
        "accounts/register_sent.html",
        {
            "title": _("Activation du compte"),
            "email": email,
            "minutes": settings.ACTIVATION_LINK_MINUTES,
            "resend_form": EmailOnlyForm(initial={"email": email}),
            "stepper": _stepper(4),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def activation_resend(request: HttpRequest) -> HttpResponse:
    """« Renvoyer le lien d'activation »."""
    form = EmailOnlyForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allowed(request, "resend", target=form.cleaned_data["email"]):
            return ratelimit.too_many_requests(request)
        services.activation_link_resend(email=form.cleaned_data["email"])
        messages.success(
            request,
            _(
                "Si une inscription attend son activation pour cette adresse, un nouveau lien vient "
                "d'y être envoyé. Les liens précédents ne fonctionnent plus."
            ),
        )
        return redirect("accounts:activation_resend")
    return render(
        request,
        "accounts/activation_resend.html",
        {"title": _("Renvoyer le lien d'activation"), "form": form},
    )


LINK_TOKEN_KEY = "link_token_%s"  # noqa: S105 - a session key name, not a secret


def _link_token(
    request: HttpRequest, token: str | None, *, kind: str, clean: str
) -> tuple[str, HttpResponse | None]:
    """Emailed links carry their secret in the URL, which access logs keep: on opening (GET),
    the token moves into the session and the browser is sent to the same page without it."""
    if token is not None and request.method == "GET":
        request.session[LINK_TOKEN_KEY % kind] = token
        return token, redirect(clean)
    if token is None:
        token = str(request.session.get(LINK_TOKEN_KEY % kind, ""))
    return token, None


def _link_problem(
    request: HttpRequest, state: TokenState, *, kind: str, email: str = ""
) -> HttpResponse:
    return render(
        request,
        "accounts/link_invalid.html",
        {
            "title": _("Lien non valable"),
            "state": state.value,
            "kind": kind,
            "minutes": settings.ACTIVATION_LINK_MINUTES,
            "resend_form": EmailOnlyForm(initial={"email": email}),
        },
        status=410 if state in (TokenState.EXPIRED, TokenState.USED) else 404,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """Step 4, « finalisation de l'inscription »: password and security question."""
    token, clean_redirect = _link_token(
        request, token, kind="activation", clean="accounts:activate_link"
    )
    if clean_redirect:
        return clean_redirect
    check = selectors.token_check(raw=token, purpose=TokenPurpose.ACTIVATION)
    registration = check.token.registration if check.token else None
    if not check.is_valid or registration is None:
        return _link_problem(
            request,
            check.state,
            kind="activation",
            email=registration.email if registration else "",
        )
    personal = registration.data.get("personal", {})
    form = ActivationForm(
        request.POST or None,
        email=registration.email,
        first_name=personal.get("first_name", ""),
        last_name=personal.get("last_name", ""),
        structure_name=str((registration.data.get("structure") or {}).get("raison_sociale", "")),
    )
    if request.method == "POST" and form.is_valid():
        assert check.token is not None
        try:
            user = services.registration_activate(
                token=check.token,
                password=form.cleaned_data["password1"],
                security_question=form.cleaned_data["security_question"],
                security_answer=form.cleaned_data["answer"],
            )
        except services.AccountError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(LINK_TOKEN_KEY % "activation", None)
            login(request, user, backend=BACKEND)
            pending = selectors.user_pending_rattachements(user=user)
            if pending:
                messages.success(
                    request,
                    _(
                        "Votre compte est activé. Votre demande de rattachement à %(name)s a été "
                        "transmise à son gestionnaire principal : vous serez informé par courriel "
                        "de sa décision."
                    )
                    % {"name": pending[0].structure.raison_sociale},
                )
            else:
                messages.success(request, _("Votre compte est activé. Bienvenue !"))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/activate.html",
        {
            "title": _("Finalisation de l'inscription"),
            "form": form,
            "email": registration.email,
            "stepper": _stepper(4),
        },
    )


# --- password recovery ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """« Mot de passe oublié ? »: the answer is the same whether the address has an account."""
    form = EmailOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allowed(request, "reset", target=form.cleaned_data["email"]):
            return ratelimit.too_many_requests(request)
        services.password_reset_request(email=form.cleaned_data["email"])
        return render(
            request,
            "accounts/password_reset_sent.html",
            {
                "title": _("Mot de passe oublié"),
                "email": form.cleaned_data["email"],
                "minutes": settings.ACTIVATION_LINK_MINUTES,
            },
        )
    return render(
        request, "accounts/password_reset.html", {"title": _("Mot de passe oublié"), "form": form}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """The link, then the security answer, then the new password."""
    token, clean_redirect = _link_token(
        request, token, kind="reset", clean="accounts:password_reset_link"
    )
    if clean_redirect:
        return clean_redirect
    check = selectors.token_check(raw=token, purpose=TokenPurpose.PASSWORD_RESET)
    if not check.is_valid or check.token is None or check.token.user is None:
        return _link_problem(request, check.state, kind="reset")
    reset_token = check.token
    user = reset_token.user
    assert user is not None
    answered = request.session.get(RESET_ANSWERED_KEY) == reset_token.pk or not user.security_answer
    if not answered:
        answer_form = SecurityAnswerForm(request.POST or None)
        if request.method == "POST" and answer_form.is_valid():
            try:
                right = services.password_reset_answer(
                    token=reset_token, answer=answer_form.cleaned_data["answer"]
                )
            except services.AccountError as error:
                answer_form.add_error(None, error.message)
            else:
                if right:
                    request.session[RESET_ANSWERED_KEY] = reset_token.pk
                    request.session[LINK_TOKEN_KEY % "reset"] = token
                    return redirect("accounts:password_reset_link")
                reset_token.refresh_from_db()
                if reset_token.revoked_at:
                    return _link_problem(request, TokenState.USED, kind="reset_answers")
                answer_form.add_error(
                    "answer",
                    _(
                        "Réponse incorrecte. Les majuscules et les accents ne comptent pas. "
                        "Il vous reste %(left)s essai(s)."
                    )
                    % {"left": services.SECURITY_ANSWER_MAX_FAILURES - reset_token.failed_answers},
                )
        return render(
            request,
            "accounts/password_reset_answer.html",
            {
                "title": _("Question de sécurité"),
                "form": answer_form,
                "question": user.security_question,
            },
        )
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(
                token=reset_token, password=form.cleaned_data["password1"]
            )
        except services.AccountError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(RESET_ANSWERED_KEY, None)
            request.session.pop(LINK_TOKEN_KEY % "reset", None)
            messages.success(
                request, _("Votre mot de passe a été modifié. Vous pouvez vous connecter.")
            )
            return redirect("accounts:login")
    return render(
        request,
        "accounts/password_reset_new.html",
        {"title": _("Nouveau mot de passe"), "form": form},
    )


# --- Mon compte ----------------------------------------------------------------------------------


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "title": _("Mon compte"),
            "account": user,
            "pending_rattachements": selectors.user_pending_rattachements(user=user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "last_name": user.last_name,  # type: ignore[union-attr]
            "first_name": user.first_name,  # type: ignore[union-attr]
            "phone": user.phone,  # type: ignore[union-attr]
            "contact_email": user.contact_email,  # type: ignore[union-attr]
        },
    )
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(user=user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Vos informations ont été enregistrées."))
        return redirect("accounts:profile")
    return _account_page(request, form, _("Mes informations personnelles"))


def _account_page(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(request, "accounts/account_form.html", {"title": title, "form": form, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(request.POST or None, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        services.user_password_change(user=user, password=form.cleaned_data["password1"])  # type: ignore[arg-type]
        update_session_auth_hash(request, user)  # type: ignore[arg-type]
        messages.success(request, _("Votre mot de passe a été modifié."))
        return redirect("accounts:profile")
    return _account_page(request, form, _("Changer mon mot de passe"), password_rules=True)


@login_required
@require_http_methods(["GET", "POST"])
def security_question(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = SecurityQuestionForm(request.POST or None, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        services.user_security_question_set(
            user=user,  # type: ignore[arg-type]
            question=form.cleaned_data["security_question"],
            answer=form.cleaned_data["answer"],
        )
        messages.success(request, _("Votre question de sécurité a été enregistrée."))
        return redirect("accounts:profile")
    return _account_page(request, form, _("Ma question de sécurité"))


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = EmailChangeForm(request.POST or None, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        services.email_change_request(user=user, new_email=form.cleaned_data["new_email"])  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "Un lien de confirmation a été envoyé à %(email)s ; il est valable %(minutes)s "
                "minutes. Votre adresse de connexion change quand vous l'ouvrez."
            )
            % {
                "email": form.cleaned_data["new_email"],
                "minutes": settings.ACTIVATION_LINK_MINUTES,
            },
        )
        return redirect("accounts:profile")
    return _account_page(request, form, _("Changer mon adresse de connexion"))


@never_cache
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """Opening the link shows a button; only the POST changes the address (mail scanners that
    prefetch links must not use them up)."""
    token, clean_redirect = _link_token(
        request, token, kind="email_change", clean="accounts:email_change_link"
    )
    if clean_redirect:
        return clean_redirect
    check = selectors.token_check(raw=token, purpose=TokenPurpose.EMAIL_CHANGE)
    if not check.is_valid or check.token is None:
        return _link_problem(request, check.state, kind="email_change")
    if request.method == "GET":
        return render(
            request,
            "accounts/email_change_confirm.html",
            {"title": _("Confirmer ma nouvelle adresse"), "new_email": check.token.new_email},
        )
    request.session.pop(LINK_TOKEN_KEY % "email_change", None)
    try:
        user = services.email_change_confirm(token=check.token)
    except services.AccountError as error:
        messages.error(request, error.message)
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    messages.success(
        request, _("Votre adresse de connexion est désormais %(email)s.") % {"email": user.email}
    )
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("accounts:profile")
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def deactivate(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = DeactivateForm(request.POST or None, user=user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        services.user_deactivate(user=user)  # type: ignore[arg-type]
        logout(request)
        messages.success(request, _("Votre compte est désactivé."))
        return redirect("core:home")
    return _account_page(request, form, _("Désactiver mon compte"), danger=True)
