"""Signing a browser in as a user without going through the login form (the login paths
themselves are tested in test_accounts_login_paths.py)."""

from __future__ import annotations

from typing import Any

from django.test import Client


def log_in_as(page: Any, live_server: Any, user: Any) -> None:
    """The page's browser context holds a session of `user` (and nothing else)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
