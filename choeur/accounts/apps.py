from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "choeur.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Logins and lockouts happen inside Django's and axes' code: their signals hand over
        # to the service that writes the audit row.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_on_login, dispatch_uid="accounts_login_audit")
        user_locked_out.connect(_on_lockout, dispatch_uid="accounts_lockout_audit")


def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from choeur.accounts.services import login_record

    login_record(user=user, factor=str(getattr(request, "second_factor_method", "") or ""))


def _on_lockout(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    from choeur.accounts.services import lockout_record

    lockout_record(username=username or "")
