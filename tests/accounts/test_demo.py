from __future__ import annotations

from io import StringIO

import pytest
from django.test import Client

from choeur.accounts import demo
from choeur.accounts.models import User
from choeur.directory import demo as directory_demo
from choeur.structures import annuaire_demo
from choeur.structures.enums import AccessMode, RattachementStatus, Role
from choeur.structures.models import EspaceSubscription, Rattachement

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> None:
    directory_demo.load(stdout=StringIO())
    annuaire_demo.load(stdout=StringIO())
    demo.load(stdout=StringIO())


def test_demo_is_idempotent_and_every_login_works(loaded: None) -> None:
    count = User.objects.count()
    demo.load(stdout=StringIO())
    assert User.objects.count() == count == 3
    for _role, email, password in demo.LOGINS:
        client = Client()
        response = client.post("/compte/connexion/", {"username": email, "password": password})
        assert response.status_code == 302, email
    # One load of the 10,000-company directory for all the checks: it takes a while.
    _supplier_manages_the_sirene_demo_company()
    _public_account_manages_the_public_structure()


def _supplier_manages_the_sirene_demo_company() -> None:
    user = User.objects.get(email=demo.SUPPLIER_EMAIL)
    rattachement = Rattachement.objects.get(user=user)
    assert rattachement.structure.identifier == directory_demo.DEMO_SUPPLIER_SIRET
    assert rattachement.structure.raison_sociale == directory_demo.DEMO_SUPPLIER_NAME
    assert (rattachement.role, rattachement.status) == (
        Role.GESTIONNAIRE_PRINCIPAL,
        RattachementStatus.VALIDEE,
    )
    modes = dict(EspaceSubscription.objects.filter(user=user).values_list("espace", "mode"))
    assert modes["FACTURES_EMISES"] == modes["SOLLICITATIONS_EMISES"] == AccessMode.MODIFICATION
    client = Client()
    client.force_login(user)
    page = client.get("/mon-espace/").content.decode()
    assert "Factures émises" in page and "Sollicitations émises" in page


def _public_account_manages_the_public_structure() -> None:
    user = User.objects.get(email=demo.PUBLIC_EMAIL)
    rattachement = Rattachement.objects.get(user=user)
    assert rattachement.structure.identifier == directory_demo.DEMO_PUBLIC_SIRET
    assert rattachement.structure.is_public
    assert rattachement.role == Role.GESTIONNAIRE_PRINCIPAL
    modes = dict(EspaceSubscription.objects.filter(user=user).values_list("espace", "mode"))
    assert modes["FACTURES_RECUES"] == modes["SOLLICITATIONS_RECUES"] == AccessMode.MODIFICATION
    assert user.security_answer and user.security_question
