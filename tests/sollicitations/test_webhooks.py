"""An answer to a sollicitation is pushed to the sender structure's webhook (issue 14)."""

from __future__ import annotations

import json
from typing import Any

from choeur.notifications.webhooks import webhook_endpoint_create
from choeur.sollicitations import services
from tests.notifications.test_webhooks import receiver  # noqa: F401 - the fixture
from tests.sollicitations.test_services import _sent


def test_an_answer_is_pushed_to_the_sender_structure(
    receiver: Any,  # noqa: F811
    sender: Any,
    supplier: Any,
    public: Any,
    agent: Any,
    to_structure: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhook_endpoint_create(
        actor=None, structure=supplier, url=receiver.url, events=["sollicitation.repondue"]
    )
    s = _sent(sender, supplier, to_structure)
    services.sollicitation_assign_to_self(user=agent, sollicitation=s)
    assert receiver.requests == []  # neither sending nor assigning is an answer
    with django_capture_on_commit_callbacks(execute=True):
        services.sollicitation_answer(user=agent, sollicitation=s, body="Voici la réponse")
    [(headers, body)] = receiver.requests
    assert headers["X-Choeur-Event"] == "sollicitation.repondue"
    data = json.loads(body)["data"]
    assert data == {"idSollicitation": s.pk, "numeroSollicitation": s.number, "statut": "REPONDU"}
    assert "Voici la réponse" not in body.decode()
