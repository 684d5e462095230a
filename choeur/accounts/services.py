"""Every change to accounts: registration, activation, recovery, account changes, login audit.

Registration keeps steps 1 to 3 in the session and, at the end of step 3, one
`PendingRegistration` row. The user, his structure (or his rattachement request) and his espaces
are created together, in one transaction, only when the activation link is used (step 4): an
abandoned registration leaves nothing that blocks a later one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from choeur.accounts import selectors
from choeur.accounts.models import AccountToken, PendingRegistration, TokenPurpose, User
from choeur.accounts.passwords import security_answer_hash, security_answer_matches, token_new
from choeur.core.audit import audit_log_write, snapshot
from choeur.notifications.services import email_queue
from choeur.structures.enums import (
    AccessMode,
    Espace,
    IdentifierType,
    RattachementStatus,
    Role,
    StructureKind,
)
from choeur.structures.models import EspaceSubscription, Rattachement, Structure, StructureEspace

# A reset link dies after this many wrong answers to the security question.
SECURITY_ANSWER_MAX_FAILURES = 5

# Step 3: the espaces offered, and those on by default (reference text, step 3).
REGISTRATION_ESPACES = [
    Espace.FACTURES_EMISES,
    Espace.SOLLICITATIONS_EMISES,
    Espace.FACTURES_RECUES,
    Espace.SOLLICITATIONS_RECUES,
    Espace.FACTURES_A_VALIDER,
    Espace.FACTURES_TRAVAUX,
    Espace.MEMOIRES_JUSTICE,
    Espace.DEMANDES_REMBOURSEMENT_TIC,
    Espace.ENGAGEMENTS,
    Espace.RACCORDEMENT_EDI_API,
    Espace.SUIVI_FLUX,
]
REGISTRATION_DEFAULT_ESPACES = [Espace.FACTURES_EMISES, Espace.SOLLICITATIONS_EMISES]

STRUCTURE_FIELDS = [
    "raison_sociale",
    "nom",
    "prenom",
    "numero_tva",
    "adresse",
    "complement_adresse_1",
    "complement_adresse_2",
    "code_postal",
    "ville",
    "code_pays",
    "libelle_pays",
    "telephone",
    "email",
    "kind",
    "deposits_payment_requests",
    "uses_dume",
    "non_diffusible",
]
PROFILE_FIELDS = ["first_name", "last_name", "phone", "contact_email"]


class AccountError(Exception):
    """A refusal with the French message shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _link_minutes() -> int:
    return int(settings.ACTIVATION_LINK_MINUTES)


def _absolute(url_name: str, *args: Any) -> str:
    return f"{settings.SITE_URL}{reverse(url_name, args=args)}"


def _token_create(
    *,
    purpose: TokenPurpose,
    user: User | None = None,
    registration: PendingRegistration | None = None,
    new_email: str = "",
) -> str:
    """A new link; earlier unused links of the same purpose and owner stop working."""
    now = timezone.now()
    earlier = AccountToken.objects.filter(purpose=purpose, used_at=None, revoked_at=None)
    if user is not None:
        earlier.filter(user=user).update(revoked_at=now)
    if registration is not None:
        earlier.filter(registration__email__iexact=registration.email).update(revoked_at=now)
    raw, digest = token_new()
    AccountToken.objects.create(
        purpose=purpose,
        token_hash=digest,
        user=user,
        registration=registration,
        new_email=new_email,
        expires_at=now + dt.timedelta(minutes=_link_minutes()),
    )
    return raw


def _token_consume(*, token: AccountToken, purpose: TokenPurpose) -> AccountToken:
    """Lock the link and check it once more inside the transaction: single use, not expired."""
    locked = AccountToken.objects.select_for_update().get(pk=token.pk)
    if locked.purpose != purpose or locked.used_at or locked.revoked_at:
        raise AccountError(_("Ce lien a déjà été utilisé."))
    if locked.expires_at <= timezone.now():
        raise AccountError(_("Ce lien a expiré."))
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    return locked


# --- registration --------------------------------------------------------------------------------


