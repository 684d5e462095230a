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


def test_make_run_builds_emailed_links_for_the_port_it_serves() -> None:
    """`make run PORT=8010` serves on 8010, and the links of its emails point there too (they
    once pointed at 8000 whatever the port, so every activation link was dead)."""
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8010"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert dry.returncode == 0, dry.stderr
    serve = next(line for line in dry.stdout.splitlines() if "runserver" in line)
    assert serve.rstrip().endswith("runserver 127.0.0.1:8010")
    env = dict(
        item.split("=", 1) for item in serve.split() if "=" in item and item.split("=")[0].isupper()
    )
    assert env["SITE_URL"] == "http://127.0.0.1:8010"
    shown = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.SITE_URL)", env=env
    )
    assert shown.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8010", shown.stderr
