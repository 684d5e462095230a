"""A strict harness: warnings are errors (pyproject), undefined template variables fail,
database access is explicit (pytest-django's `db` fixture or the `django_db` mark)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


class InvalidTemplateVariable(str):
    """Rendering `{{ undefined }}` raises instead of printing nothing."""

    def __mod__(self, other: object) -> str:
        raise AssertionError(f"Variable de gabarit indéfinie : {other!r}")


@pytest.fixture(autouse=True)
def _test_environment(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
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
    settings.CELERY_TASK_ALWAYS_EAGER = True


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise indexes STATIC_ROOT at start-up and warns (an error here) when it is missing.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # Before any template engine is built, so every engine gets it.
    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = InvalidTemplateVariable("%s")