def _pending_registration_create(
    *,
    email: str,
    identifier_type: str,
    identifier: str,
    personal: dict[str, Any],
    structure: dict[str, Any] | None,
    espaces: list[str],
    now: Any,
) -> PendingRegistration:
    """What was typed at steps 1 to 3, kept; an earlier unfinished registration of the same
    address is replaced (its link stops working)."""
    PendingRegistration.objects.filter(
        email__iexact=email, completed_at=None, replaced_at=None
    ).update(replaced_at=now)
    return PendingRegistration.objects.create(
        email=email,
        identifier_type=identifier_type,
        identifier=identifier,
        data={
            "personal": personal,
            "structure": structure,
            "espaces": [str(code) for code in espaces],
        },
    )


def registration_submit(
    *,
    email: str,
    identifier_type: str,
    identifier: str,
    personal: dict[str, Any],
    structure: dict[str, Any] | None,
    espaces: list[str],
) -> PendingRegistration | None:
    """End of step 3: keep what was typed and send the activation link (step 4).

    When the address already has an account, nothing is created and the address is told so by
    email: the page shown is the same, so the form never reveals who has an account.
    """
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            email_queue(
                to=email,
                subject=_("Votre compte existe déjà"),
                template="accounts/emails/already_registered",
                context={
                    "login_url": _absolute("accounts:login"),
                    "reset_url": _absolute("accounts:password_reset"),
                },
            )
            return None
        now = timezone.now()
        registration = _pending_registration_create(
            email=email,
            identifier_type=identifier_type,
            identifier=identifier,
            personal=personal,
            structure=structure,
            espaces=espaces,
            now=now,
        )
        audit_log_write(
            actor=None,
            action="registration.submitted",
            obj=registration,
            after={"email": email, "identifier_type": identifier_type, "identifier": identifier},
        )
        _activation_email(registration=registration)
    return registration


def _activation_email(*, registration: PendingRegistration) -> None:
    raw = _token_create(purpose=TokenPurpose.ACTIVATION, registration=registration)
    email_queue(
        to=registration.email,
        subject=_("Activez votre compte"),
        template="accounts/emails/activation",
        carries_secrets=True,
        context={
            "first_name": registration.data.get("personal", {}).get("first_name", ""),
            "activation_url": _absolute("accounts:activate", raw),
            "minutes": _link_minutes(),
        },
    )


def activation_link_resend(*, email: str) -> None:
    """« Renvoyer le lien d'activation »: a new link for the latest unfinished registration.

    Silent when there is none, so the answer does not tell whether the address registered.
    """
    with transaction.atomic():
        registration = (
            PendingRegistration.objects.filter(
                email__iexact=email.strip(), completed_at=None, replaced_at=None
            )
            .order_by("-created_at")
            .first()
        )
        if registration is None or User.objects.filter(email__iexact=email.strip()).exists():
            return
        audit_log_write(actor=None, action="registration.link_resent", obj=registration)
        _activation_email(registration=registration)


def registration_complete_proconnect(
    *,
    email: str,
    sub: str,
    identifier_type: str,
    identifier: str,
    personal: dict[str, Any],
    structure: dict[str, Any] | None,
    espaces: list[str],
) -> User:
    """End of step 3 for someone ProConnect identified (issue 16): the address is verified by
    ProConnect and the login is ProConnect's, so there is no activation link and no password
    (« Mot de passe oublié ? » can set one later). Same account, structure and rattachement as
    an activation, in one transaction."""
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists() or (
            User.objects.filter(proconnect_sub=sub).exists()
        ):
            raise AccountError(
                _("Un compte existe déjà avec cette adresse électronique : connectez-vous.")
            )
        now = timezone.now()
        registration = _pending_registration_create(
            email=email,
            identifier_type=identifier_type,
            identifier=identifier,
            personal=personal,
            structure=structure,
            espaces=espaces,
            now=now,
        )
        user = User.objects.create_user(
            email=email,
            password=None,
            first_name=personal.get("first_name", ""),
            last_name=personal.get("last_name", ""),
            phone=personal.get("phone", ""),
            contact_email=personal.get("contact_email", ""),
            activated_at=now,
            is_active=True,
            proconnect_sub=sub,
        )
        registration.completed_at = now
        registration.user = user
        registration.save(update_fields=["completed_at", "user"])
        audit_log_write(
            actor=user,
            action="account.activated",
            obj=user,
            after={"email": email, "registration": registration.pk, "proconnect": True},
        )
        _registration_attach(user=user, registration=registration)
    return user


