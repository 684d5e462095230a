"""The « Gestion de la structure » pages pass the accessibility checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from choeur.structures.enums import RattachementStatus
from tests.structures.factories import (
    BankAccountFactory,
    EngagementFactory,
    ServiceFactory,
    member_add,
    structure_with_manager,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_pages_are_accessible(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    structure, manager = structure_with_manager(public=True)
    member = member_add(structure)
    member_add(structure, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    service = ServiceFactory(structure=structure)
    bank = BankAccountFactory(structure=structure)
    EngagementFactory(structure=structure, service=service)
    client = Client()
    client.force_login(manager)
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    base = f"{live_server.url}/structures/{structure.pk}/"
    for path in [
        "",
        "modifier/",
        "parametres/",
        "espaces/",
        "utilisateurs/",
        f"utilisateurs/{member.pk}/",
        "duplication-des-droits/",
        "transmettre/",
        "services/",
        f"services/{service.pk}/",
        "coordonnees-bancaires/",
        "coordonnees-bancaires/nouveau/",
        f"coordonnees-bancaires/{bank.pk}/",
        "engagements/",
        "engagements/nouveau/",
        "engagements/import/",
        "comptes-techniques/",
        "historique/",
    ]:
        response = page.goto(base + path)
        assert response.ok, path
        check_accessibility(page)
    page.goto(base + "comptes-techniques/")
    page.get_by_role("button", name="Créer un compte technique").click()
    expect(page.get_by_text(f"TECH_1_{structure.identifier}@cpro.fr").first).to_be_visible()
    screenshot(page, "structures-compte-technique")
    check_accessibility(page)
    for path in ["/structures/", "/structures/mes-rattachements/", "/structures/mes-abonnements/"]:
        page.goto(live_server.url + path)
        check_accessibility(page)
    page.goto(
        live_server.url + "/structures/mes-rattachements/demande/?q=" + structure.identifier[:5]
    )
    check_accessibility(page)
