"""A strict harness: warnings are errors (pyproject), undefined template variables fail,
database access is explicit (pytest-django's `db` fixture or the `django_db` mark)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings


class InvalidTemplateVariable(str):
    """Rendering `{{ undefined }}` raises instead of printing nothing."""

    def __mod__(self, other: object) -> str:
        raise AssertionError(f"Variable de gabarit indéfinie : {other!r}")


@pytest.fixture(autouse=True)
def _test_environment(settings, tmp_path, monkeypatch, request) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The second factor at login is mandatory by default (issue 16): its own tests and a
    # newcomer's journey in the browser run with it (marker `second_factor`); the others log in
    # with the password alone, the operator's other choice, so that each tests its own subject.
    settings.SECOND_FACTOR_REQUIRED = request.node.get_closest_marker("second_factor") is not None
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "allow_overwrite": False},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CAPTCHA_TEST_MODE = True
    # django-simple-captcha reads the setting once, at import: set its copy too ("PASSED" passes).
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # A flux's end emails the recipient at once, as the tests of flux expect; the digest window
    # (one email per address per 300 s in production) has its own tests (tests/notifications/).
    settings.INVOICES_RECEIVED_DIGEST_SECONDS = 0
    # Rate-limit counters and lockout-mail markers live in the cache: none leaks between tests.
    from django.core.cache import cache

    cache.clear()


def pytest_configure(config: pytest.Config) -> None:
    from tests.shared import CORPUS

    if not (CORPUS / "README.md").is_file():
        raise pytest.UsageError(
            f"Corpus introuvable ({CORPUS}) : indiquez le dossier partagé avec CHOEUR_SHARED."
        )
    # WhiteNoise indexes STATIC_ROOT at start-up and warns (an error here) when it is missing.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # Before any template engine is built, so every engine gets it.
    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = InvalidTemplateVariable("%s")


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.host = "127.0.0.1"
        self.port = 0

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def wait_for(
        self, predicate: Callable[[EmailMessage], bool], timeout: float = 10.0
    ) -> EmailMessage:
        """The first received message matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if predicate(message):
                    return message
            time.sleep(0.05)
        subjects = [m["Subject"] for m in self.messages]
        raise AssertionError(f"Aucun courriel attendu reçu en {timeout} s ; reçus : {subjects}")

    @staticmethod
    def subject(message: EmailMessage) -> str:
        """The subject as the user reads it: long non-ASCII subjects arrive folded."""
        return " ".join(str(message["Subject"]).split())

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """Point Django's SMTP backend at a real SMTP server on 127.0.0.1."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        sink.port = probe.getsockname()[1]
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()