def registration_activate(
    *, token: AccountToken, password: str, security_question: str, security_answer: str
) -> User:
    """Step 4: the link was opened and the password chosen. Creates, in one transaction, the
    active user, then his structure (he becomes its gestionnaire principal) or, when the
    structure is already managed, his rattachement request."""
    with transaction.atomic():
        token = _token_consume(token=token, purpose=TokenPurpose.ACTIVATION)
        registration = PendingRegistration.objects.select_for_update().get(
            pk=token.registration_id  # type: ignore[misc]
        )
        if registration.completed_at or registration.replaced_at:
            raise AccountError(_("Ce lien a déjà été utilisé."))
        if User.objects.filter(email__iexact=registration.email).exists():
            raise AccountError(
                _(
                    "Un compte existe déjà avec cette adresse électronique : connectez-vous, ou "
                    "utilisez « Mot de passe oublié ? »."
                )
            )
        personal = registration.data.get("personal", {})
        now = timezone.now()
        user = User.objects.create_user(
            email=registration.email,
            password=password,
            first_name=personal.get("first_name", ""),
            last_name=personal.get("last_name", ""),
            phone=personal.get("phone", ""),
            contact_email=personal.get("contact_email", ""),
            security_question=security_question,
            security_answer=security_answer_hash(security_answer),
            activated_at=now,
            is_active=True,
        )
        registration.completed_at = now
        registration.user = user
        registration.save(update_fields=["completed_at", "user"])
        audit_log_write(
            actor=user,
            action="account.activated",
            obj=user,
            after={"email": user.email, "registration": registration.pk},
        )
        _registration_attach(user=user, registration=registration)
    return user


def _registration_attach(*, user: User, registration: PendingRegistration) -> None:
    espaces = [code for code in registration.data.get("espaces", []) if code in Espace.values]
    try:
        # A savepoint: if another activation creates or claims the same structure at the same
        # moment, the unique constraints refuse the second, which becomes a rattachement request.
        with transaction.atomic():
            _registration_attach_once(user=user, registration=registration, espaces=espaces)
    except IntegrityError:
        existing = selectors.structure_get_by_identifier(
            identifier_type=registration.identifier_type, identifier=registration.identifier
        )
        if existing is None:
            raise
        _rattachement_request(user=user, structure=existing, espaces=espaces)


def _registration_attach_once(
    *, user: User, registration: PendingRegistration, espaces: list[str]
) -> None:
    existing = selectors.structure_get_by_identifier(
        identifier_type=registration.identifier_type, identifier=registration.identifier
    )
    if existing is not None:
        existing = Structure.objects.select_for_update().get(pk=existing.pk)
    if existing is not None and selectors.structure_is_claimed(structure=existing):
        _rattachement_request(user=user, structure=existing, espaces=espaces)
        return
    if existing is None:
        structure = _structure_create(registration=registration, actor=user)
    else:
        # Known to the platform but never managed (e.g. loaded from a directory): the first
        # registrant becomes its gestionnaire principal, as for a new structure.
        structure = existing
    from choeur.structures.services import structure_default_espaces

    # Reference B.4: every structure gets the sollicitations espaces, a public one also
    # « Factures reçues »; its first manager processes what it receives.
    structure_default_espaces(structure)
    if structure.is_public:
        espaces = [*espaces, Espace.FACTURES_RECUES, Espace.SOLLICITATIONS_RECUES]
    _manager_attach(user=user, structure=structure, espaces=espaces, actor=user)


def _manager_attach(*, user: User, structure: Structure, espaces: list[str], actor: Any) -> None:
    """Make `user` the gestionnaire principal of `structure`, its `espaces` (and « Activités du
    gestionnaire ») open and subscribed in Modification."""
    rattachement = Rattachement.objects.create(
        user=user,
        structure=structure,
        role=Role.GESTIONNAIRE_PRINCIPAL,
        status=RattachementStatus.VALIDEE,
        decided_at=timezone.now(),
    )
    audit_log_write(
        actor=actor,
        action="rattachement.created",
        obj=rattachement,
        after={"structure": structure.pk, "role": rattachement.role, "status": rattachement.status},
    )
    for code in dict.fromkeys([*espaces, Espace.ACTIVITES_GESTIONNAIRE]):
        StructureEspace.objects.update_or_create(
            structure=structure, espace=code, defaults={"is_open": True}
        )
        EspaceSubscription.objects.get_or_create(
            user=user, structure=structure, espace=code, defaults={"mode": AccessMode.MODIFICATION}
        )


