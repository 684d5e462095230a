"""`manage.py create_technical_account --structure SIRET`: an operator connects an ERP without the
web pages; what it prints is enough to call the API."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from choeur.core.models import AuditLog
from choeur.structures.enums import IdentifierType
from choeur.structures.models import Structure, TechnicalAccount

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


@pytest.fixture
def structure(db: Any) -> Structure:
    # A structure nobody manages yet: the operator does not need a gestionnaire principal.
    return Structure.objects.create(
        identifier_type=IdentifierType.SIRET, identifier=SIRET, raison_sociale="Menuiserie Durand"
    )


def _run(*args: str) -> dict[str, str]:
    out = io.StringIO()
    call_command("create_technical_account", *args, stdout=out)
    printed = {}
    for line in out.getvalue().splitlines():
        if line.startswith("  "):
            label, _, text = line.strip().partition("  ")
            printed[label.strip()] = text.strip()
    printed["first_line"] = out.getvalue().splitlines()[0]
    return printed


def _call_api(printed: dict[str, str]) -> int:
    client = Client()
    token = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": printed["client_id"],
            "client_secret": printed["client_secret"],
        },
    )
    if token.status_code != 200:
        return token.status_code
    response = client.post(
        "/cpro/transverses/v1/recuperer/devises",
        data=json.dumps({"codeLangue": "FR"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}",
        HTTP_CPRO_ACCOUNT=printed["cpro-account"],
    )
    return response.status_code


def test_the_printed_credentials_call_the_api(structure: Structure) -> None:
    printed = _run("--structure", SIRET)
    assert "créé" in printed["first_line"]
    assert printed["login"] == f"TECH_1_{SIRET}@cpro.fr"
    assert printed["password"] and printed["client_secret"]
    assert _call_api(printed) == 200
    account = TechnicalAccount.objects.get(structure=structure)
    audit = AuditLog.objects.get(action="technical_account.create")
    assert audit.actor is None and "manage.py create_technical_account" in audit.actor_label
    assert account.created_by is None


def test_a_second_run_renews_the_same_account(structure: Structure) -> None:
    first = _run("--structure", SIRET)
    second = _run("--structure", SIRET)
    assert "renouvelé" in second["first_line"]
    assert second["login"] == first["login"] and second["client_id"] == first["client_id"]
    assert TechnicalAccount.objects.filter(structure=structure).count() == 1
    assert _call_api(first) == 400  # the old client secret no longer gets a token
    assert _call_api(second) == 200


def test_a_deactivated_account_is_not_brought_back(structure: Structure) -> None:
    _run("--structure", SIRET)
    TechnicalAccount.objects.update(is_active=False)
    with pytest.raises(CommandError, match="désactivé"):
        _run("--structure", SIRET)
    another = _run("--structure", SIRET, "--new")
    assert another["login"] == f"TECH_2_{SIRET}@cpro.fr"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--structure", "11000201100044"], "Aucune structure"),
        (["--structure", SIRET, "--number", "7"], "pas de compte technique n° 7"),
    ],
)
def test_unknown_structure_or_account(structure: Structure, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not TechnicalAccount.objects.exists()


def test_an_inactive_structure_gets_no_account(structure: Structure) -> None:
    Structure.objects.filter(pk=structure.pk).update(is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        _run("--structure", SIRET)
