from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from choeur.accounts.models import User
from choeur.structures.enums import Espace, IdentifierType, RattachementStatus, Role
from choeur.structures.models import Rattachement, Service, Structure, StructureEspace
from choeur.structures.services.technical import technical_account_create
from tests.api import openapi_check


@pytest.fixture(autouse=True)
def responses_match_the_openapi_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every /cpro answer of these tests must match the OpenAPI document (issue 14)."""
    original = Client.request

    def request(self: Client, **environ: Any) -> Any:
        response = original(self, **environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith(("/cpro/", "/api/v1/")):
            openapi_check.check_response(
                path,
                environ.get("REQUEST_METHOD", "GET"),
                response.status_code,
                response.get("Content-Type", ""),
                response.content,
            )
        return response

    monkeypatch.setattr(Client, "request", request)


@dataclass
class ApiAccount:
    client: Client
    login: str
    password: str
    client_id: str
    client_secret: str
    structure: Structure
    token: str = ""

    def cpro_account(self, password: str | None = None) -> str:
        raw = f"{self.login}:{self.password if password is None else password}"
        return base64.b64encode(raw.encode()).decode()

    def fetch_token(self) -> str:
        response = self.client.post(
            "/api/oauth/token",
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": "openid",
            },
        )
        assert response.status_code == 200, response.content
        self.token = response.json()["access_token"]
        return self.token

    def post(self, path: str, payload: Any = None, **headers: str) -> Any:
        if not self.token:
            self.fetch_token()
        defaults = {
            "HTTP_AUTHORIZATION": f"Bearer {self.token}",
            "HTTP_CPRO_ACCOUNT": self.cpro_account(),
        }
        defaults.update(headers)
        return self.client.post(
            path,
            data=json.dumps(payload),
            content_type="application/json;charset=utf-8",
            **defaults,
        )


def make_structure(identifier: str, name: str, *, public: bool = False, **extra: Any) -> Structure:
    return Structure.objects.create(
        identifier_type=IdentifierType.SIRET,
        identifier=identifier,
        raison_sociale=name,
        is_public=public,
        code_postal="75007",
        ville="Paris",
        adresse="1 rue de l'Université",
        **extra,
    )


@pytest.fixture
def supplier_structure(db: Any) -> Structure:
    return make_structure("73282932000074", "Menuiserie Durand")


@pytest.fixture
def public_structure(db: Any) -> Structure:
    structure = make_structure(
        "11000201100044", "Ministère de la Culture", public=True, code_service_required=True
    )
    Service.objects.create(
        structure=structure, code="SFACETAT", name="Service facturier", engagement_required=True
    )
    Service.objects.create(
        structure=structure, code="ANCIEN", name="Ancien service", is_active=False
    )
    return structure


def make_api_account(
    structure: Structure, client: Client, *, espace: str = Espace.FACTURES_EMISES
) -> ApiAccount:
    """A structure's technical account (made by its gestionnaire principal) and its OAuth2 client."""
    StructureEspace.objects.get_or_create(structure=structure, espace=espace)
    manager = User.objects.create_user(
        email=f"gestion-{structure.identifier}@example.org", password="Gestion-2026!"
    )
    Rattachement.objects.create(
        user=manager,
        structure=structure,
        role=Role.GESTIONNAIRE_PRINCIPAL,
        status=RattachementStatus.VALIDEE,
    )
    secrets = technical_account_create(actor=manager, structure=structure)
    return ApiAccount(
        client=client,
        login=secrets.account.login,
        password=secrets.password,
        client_id=secrets.account.application.client_id,
        client_secret=secrets.client_secret or "",
        structure=structure,
    )


@pytest.fixture
def api_account(supplier_structure: Structure, client: Client) -> ApiAccount:
    return make_api_account(supplier_structure, client)


RECIPIENT_SIRET = "12345678200051"


@pytest.fixture
def recipient_account(db: Any) -> ApiAccount:
    """A public recipient's technical account (espace « Factures reçues »)."""
    structure = make_structure(RECIPIENT_SIRET, "Commune de Test", public=True)
    return make_api_account(structure, Client(), espace=Espace.FACTURES_RECUES)


def deposit_invoice(account: ApiAccount, **sample: Any) -> int:
    """Deposit a valid CII invoice through deposer/flux; its identifiantFactureCPP."""
    from tests.invoices.samples import Sample

    data = Sample(
        seller_siret=account.structure.identifier, buyer_siret=RECIPIENT_SIRET, **sample
    ).cii()
    numero = account.post(
        "/cpro/factures/v1/deposer/flux",
        {"fichierFlux": base64.b64encode(data).decode(), "nomFichier": "f.xml"},
    ).json()["numeroFluxDepot"]
    found = account.post(
        "/cpro/factures/v1/rechercher/fournisseur", {"numeroFluxDepot": numero}
    ).json()
    return int(found["listeFactures"][0]["identifiantFactureCPP"])


def other_supplier_account(client: Client) -> ApiAccount:
    """A second supplier, for « another structure's object » cases."""
    return make_api_account(make_structure("40483304800022", "Autre Fournisseur"), client)
