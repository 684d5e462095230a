from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from choeur.sollicitations.enums import Routing
from choeur.structures.enums import AccessMode
from tests.sollicitations import factories as f


@pytest.fixture
def supplier(db: Any) -> Any:
    return f.StructureFactory()


@pytest.fixture
def public(db: Any) -> Any:
    return f.StructureFactory(public=True)


@pytest.fixture
def sender(supplier: Any) -> Any:
    return f.supplier_user(supplier, email="fournisseur@example.test")


@pytest.fixture
def agent(public: Any) -> Any:
    return f.agent(public, email="agent@commune.test")


@pytest.fixture
def colleague(public: Any) -> Any:
    return f.agent(public, email="collegue@commune.test")


@pytest.fixture
def reader(public: Any) -> Any:
    """An agent of the recipient in Consultation only."""
    return f.agent(public, mode=AccessMode.CONSULTATION, email="lecteur@commune.test")


@pytest.fixture
def outsider(db: Any) -> Any:
    """A supplier of another structure, with both espaces there: nothing to do with the ticket."""
    other = f.StructureFactory(identifier=f.OTHER_SUPPLIER_SIRET, raison_sociale="AUTRE")
    user = f.supplier_user(other, email="autre@example.test")
    f.grant(user, other, "SOLLICITATIONS_RECUES")
    return user


@pytest.fixture
def operator(db: Any) -> Any:
    return f.UserFactory(email="support@choeur.test", is_staff=True)


@pytest.fixture
def to_structure(db: Any) -> Any:
    return f.subcategory(Routing.STRUCTURE)


@pytest.fixture
def to_support(db: Any) -> Any:
    return f.subcategory(Routing.SUPPORT, offered_logged_out=True)


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Iterator[Callable[..., Any]]:
    """Run a callable and then its after-commit side effects (emails)."""

    def run(fn: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    yield run


@pytest.fixture(autouse=True)
def _captcha_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # django-simple-captcha copies CAPTCHA_TEST_MODE into captcha.conf.settings at import time:
    # the root conftest's `settings.CAPTCHA_TEST_MODE = True` comes too late for it.
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
