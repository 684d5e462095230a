"""A public structure's compte technique acts for the whole structure (reference A.3): it sees
and processes every invoice the structure receives, whatever the service, including a service
created after the account, without a manager attaching it to each service. Other structures'
invoices stay out of reach (20002), and a person still sees only his own services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from choeur.accounts.models import User
from choeur.lifecycle.selectors import received_invoices
from choeur.structures.enums import AccessMode, Espace, RattachementStatus, Role
from choeur.structures.models import EspaceSubscription, Rattachement, Service
from choeur.structures.services.technical import technical_account_set_active
from tests.api.conftest import deposit_invoice, make_api_account, make_structure

pytestmark = pytest.mark.django_db(transaction=True)

F = "/cpro/factures/v1/"


@pytest.fixture
def invoices(api_account: Any, recipient_account: Any) -> dict[str, int]:
    """Three invoices to the recipient: service A (existing when the technical account was
    made), service B (created afterwards), and no service."""
    commune = recipient_account.structure
    Service.objects.create(structure=commune, code="SERVICE-A", name="Service A")
    Service.objects.create(structure=commune, code="SERVICE-B", name="Service B (nouveau)")
    return {
        "A": deposit_invoice(api_account, number="FA-A", service_code="SERVICE-A"),
        "B": deposit_invoice(api_account, number="FA-B", service_code="SERVICE-B"),
        "none": deposit_invoice(api_account, number="FA-0"),
    }


def test_the_technical_account_sees_every_service_of_its_structure(
    recipient_account: Any, invoices: dict[str, int]
) -> None:
    found = recipient_account.post(F + "rechercher/recipiendaire", {"paramRecherche": {}})
    assert found.status_code == 200
    assert found.json()["codeRetour"] == 0
    assert sorted(row["idFacture"] for row in found.json()["listeFactures"]) == sorted(
        invoices.values()
    )
    assert {row["codeServiceExecutant"] for row in found.json()["listeFactures"]} == {
        "SERVICE-A",
        "SERVICE-B",
        "",
    }
    for invoice_id in invoices.values():
        consulted = recipient_account.post(
            F + "consulter/recipiendaire", {"identifiantFactureCPP": invoice_id}
        )
        assert consulted.status_code == 200, consulted.content
        assert consulted.json()["facture"]["identifiantFactureCPP"] == invoice_id


def test_the_technical_account_processes_an_invoice_of_a_later_service(
    recipient_account: Any, invoices: dict[str, int]
) -> None:
    done = recipient_account.post(
        F + "traiter/recue", {"idFacture": invoices["B"], "nouveauStatut": "SERVICE_FAIT"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["codeRetour"] == 0
    assert done.json()["nouveauStatut"] == "SERVICE_FAIT"


def test_another_structures_invoices_stay_not_found(
    recipient_account: Any, invoices: dict[str, int]
) -> None:
    other = make_api_account(
        make_structure("21750001600019", "Autre commune", public=True),
        Client(),
        espace=Espace.FACTURES_RECUES,
    )
    Service.objects.create(structure=other.structure, code="SERVICE-A", name="Homonyme")
    listed = other.post(F + "rechercher/recipiendaire", {})
    assert listed.status_code == 200
    assert listed.json()["codeRetour"] == 20000
    assert listed.json()["listeFactures"] == []
    for invoice_id in invoices.values():
        consulted = other.post(F + "consulter/recipiendaire", {"identifiantFactureCPP": invoice_id})
        assert consulted.status_code == 400
        assert consulted.json()["codeRetour"] == 20002
        processed = other.post(
            F + "traiter/recue", {"idFacture": invoice_id, "nouveauStatut": "SERVICE_FAIT"}
        )
        assert processed.status_code == 400
        assert processed.json()["codeRetour"] == 20002


def test_a_person_still_sees_only_the_services_he_is_attached_to(
    recipient_account: Any, invoices: dict[str, int]
) -> None:
    commune = recipient_account.structure
    agent = User.objects.create_user(email="agent@commune.test", password="Agent-2026!")
    rattachement = Rattachement.objects.create(
        user=agent, structure=commune, role=Role.UTILISATEUR, status=RattachementStatus.VALIDEE
    )
    rattachement.services.add(Service.objects.get(structure=commune, code="SERVICE-A"))
    EspaceSubscription.objects.create(
        user=agent, structure=commune, espace=Espace.FACTURES_RECUES, mode=AccessMode.CONSULTATION
    )
    seen = set(received_invoices(agent).values_list("pk", flat=True))
    assert seen == {invoices["A"], invoices["none"]}


def test_a_deactivated_technical_account_sees_nothing(
    recipient_account: Any, invoices: dict[str, int]
) -> None:
    user = User.objects.get(email=recipient_account.login)
    manager = User.objects.get(
        email=f"gestion-{recipient_account.structure.identifier}@example.org"
    )
    technical_account_set_active(actor=manager, account=user.technical_account, active=False)
    user.refresh_from_db()
    assert not received_invoices(user).exists()
    refused = recipient_account.post(F + "rechercher/recipiendaire", {})
    assert refused.status_code == 401
