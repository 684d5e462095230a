from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from choeur.sollicitations.models import Category, SubCategory

pytestmark = pytest.mark.django_db


def test_referential_command_creates_categories_once_and_keeps_operator_changes() -> None:
    call_command("load_referentials", stdout=StringIO())
    assert Category.objects.exists()
    assert SubCategory.objects.filter(offered_logged_out=True).exists()
    category = Category.objects.order_by("pk").first()
    assert category is not None
    category.label = "Libellé choisi par l'opérateur"
    category.save()
    count = SubCategory.objects.count()
    call_command("load_referentials", stdout=StringIO())
    assert SubCategory.objects.count() == count
    category.refresh_from_db()
    assert category.label == "Libellé choisi par l'opérateur"
