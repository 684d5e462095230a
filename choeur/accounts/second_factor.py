"""The second factor at login (issue 16), as on the real platform since September 2024.

After the password, a code: by email (6 digits, valid EMAIL_CODE_MINUTES, single use, a new one
after RESEND_SECONDS), from an authenticator app (TOTP, RFC 6238), or one of the recovery codes
printed once. The devices and the code checks are django-otp's; nothing here is cryptography.

Whether it is mandatory is the operator's choice (`SECOND_FACTOR_REQUIRED`, on by default); a
user who added an authenticator app gets the second step either way. Wrong codes count as wrong
passwords (django-axes, same lock); technical accounts never reach the portal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from choeur.accounts.lockout import login_normalize
from choeur.core.audit import audit_log_write
from choeur.core.models import AuditLog
from choeur.notifications.services import email_queue

EMAIL_DEVICE_NAME = "Courriel"
RECOVERY_DEVICE_NAME = "Codes de secours"
RECOVERY_CODES = 10
# How long the pending second step lasts after the password, before starting again.
PENDING_MINUTES = 15
LAST_LOGINS = 10


class Method:
    EMAIL = "email"
    APP = "app"
    RECOVERY = "recovery"


def required() -> bool:
    return bool(getattr(settings, "SECOND_FACTOR_REQUIRED", True))


def email_code_minutes() -> int:
    return int(settings.OTP_EMAIL_TOKEN_VALIDITY) // 60


def resend_seconds() -> int:
    return int(settings.OTP_EMAIL_COOLDOWN_DURATION)


def apps_of(user: Any) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def recovery_left(user: Any) -> int:
    return int(
        StaticToken.objects.filter(
            device__user=user, device__name=RECOVERY_DEVICE_NAME, device__confirmed=True
        ).count()
    )


def needed(user: Any) -> bool:
    """Whether this login goes through a second step."""
    return required() or bool(apps_of(user))


def methods_of(user: Any) -> list[str]:
    """The ways this user may give the second factor, the preferred first."""
    methods = [Method.APP] if apps_of(user) else []
    methods.append(Method.EMAIL)
    if recovery_left(user):
        methods.append(Method.RECOVERY)
    return methods


def _email_device(user: Any) -> EmailDevice:
    device, _created = EmailDevice.objects.get_or_create(
        user=user, name=EMAIL_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device


@dataclass(frozen=True)
class Sent:
    sent: bool
    wait_seconds: int = 0


def email_code_send(*, user: Any) -> Sent:
    """A new 6-digit code by email, unless one left less than RESEND_SECONDS ago."""
    with transaction.atomic():
        device = EmailDevice.objects.select_for_update().get(pk=_email_device(user).pk)
        allowed, data = device.generate_is_allowed()
        if not allowed:
            wait = (data or {}).get("next_generation_at", timezone.now()) - timezone.now()
            return Sent(sent=False, wait_seconds=max(1, int(wait.total_seconds()) + 1))
        device.generate_token(valid_secs=int(settings.OTP_EMAIL_TOKEN_VALIDITY), commit=False)
        device.cooldown_set(commit=False)
        device.save()
        email_queue(
            to=user.email,
            subject=_("Votre code de connexion : %(code)s") % {"code": device.token},
            template="accounts/emails/second_factor_code",
            carries_secrets=True,
            context={
                "first_name": user.first_name,
                "code": device.token,
                "minutes": email_code_minutes(),
            },
        )
    return Sent(sent=True)


def verify(*, user: Any, method: str, code: str) -> Any | None:
    """The device that accepts this code (then spent), or None."""
    code = "".join(code.split())
    if method == Method.EMAIL:
        device = _email_device(user)
        return device if code.isdigit() and device.verify_token(code) else None
    if method == Method.APP:
        if not code.isdigit():
            return None
        return next((d for d in apps_of(user) if d.verify_token(code)), None)
    if method == Method.RECOVERY:
        for device in StaticDevice.objects.filter(
            user=user, name=RECOVERY_DEVICE_NAME, confirmed=True
        ):
            if device.verify_token(code.lower()):
                return device
    return None


def failure_record(*, request: HttpRequest, user: Any) -> None:
    """A wrong code counts as a wrong password for django-axes (the same 5 tries, same lock)."""
    user_login_failed.send(
        sender=__name__,
        credentials={settings.AXES_USERNAME_FORM_FIELD: login_normalize(user.email)},
        request=request,
    )


def is_locked(*, request: HttpRequest, user: Any) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    credentials = {settings.AXES_USERNAME_FORM_FIELD: login_normalize(user.email)}
    return bool(AxesProxyHandler.is_locked(request, credentials))


# --- authenticator apps -----------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    secret: str  # base 32, to type by hand when the QR code cannot be scanned
    qr_svg: str


def app_enrolment_start(*, user: Any, name: str) -> Enrolment:
    device = TOTPDevice.objects.create(user=user, name=name[:64], confirmed=False)
    return enrolment_of(device)


def enrolment_of(device: TOTPDevice) -> Enrolment:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=4, dark="#000091", omitsize=False)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Enrolment(device=device, secret=grouped, qr_svg=svg)


def app_enrolment_confirm(*, user: Any, device: TOTPDevice, code: str) -> bool:
    if device.user_id != user.pk or device.confirmed:
        return False
    code = "".join(code.split())
    if not code.isdigit() or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_log_write(actor=user, action="account.factor_added", obj=user, after={"app": device.name})
    return True


def app_remove(*, user: Any, device_id: int) -> bool:
    device = TOTPDevice.objects.filter(user=user, pk=device_id).first()
    if device is None:
        return False
    name = device.name
    device.delete()
    audit_log_write(actor=user, action="account.factor_removed", obj=user, before={"app": name})
    return True


def recovery_codes_generate(*, user: Any) -> list[str]:
    """Ten new single-use codes (the old ones stop working); shown once."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        audit_log_write(actor=user, action="account.recovery_codes", obj=user)
    return codes


def totp_now(device: TOTPDevice, *, at: dt.datetime | None = None) -> str:
    """The code an authenticator app shows now (for tests and the admin's checks)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():0{device.digits}d}"


# --- last logins ------------------------------------------------------------------------------


def last_logins(user: Any) -> list[AuditLog]:
    return list(
        AuditLog.objects.filter(
            action="account.login", object_type="accounts.user", object_id=str(user.pk)
        ).order_by("-created_at")[:LAST_LOGINS]
    )
