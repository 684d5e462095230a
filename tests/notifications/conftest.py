from __future__ import annotations

import copy
from typing import Any

import pytest

UNREAD_PROCESSOR = "choeur.notifications.context_processors.unread"


def enable_unread_count(settings: Any) -> None:
    """Add the header's unread count processor (once the project's settings list it, this
    changes nothing)."""
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if UNREAD_PROCESSOR not in processors:
        processors.append(UNREAD_PROCESSOR)
    settings.TEMPLATES = templates


@pytest.fixture
def unread_in_header(settings: Any) -> None:
    enable_unread_count(settings)


# The lifecycle's world (a supplier, a public recipient with services and their users).
from tests.lifecycle.conftest import mad_invoice, world  # noqa: E402, F401
