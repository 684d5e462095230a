from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from choeur.sollicitations.models import Category, SubCategory
from tests.sollicitations import factories as f

pytestmark = pytest.mark.django_db


def test_operators_edit_the_referential_in_the_admin(sender: Any, to_structure: Any) -> None:
    operator = f.UserFactory(email="op@choeur.test", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    category = Category.objects.get(code="FACTURE")
    assert client.get(f"/admin/sollicitations/category/{category.pk}/change/").status_code == 200
    response = client.post(
        "/admin/sollicitations/subcategory/add/",
        {
            "category": category.pk,
            "code": "AVOIR",
            "label": "Question sur un avoir",
            "routing": "STRUCTURE",
            "is_active": "on",
            "position": 3,
        },
    )
    assert response.status_code == 302
    assert SubCategory.objects.filter(code="AVOIR", routing="STRUCTURE").exists()
    # Tickets are read-only there: they change through their thread only.
    assert client.get("/admin/sollicitations/sollicitation/").status_code == 200
    assert client.get("/admin/sollicitations/sollicitation/add/").status_code == 403


def test_a_logged_out_subcategory_must_go_to_support(sender: Any) -> None:
    from django.db import IntegrityError, transaction

    category = Category.objects.create(code="X", label="X")
    with pytest.raises(IntegrityError), transaction.atomic():
        SubCategory.objects.create(
            category=category, code="Y", label="Y", routing="STRUCTURE", offered_logged_out=True
        )
