"""A manager approves a rattachement request with « Factures émises » in Modification; the new
member then finds the espace in his menu after logging in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from choeur.structures.enums import AccessMode, Espace, RattachementStatus
from choeur.structures.models import EspaceSubscription, Rattachement
from tests.structures.factories import PASSWORD, UserFactory, member_add, structure_with_manager

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in_with_cookie(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_manager_approves_and_the_user_sees_factures_emises(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    structure, manager = structure_with_manager()
    newcomer = UserFactory(first_name="Léa", last_name="Moreau")
    if hasattr(newcomer, "activated_at"):
        from django.utils import timezone

        newcomer.activated_at = timezone.now()
        newcomer.save()
    member_add(structure, newcomer, status=RattachementStatus.EN_COURS_DE_VALIDATION)
    page = browser_page

    _log_in_with_cookie(page, live_server, manager)
    page.goto(f"{live_server.url}/structures/{structure.pk}/approbations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Approbations")
    check_accessibility(page)
    page.get_by_role("link", name=f"Examiner la demande de {newcomer.email}").click()
    page.get_by_label("Factures émises").select_option(AccessMode.MODIFICATION)
    screenshot(page, "structures-approbation")
    check_accessibility(page)
    page.get_by_role("button", name="Valider le rattachement").click()
    expect(page.get_by_text("La demande est validée")).to_be_visible()
    assert Rattachement.objects.get(user=newcomer).status == RattachementStatus.VALIDEE
    assert (
        EspaceSubscription.objects.get(
            user=newcomer, structure=structure, espace=Espace.FACTURES_EMISES
        ).mode
        == AccessMode.MODIFICATION
    )

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(newcomer.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
    menu = page.locator("#fr-navigation")
    expect(menu.get_by_role("link", name="Factures émises")).to_have_count(1)
    screenshot(page, "structures-menu-apres-rattachement")
