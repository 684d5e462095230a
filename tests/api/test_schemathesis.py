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

from choeur.structures.models import Structure
from tests.api import openapi_check
from tests.api.conftest import ApiAccount, make_api_account

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(openapi_check.document())
schema.app = WSGIHandler()
schema.config.generation.update(modes=[GenerationMode.POSITIVE], max_examples=10)


@pytest.fixture
def account(supplier_structure: Structure, public_structure: Structure) -> ApiAccount:
    account = make_api_account(supplier_structure, Client())
    account.fetch_token()
    return account


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
    case.call_and_validate(checks=CHECKS)