def _platform_identifier(identifier_type: str) -> str:
    prefix = "P" if identifier_type == IdentifierType.PARTICULIER else "A"
    return prefix + secrets.token_hex(7).upper()


def _structure_create(*, registration: PendingRegistration, actor: User) -> Structure:
    data = dict(registration.data.get("structure") or {})
    fields = {name: data[name] for name in STRUCTURE_FIELDS if name in data}
    identifier = registration.identifier or _platform_identifier(registration.identifier_type)
    fields["is_public"] = fields.get("kind") == StructureKind.STRUCTURE_PUBLIQUE
    structure = Structure.objects.create(
        identifier_type=registration.identifier_type,
        identifier=identifier,
        insee_updated_at=timezone.now()
        if registration.identifier_type == IdentifierType.SIRET
        else None,
        **fields,
    )
    audit_log_write(
        actor=actor,
        action="structure.created",
        obj=structure,
        after={"identifier_type": structure.identifier_type, "identifier": structure.identifier},
    )
    return structure


def _rattachement_request(*, user: User, structure: Structure, espaces: list[str]) -> None:
    """The structures domain's request: its audit row, and the email to the gestionnaire
    principal with the link to « Approbations »."""
    from choeur.structures.errors import StructureError
    from choeur.structures.services.rattachements import rattachement_request

    try:
        rattachement_request(user=user, structures=[structure])
    except StructureError as error:
        raise AccountError(error.message) from error
    for code in espaces:
        # Shown once the request is validated and if the structure has this espace open.
        EspaceSubscription.objects.get_or_create(
            user=user, structure=structure, espace=code, defaults={"mode": AccessMode.MODIFICATION}
        )


