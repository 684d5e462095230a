from __future__ import annotations

from typing import Any

import pytest

from choeur.structures.models import Structure
from tests.structures.factories import structure_with_manager


@pytest.fixture
def supplier(db: Any) -> tuple[Structure, Any]:
    return structure_with_manager()


@pytest.fixture
def public(db: Any) -> tuple[Structure, Any]:
    return structure_with_manager(public=True)
