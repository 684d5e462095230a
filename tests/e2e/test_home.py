from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_with_the_dsfr_and_is_accessible(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    page = browser_page
    fonts: list[str] = []
    page.on(
        "response", lambda r: fonts.append(r.url) if r.url.endswith(".woff2") and r.ok else None
    )
    response = page.goto(live_server.url + "/")
    assert response.ok
    page.wait_for_load_state("networkidle")

    expect(page.locator("header.fr-header")).to_be_visible()
    expect(page.locator("footer.fr-footer")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Déposez et suivez"))
    # The DSFR's stylesheet applied: Marianne is the body font and its files were fetched.
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in family
    assert page.evaluate("document.fonts.check('1em Marianne')")
    assert any("Marianne" in url for url in fonts)

    screenshot(page, "accueil")
    check_accessibility(page)


def test_login_page_is_accessible(
    live_server: Any, browser_page: Any, check_accessibility: Any
) -> None:
    browser_page.goto(live_server.url + "/compte/connexion/")
    expect(browser_page.get_by_label("Adresse électronique")).to_be_visible()
    check_accessibility(browser_page)
