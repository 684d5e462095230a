from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_reachable(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


@override_settings(
    CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:1//", CELERY_TASK_ALWAYS_EAGER=False
)
def test_healthz_reports_an_unreachable_broker_as_unhealthy(client: Client) -> None:
    from config.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "amqp://guest:guest@127.0.0.1:1//"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("erreur")
