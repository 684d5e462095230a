from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
    "DEBUG": "false",
    "SITE_URL": "https://factures.example.org",
    "ALLOWED_HOSTS": "factures.example.org",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_in_production_is_refused_clearly() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire" in result.stderr


def test_malformed_boolean_is_refused_clearly() -> None:
    result = _manage("check", env={**PRODUCTION_ENV, "DEBUG": "peut-être"})
    assert result.returncode != 0
    assert "DEBUG doit valoir true ou false" in result.stderr


def test_every_periodic_job_named_in_beat_exists() -> None:
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: tâche {entry['task']} introuvable"
    assert {
        "invoices.flux_sweep",
        "notifications.outbox_flush",
        "structures.technical_password_reminders",
    } <= {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