# --- password recovery ---------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """« Mot de passe oublié ? »: a link to the login address (reference A.2), if the account
    exists and is active. Silent otherwise: the page never tells who has an account."""
    with transaction.atomic():
        user = selectors.user_active_get_by_email(email=email)
        if user is None:
            return
        raw = _token_create(purpose=TokenPurpose.PASSWORD_RESET, user=user)
        audit_log_write(actor=None, action="password_reset.requested", obj=user)
        email_queue(
            to=user.email,
            subject=_("Réinitialisation de votre mot de passe"),
            template="accounts/emails/password_reset",
            carries_secrets=True,
            context={
                "first_name": user.first_name,
                "reset_url": _absolute("accounts:password_reset_confirm", raw),
                "minutes": _link_minutes(),
            },
        )


def password_reset_answer(*, token: AccountToken, answer: str) -> bool:
    """Check the security answer for a reset link. Too many wrong answers revoke the link."""
    with transaction.atomic():
        locked = (
            AccountToken.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=token.pk)
        )
        if locked.used_at or locked.revoked_at or locked.expires_at <= timezone.now():
            raise AccountError(_("Ce lien n'est plus valable. Demandez-en un nouveau."))
        assert locked.user is not None
        if security_answer_matches(answer, locked.user.security_answer):
            return True
        locked.failed_answers += 1
        fields = ["failed_answers"]
        if locked.failed_answers >= SECURITY_ANSWER_MAX_FAILURES:
            locked.revoked_at = timezone.now()
            fields.append("revoked_at")
        locked.save(update_fields=fields)
        audit_log_write(
            actor=None,
            action="password_reset.wrong_answer",
            obj=locked.user,
            after={"failed_answers": locked.failed_answers},
        )
        return False


def password_reset_complete(*, token: AccountToken, password: str) -> User:
    """Set the new password: needs the link (single use) and, beforehand, the right answer."""
    with transaction.atomic():
        locked = _token_consume(token=token, purpose=TokenPurpose.PASSWORD_RESET)
        user = User.objects.select_for_update().get(pk=locked.user_id)  # type: ignore[misc]
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_log_write(actor=user, action="password_reset.completed", obj=user)
        email_queue(
            to=user.email,
            subject=_("Votre mot de passe a été modifié"),
            template="accounts/emails/password_changed",
            context={
                "first_name": user.first_name,
                "reset_url": _absolute("accounts:password_reset"),
            },
        )
    _lockout_clear(username=user.email)
    return user


def _lockout_clear(*, username: str) -> None:
    # A new password ends the lockout: the person proved who he is by email and answer.
    from axes.utils import reset

    reset(username=username)


# --- Mon compte ----------------------------------------------------------------------------------


def user_profile_update(
    *, user: User, first_name: str, last_name: str, phone: str, contact_email: str
) -> User:
    with transaction.atomic():
        before = snapshot(user, PROFILE_FIELDS)
        user.first_name = first_name
        user.last_name = last_name
        user.phone = phone
        user.contact_email = contact_email.strip().lower()
        user.save(update_fields=PROFILE_FIELDS)
        audit_log_write(
            actor=user,
            action="account.updated",
            obj=user,
            before=before,
            after=snapshot(user, PROFILE_FIELDS),
        )
    return user


def user_password_change(*, user: User, password: str) -> User:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_log_write(actor=user, action="account.password_changed", obj=user)
        email_queue(
            to=user.email,
            subject=_("Votre mot de passe a été modifié"),
            template="accounts/emails/password_changed",
            context={
                "first_name": user.first_name,
                "reset_url": _absolute("accounts:password_reset"),
            },
        )
    return user


def user_security_question_set(*, user: User, question: str, answer: str) -> User:
    with transaction.atomic():
        before = {"security_question": user.security_question}
        user.security_question = question
        user.security_answer = security_answer_hash(answer)
        user.save(update_fields=["security_question", "security_answer"])
        audit_log_write(
            actor=user,
            action="account.security_question_changed",
            obj=user,
            before=before,
            after={"security_question": question},
        )
    return user


def email_change_request(*, user: User, new_email: str) -> None:
    """Send a confirmation link to the new address and tell the old one. Nothing changes until
    the link is used."""
    new_email = new_email.strip().lower()
    with transaction.atomic():
        raw = _token_create(purpose=TokenPurpose.EMAIL_CHANGE, user=user, new_email=new_email)
        audit_log_write(
            actor=user,
            action="account.email_change_requested",
            obj=user,
            before={"email": user.email},
            after={"email": new_email},
        )
        email_queue(
            to=new_email,
            subject=_("Confirmez votre nouvelle adresse de connexion"),
            template="accounts/emails/email_change_confirm",
            carries_secrets=True,
            context={
                "first_name": user.first_name,
                "confirm_url": _absolute("accounts:email_change_confirm", raw),
                "minutes": _link_minutes(),
                "new_email": new_email,
            },
        )
        email_queue(
            to=user.email,
            subject=_("Changement de votre adresse de connexion demandé"),
            template="accounts/emails/email_change_notice",
            context={"first_name": user.first_name, "new_email": new_email},
        )


def email_change_confirm(*, token: AccountToken) -> User:
    with transaction.atomic():
        locked = _token_consume(token=token, purpose=TokenPurpose.EMAIL_CHANGE)
        user = User.objects.select_for_update().get(pk=locked.user_id)  # type: ignore[misc]
        if User.objects.filter(email__iexact=locked.new_email).exclude(pk=user.pk).exists():
            raise AccountError(
                _("Cette adresse électronique est déjà l'adresse de connexion d'un autre compte.")
            )
        old_email = user.email
        user.email = locked.new_email
        user.save(update_fields=["email"])
        audit_log_write(
            actor=user,
            action="account.email_changed",
            obj=user,
            before={"email": old_email},
            after={"email": user.email},
        )
        email_queue(
            to=old_email,
            subject=_("Votre adresse de connexion a été modifiée"),
            template="accounts/emails/email_changed",
            context={"first_name": user.first_name, "new_email": user.email},
        )
    return user


def user_deactivate(*, user: User) -> User:
    """« Désactiver mon compte »: the account can no longer log in; its links stop working."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        AccountToken.objects.filter(user=user, used_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        audit_log_write(
            actor=user,
            action="account.deactivated",
            obj=user,
            before={"is_active": True},
            after={"is_active": False},
        )
    return user


