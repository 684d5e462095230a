"""The production files of deploy/ agree with each other and with the settings: what gunicorn,
systemd and compose run exists, the timeouts line up, the compose file starts the whole platform.
(gunicorn itself runs with deploy/gunicorn.conf.py in tests/integration/test_faults.py, and nginx
with deploy/nginx.conf in tests/api/test_nginx.py.)"""

from __future__ import annotations

import configparser
import re
import runpy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _gunicorn(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_runs_gthread_workers_sized_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = _gunicorn(monkeypatch)
    assert default["worker_class"] == "gthread"
    assert 3 <= default["workers"] <= 8 and default["threads"] >= 2
    assert default["bind"] == "127.0.0.1:8000"
    tuned = _gunicorn(monkeypatch, GUNICORN_WORKERS="5", GUNICORN_THREADS="8",
                      GUNICORN_BIND="0.0.0.0:9000")  # fmt: skip
    assert (tuned["workers"], tuned["threads"], tuned["bind"]) == (5, 8, "0.0.0.0:9000")  # noqa: S104


def test_nginx_waits_for_gunicorn_as_long_as_gunicorn_lets_a_request_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nginx = (DEPLOY / "nginx.conf").read_text()
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", nginx).group(1))  # type: ignore[union-attr]
    assert read_timeout >= _gunicorn(monkeypatch)["timeout"]


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "systemd" / name)
    return unit


def test_the_systemd_units_start_web_workers_and_beat_from_the_application_folder() -> None:
    web = _unit("choeur-web.service")["Service"]
    assert "gunicorn -c deploy/gunicorn.conf.py config.wsgi:application" in web["ExecStart"]
    assert web["ExecReload"].startswith("/bin/kill -s HUP")  # reload without dropping requests
    worker = _unit("choeur-worker.service")["Service"]
    assert "celery -A config worker" in worker["ExecStart"]
    # Warm shutdown: running tasks finish; late acknowledgement covers the rest.
    assert worker["KillSignal"] == "SIGTERM" and int(worker["TimeoutStopSec"]) >= 60
    beat = _unit("choeur-beat.service")["Service"]
    assert "celery -A config beat" in beat["ExecStart"]
    units = [path.name for path in (DEPLOY / "systemd").glob("choeur-*.service")]
    assert {"choeur-worker-messages.service", "choeur-worker-fond.service"} <= set(units)
    for name in units:
        service = _unit(name)["Service"]
        assert service["WorkingDirectory"] == "/srv/choeur/app"
        assert service["EnvironmentFile"] == "/srv/choeur/app/.env"
        assert service["User"] == "choeur" and service["Restart"] == "always"


def test_compose_starts_the_whole_platform_after_one_migration() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    workers = {"worker", "worker-messages", "worker-fond"}
    assert set(services) == {"db", "broker", "migrate", "web", "beat"} | workers
    assert services["db"]["image"].startswith("postgres:")
    assert services["broker"]["image"].startswith("rabbitmq:")
    assert "healthcheck" in services["db"] and "healthcheck" in services["broker"]
    assert "migrate --noinput" in services["migrate"]["command"]
    for name in ("web", "beat", *sorted(workers)):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert (
            env["CELERY_BROKER_URL"].startswith("amqp://")
            and "@broker:5672" in env["CELERY_BROKER_URL"]
        )
        assert "media:/var/lib/choeur/media" in services[name]["volumes"]
    assert "deploy/gunicorn.conf.py" in services["web"]["command"]
    for name in workers:
        assert services[name]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")
    assert "db" in compose["volumes"] and "media" in compose["volumes"]


def test_compose_file_is_valid_for_docker_compose() -> None:
    """`docker compose config` (or docker-compose) when one is installed."""
    if (
        shutil.which("docker")
        and subprocess.run(  # noqa: S603, S607
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        command = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose"]
    else:
        pytest.skip("ni docker compose ni docker-compose : seul le YAML est vérifié")
    result = subprocess.run(  # noqa: S603
        [*command, "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
        capture_output=True, text=True, check=False, env={"SECRET_KEY": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_the_dockerfile_installs_the_locked_dependencies_and_runs_gunicorn() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "--require-hashes" in dockerfile and "requirements.lock" in dockerfile
    assert (
        'CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi:application"]' in dockerfile
    )
    assert "USER choeur" in dockerfile


def _queues_of(command: str) -> set[str]:
    words = command.split()
    return set(words[words.index("-Q") + 1].split(",")) if "-Q" in words else set()


def _queues_used() -> set[str]:
    from django.conf import settings

    routes = getattr(settings, "CELERY_TASK_ROUTES", {}) or {}
    return {settings.CELERY_TASK_DEFAULT_QUEUE} | {r["queue"] for r in routes.values()}


def test_every_queue_the_settings_route_to_has_workers_in_compose_and_systemd() -> None:
    """A task routed to a queue no worker consumes would wait for ever."""
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    in_compose: set[str] = set().union(
        *(_queues_of(s["command"]) for s in services.values() if " worker" in str(s.get("command")))
    )
    in_systemd: set[str] = set().union(
        *(
            _queues_of(_unit(path.name)["Service"]["ExecStart"])
            for path in (DEPLOY / "systemd").glob("choeur-worker*.service")
        )
    )
    assert _queues_used() <= in_compose, _queues_used() - in_compose
    assert _queues_used() <= in_systemd, _queues_used() - in_systemd


WORKER_KINDS = {  # the queue each kind of worker consumes, alone (docs/operator-guide.md)
    "integration": "choeur",
    "messages": "choeur.messages",
    "fond": "choeur.fond",
}


def _kind(command: str) -> str:
    words = command.split()
    return words[words.index("-n") + 1].split("@")[0]


def test_each_kind_of_worker_consumes_its_own_queue_so_validation_never_delays_emails() -> None:
    """Emails and webhooks have workers that take nothing else: an archive being validated on
    every integration process leaves them free."""
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    commands = {
        "compose " + name: s["command"]
        for name, s in services.items()
        if " worker" in str(s.get("command"))
    }
    commands |= {
        "systemd " + path.name: _unit(path.name)["Service"]["ExecStart"]
        for path in (DEPLOY / "systemd").glob("choeur-worker*.service")
    }
    for where in ("compose", "systemd"):
        kinds = {_kind(c) for w, c in commands.items() if w.startswith(where)}
        assert kinds == set(WORKER_KINDS), (where, kinds)
    for where, command in commands.items():
        assert _queues_of(command) == {WORKER_KINDS[_kind(command)]}, (where, command)
    # (which task goes to which queue: tests/integration/test_delivery.py)
