"""Schemathesis over the described /cpro operations, in-process through Django's WSGI handler
(issue 14): bodies generated from the OpenAPI document, sent with a real technical account;
no answer may be a server error or fall outside the document (status, content type, schema)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from choeur.structures.enums import Espace
from choeur.structures.models import Structure, StructureEspace
from tests.api import openapi_check
from tests.api.conftest import (
    RECIPIENT_SIRET,
    ApiAccount,
    deposit_invoice,
    make_api_account,
    make_structure,
)

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(openapi_check.document())
schema.app = WSGIHandler()
schema.config.generation.update(modes=[GenerationMode.POSITIVE], max_examples=10)


INVOICE_KEYS = {"idFacture", "identifiantFactureCPP"}


@pytest.fixture
def account(
    request: pytest.FixtureRequest,
    supplier_structure: Structure,
    public_structure: Structure,
) -> ApiAccount:
    account = make_api_account(supplier_structure, Client())
    account.fetch_token()
    account.invoice_id = 0  # type: ignore[attr-defined]
    if "/cpro/factures/" in request.node.name:
        # An invoice to find, consult and process: searches answer rows, not only « aucun résultat ».
        recipient = make_structure(RECIPIENT_SIRET, "Commune de Test", public=True)
        StructureEspace.objects.create(structure=recipient, espace=Espace.FACTURES_RECUES)
        # The flux is processed on commit: the test is transactional.
        account.invoice_id = deposit_invoice(account)  # type: ignore[attr-defined]
    return account


def with_invoice(data: Any, invoice_id: int) -> Any:
    """The body with every invoice id pointing at the deposited invoice, so that consulting and
    processing reach the invoice rather than « facture inconnue »."""
    if isinstance(data, dict):
        return {
            key: invoice_id if key in INVOICE_KEYS else with_invoice(sub, invoice_id)
            for key, sub in data.items()
        }
    if isinstance(data, list):
        return [with_invoice(item, invoice_id) for item in data]
    return data


@schema.include(path_regex=r"^/cpro/").parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_cpro_operations_answer_within_the_document(case: Any, account: ApiAccount) -> None:
    case.headers = {
        **(case.headers or {}),
        "Authorization": f"Bearer {account.token}",
        "cpro-account": account.cpro_account(),
    }
    if account.invoice_id and isinstance(case.body, dict):  # type: ignore[attr-defined]
        case.body = with_invoice(case.body, account.invoice_id)  # type: ignore[attr-defined]
    case.call_and_validate(checks=CHECKS)