# --- login audit (called from the auth and axes signals, see apps.py) ----------------------------


def login_record(*, user: User, factor: str = "") -> None:
    """A login, with the second factor it was made with (email, app, recovery), if any."""
    audit_log_write(
        actor=user, action="account.login", obj=user, after={"factor": factor} if factor else None
    )


def lockout_record(*, username: str) -> None:
    """A locked-out attempt. Recorded on the account when it exists, else on axes' attempt row."""
    user = User.objects.filter(email__iexact=username or "").first()
    if user is not None:
        audit_log_write(
            actor=None, action="account.locked_out", obj=user, after={"username": username}
        )
        _lockout_notify(user=user)
        return
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()
    if attempt is not None:
        audit_log_write(
            actor=None, action="account.locked_out", obj=attempt, after={"username": username}
        )


def _lockout_notify(*, user: User) -> None:
    """Tells the owner once per lock, with a link that unlocks (the reset path): anyone can lock
    a known account (the reference locks the login), the owner must not stay locked out."""
    from django.core.cache import cache

    hours = int(getattr(settings, "AXES_COOLOFF_TIME", 1) or 1)
    if not user.is_active or not cache.add(f"lockout-mail:{user.pk}", 1, timeout=hours * 3600):
        return
    with transaction.atomic():
        raw = _token_create(purpose=TokenPurpose.PASSWORD_RESET, user=user)
        email_queue(
            to=user.email,
            subject=_("Votre compte a été bloqué après 5 essais de mot de passe"),
            template="accounts/emails/account_locked",
            carries_secrets=True,
            context={
                "first_name": user.first_name,
                "hours": hours,
                "unlock_url": _absolute("accounts:password_reset_confirm", raw),
                "minutes": _link_minutes(),
            },
        )


# --- accounts made by the platform (demo data, operators) ----------------------------------------


def structure_create_from_sirene(
    *, siret: str, kind: str = StructureKind.ENTREPRISE_PRIVEE
) -> Structure:
    """A SIRET structure prefilled from the Sirene base, as registration would make it."""
    info = selectors.etablissement_lookup(siret=siret)
    if info is None:
        raise AccountError(_("SIRET %(siret)s inconnu de la base Sirene.") % {"siret": siret})
    with transaction.atomic():
        structure = Structure.objects.create(
            identifier_type=IdentifierType.SIRET,
            identifier=siret,
            raison_sociale=info.raison_sociale,
            adresse=info.adresse,
            complement_adresse_1=info.complement_adresse,
            code_postal=info.code_postal,
            ville=info.ville,
            non_diffusible=info.non_diffusible,
            kind=kind,
            is_public=kind == StructureKind.STRUCTURE_PUBLIQUE,
            insee_updated_at=timezone.now(),
        )
        audit_log_write(
            actor=None,
            action="structure.created",
            obj=structure,
            after={"identifier_type": structure.identifier_type, "identifier": siret},
        )
    return structure


def manager_account_create(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    structure: Structure,
    espaces: list[str],
    security_question: str = "",
    security_answer: str = "",
) -> User:
    """An active account, gestionnaire principal of `structure`, subscribed in Modification to
    `espaces` (and « Activités du gestionnaire »), as if it had registered and been activated."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            security_question=security_question,
            security_answer=security_answer_hash(security_answer) if security_answer else "",
            activated_at=timezone.now(),
        )
        audit_log_write(actor=None, action="account.created", obj=user, after={"email": user.email})
        _manager_attach(user=user, structure=structure, espaces=espaces, actor=None)
    return user


# --- housekeeping ----------------------------------------------------------------------------------

# Registrations never activated are personal data kept for nothing: gone after this many days.
PENDING_REGISTRATION_DAYS = 30


def registration_purge_stale(*, now: dt.datetime | None = None) -> int:
    """Delete registrations that were never activated (and their links). Returns how many."""
    limit = (now or timezone.now()) - dt.timedelta(days=PENDING_REGISTRATION_DAYS)
    with transaction.atomic():
        stale = PendingRegistration.objects.filter(completed_at=None, created_at__lt=limit)
        count = stale.count()
        stale.delete()
    return count
