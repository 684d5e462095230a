"""Comptes techniques (A.3): the API user of a structure and its OAuth2 client.

The login is shaped like the real platform's (`TECH_<n>_<identifiant>@cpro.fr`); the password
and the client secret are returned once, by the function that makes them, and stored hashed.
"""

from __future__ import annotations

import datetime
import secrets
import string
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from choeur.core.audit import audit_log_write
from choeur.structures import perms
from choeur.structures.enums import AccessMode, RattachementStatus, Role
from choeur.structures.errors import StructureError
from choeur.structures.models import (
    EspaceSubscription,
    Rattachement,
    Structure,
    StructureEspace,
    TechnicalAccount,
)
from choeur.structures.services._common import notify, require

LOGIN_DOMAIN = "cpro.fr"
PASSWORD_LENGTH = 20
# The daily job warns the managers this many days before the password expires.
REMINDER_DAYS = 15


@dataclass(frozen=True)
class TechnicalSecrets:
    """What the manager sees once: never stored in clear, never shown again."""

    account: TechnicalAccount
    password: str
    client_secret: str | None


def password_generate() -> str:
    """A random password with digits, upper and lower case and special characters."""
    specials = "!#$%&*+-=?@_"
    alphabet = string.ascii_letters + string.digits + specials
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(PASSWORD_LENGTH))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
            and any(c in specials for c in password)
        ):
            return password


def technical_login(structure: Structure, number: int) -> str:
    return f"TECH_{number}_{structure.identifier}@{LOGIN_DOMAIN}"


def _expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.TECHNICAL_PASSWORD_DAYS)


def technical_account_create(
    *, actor: Any, structure: Structure, operator: str = ""
) -> TechnicalSecrets:
    """Create the technical user (attached to the structure with its open espaces in
    Modification, as the real platform's API user) and its confidential client-credentials
    OAuth2 application.

    `operator` names a platform operator acting without a user account (`manage.py
    create_technical_account`, actor None): he is not the structure's manager, the audit row
    names him."""
    require(bool(operator) or perms.can_manage_technical_accounts(actor, structure))
    if not structure.is_active:
        raise StructureError(_("Une structure inactive ne peut pas avoir de compte technique."))
    User = get_user_model()
    Application = get_application_model()
    password = password_generate()
    client_secret = generate_client_secret()
    now = timezone.now()
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=structure.pk)
        number = (
            TechnicalAccount.objects.filter(structure=structure).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        login = technical_login(structure, number)
        if User.objects.filter(email__iexact=login).exists():
            raise StructureError(_("L'identifiant %(login)s est déjà pris.") % {"login": login})
        # Not through create_user: the login keeps the platform's upper-case shape.
        user = User(
            email=login,
            first_name="Compte technique",
            last_name=f"{structure.raison_sociale}"[:150],
            is_technical=True,
        )
        user.set_password(password)
        user.save()
        application = Application.objects.create(
            name=f"{login}"[:255],
            user=user,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=client_secret,
            hash_client_secret=True,
        )
        account = TechnicalAccount.objects.create(
            structure=structure,
            number=number,
            user=user,
            application=application,
            password_changed_at=now,
            password_expires_at=_expiry(now),
            created_by=actor,
        )
        Rattachement.objects.create(
            user=user,
            structure=structure,
            role=Role.UTILISATEUR,
            status=RattachementStatus.VALIDEE,
            decided_at=now,
            decided_by=actor,
        )
        for espace in StructureEspace.objects.filter(structure=structure, is_open=True):
            EspaceSubscription.objects.create(
                user=user, structure=structure, espace=espace.espace, mode=AccessMode.MODIFICATION
            )
        audit_log_write(
            actor=actor or operator or None,
            action="technical_account.create",
            obj=account,
            after={
                "login": login,
                "client_id": application.client_id,
                "password_expires_at": account.password_expires_at.isoformat(),
            },
        )
    return TechnicalSecrets(account=account, password=password, client_secret=client_secret)


def technical_account_renew(
    *, actor: Any, account: TechnicalAccount, new_client_secret: bool = False, operator: str = ""
) -> TechnicalSecrets:
    """A new password (and, if asked, a new client secret); the expiry starts again.
    `operator`: as for `technical_account_create`."""
    require(bool(operator) or perms.can_manage_technical_accounts(actor, account.structure))
    password = password_generate()
    client_secret = generate_client_secret() if new_client_secret else None
    now = timezone.now()
    with transaction.atomic():
        account = (
            TechnicalAccount.objects.select_for_update(of=("self",))
            .select_related("user", "application", "structure")
            .get(pk=account.pk)
        )
        before = {"password_expires_at": account.password_expires_at.isoformat()}
        account.user.set_password(password)
        account.user.save(update_fields=["password"])
        if client_secret is not None:
            account.application.client_secret = client_secret
            account.application.save()
        account.password_changed_at = now
        account.password_expires_at = _expiry(now)
        account.reminder_sent_for = None
        account.save()
        audit_log_write(
            actor=actor or operator or None,
            action="technical_account.renew",
            obj=account,
            before=before,
            after={
                "password_expires_at": account.password_expires_at.isoformat(),
                "client_secret_renewed": client_secret is not None,
            },
        )
    return TechnicalSecrets(account=account, password=password, client_secret=client_secret)


def technical_account_set_active(
    *, actor: Any, account: TechnicalAccount, active: bool
) -> TechnicalAccount:
    """Suspend or restore API access (the user account follows)."""
    require(perms.can_manage_technical_accounts(actor, account.structure))
    with transaction.atomic():
        account = (
            TechnicalAccount.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=account.pk)
        )
        if account.is_active == active:
            raise StructureError(
                _("Ce compte technique est déjà actif.")
                if active
                else _("Ce compte technique est déjà désactivé.")
            )
        account.is_active = active
        account.save(update_fields=["is_active"])
        account.user.is_active = active
        account.user.save(update_fields=["is_active"])
        audit_log_write(
            actor=actor,
            action="technical_account.activate" if active else "technical_account.deactivate",
            obj=account,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return account


def technical_password_reminders_send(*, today: datetime.date | None = None) -> int:
    """Email the managers of each structure whose technical password expires in 15 days.

    Idempotent: an account is reminded once per expiry date, so a job run twice a day, or
    re-run after a failure, sends nothing more. Returns the number of accounts reminded.
    """
    from choeur.structures.selectors import managers_of, technical_accounts_expiring_on

    today = today or timezone.localdate()
    due = today + datetime.timedelta(days=REMINDER_DAYS)
    sent = 0
    for account in technical_accounts_expiring_on(due):
        with transaction.atomic():
            locked = TechnicalAccount.objects.select_for_update().get(pk=account.pk)
            if locked.reminder_sent_for == locked.password_expires_at:
                continue
            locked.reminder_sent_for = locked.password_expires_at
            locked.save(update_fields=["reminder_sent_for"])
            for manager in managers_of(account.structure):
                notify(
                    to=manager,
                    subject=_("Le mot de passe du compte technique %(login)s expire le %(date)s")
                    % {"login": account.login, "date": format(due, "%d/%m/%Y")},
                    template="structures/emails/technical_password_expiry",
                    context={"account": account, "structure": account.structure, "expires_on": due},
                    # The structure's API access stops at expiry: never optional.
                    kind="ACCOUNT",
                    url=reverse("structures:technical_accounts", args=[account.structure_id]),
                )
            audit_log_write(
                actor=None,
                action="technical_account.reminder",
                obj=locked,
                after={"password_expires_at": locked.password_expires_at.isoformat()},
            )
            sent += 1
    return sent
