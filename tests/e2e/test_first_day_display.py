"""Issue 12, « Le premier jour d'un fournisseur », as people see it at 1280 px: buttons that show
their label, units and VAT categories in words, one rate format, a status filter a supplier can
read, « Mon espace » guiding the first invoice, headings once, tables that fit, a contact form
anyone can pass and find."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from choeur.accounts.captcha import QUESTIONS
from choeur.invoices.enums import InvoiceStatus
from choeur.invoices.models import InvoiceLine, InvoiceStatusChange
from choeur.invoices.services.deposit import Upload, flux_deposit
from choeur.invoices.services.integration import flux_integrate
from choeur.structures.enums import Espace, Role
from tests.e2e.session import log_in_as
from tests.invoices.factories import PUBLIC_FREE_SIRET, StructureFactory, member, public_recipient
from tests.invoices.samples import Sample
from tests.lifecycle import factories as lf
from tests.sollicitations import factories as sf

pytestmark = pytest.mark.django_db(transaction=True)

# Icon buttons whose label does not fit (the DSFR's icon-only square clips it): none may be left.
CLIPPED_LABELS = """() => [...document.querySelectorAll('main .fr-btn[class*="fr-icon-"]')]
  .filter((b) => b.offsetParent !== null && b.textContent.trim())
  .filter((b) => b.scrollWidth > b.clientWidth + 1 || b.clientWidth < 4 * b.clientHeight / 3)
  .map((b) => b.textContent.trim())"""
# Tables wider than their box (a scroll region keyboard users cannot reach).
OVERFLOWING_TABLES = """() => [...document.querySelectorAll('main .fr-table__content, main .fr-table')]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => (box.querySelector('table') || {}).id || '?')"""
# Texts shown more than once as a heading or a caption a sighted reader sees.
VISIBLE_TITLES = """() => [...document.querySelectorAll('main h1, main h2, main h3, main caption')]
  .filter((e) => e.getBoundingClientRect().height > 2)
  .map((e) => e.textContent.trim())"""


def _text(locator: Any) -> str:
    return locator.inner_text().replace("\u202f", " ").replace("\xa0", " ")


def _assert_page_is_tidy(page: Any) -> None:
    assert page.evaluate(CLIPPED_LABELS) == []
    assert page.evaluate(OVERFLOWING_TABLES) == []
    titles = page.evaluate(VISIBLE_TITLES)
    assert len(titles) == len(set(titles)), titles


def _supplier_with_invoice() -> tuple[Any, Any, Any]:
    supplier = lf.structure("84211943000010", "MENUISERIE DUPONT")
    user = lf.attach(
        lf.user("fournisseur@dupont.test"),
        supplier,
        espace=Espace.FACTURES_EMISES,
        role=Role.GESTIONNAIRE_PRINCIPAL,
    )
    recipient = lf.structure("12345678200051", "COMMUNE DE TEST", public=True)
    agent = lf.attach(lf.user("achats@commune.test"), recipient)
    invoice = lf.invoice(supplier=supplier, recipient=recipient, depositor=user)
    for position, (name, quantity, unit, price, rate) in enumerate(
        [
            ("Pose de fenêtres, main d'œuvre", "12.5", "HUR", "1234.5", "20"),
            ("Gravier", "2.25", "TNE", "38.1234", "5.5"),
            ("Livret d'entretien", "1", "XYZ", "8", "2.1"),
        ],
        start=2,
    ):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            line_id=str(position),
            designation=name,
            quantity=Decimal(quantity),
            unit=unit,
            unit_price=Decimal(price),
            vat_category="S",
            vat_rate=Decimal(rate),
            net_amount=(Decimal(quantity) * Decimal(price)).quantize(Decimal("0.01")),
        )
    InvoiceStatusChange.objects.create(
        invoice=invoice,
        from_status=InvoiceStatus.MISE_A_DISPOSITION,
        to_status=InvoiceStatus.SUSPENDUE,
        actor_label="Camille Agent du service des achats <achats.marches-publics@commune.test>",
        reason="Le bon de livraison signé manque, ainsi que le procès-verbal de réception des "
        "travaux daté et signé par les deux parties ; merci de les joindre à la facture.",
    )
    InvoiceStatusChange.objects.create(
        invoice=invoice,
        from_status=InvoiceStatus.SUSPENDUE,
        to_status=InvoiceStatus.COMPLETEE,
        actor_label="Camille Agent <fournisseur@dupont.test>",
        reason="Voici le bon de livraison et le procès-verbal.",
    )
    return user, agent, invoice


def test_the_suppliers_invoice_page_reads_as_french_and_fits(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    user, _agent, invoice = _supplier_with_invoice()
    page = browser_page
    log_in_as(page, live_server, user)
    page.goto(f"{live_server.url}/factures/{invoice.pk}/")

    downloads = page.locator("#downloads")
    for label in ("Télécharger la facture (PDF)", "Télécharger les données (XML)"):
        expect(downloads.get_by_role("link", name=label)).to_be_visible()
        expect(downloads.get_by_role("link", name=label)).to_have_text(label)
    expect(downloads.get_by_role("link", name="Certificat de dépôt")).to_be_visible()

    lines = page.locator("#lines")
    expect(lines).to_contain_text("heure")
    expect(lines).to_contain_text("tonne")
    expect(lines).to_contain_text("XYZ")  # an unknown unit stays its code
    expect(lines).not_to_contain_text("C62")
    expect(lines).not_to_contain_text("HUR")
    text = _text(lines)
    assert "1 234,50 €" in text and "38,1234 €" in text and "500,00 €" in text
    assert "12,5" in text and "2,25" in text
    assert "20 %" in text and "5,5 %" in text and "2,1 %" in text
    assert not re.search(r"\d\.\d", text)  # no 5.5, 20.00 or 1234.5 left

    expect(page.get_by_role("heading", name="Historique des statuts")).to_have_count(1)
    expect(page.locator("#history")).to_contain_text("Le bon de livraison signé manque")
    _assert_page_is_tidy(page)
    screenshot(page, "premier-jour-facture-fournisseur")
    check_accessibility(page)


def test_the_recipients_invoice_page_reads_as_french_and_fits(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    _user, agent, invoice = _supplier_with_invoice()
    page = browser_page
    log_in_as(page, live_server, agent)
    page.goto(f"{live_server.url}/factures-recues/{invoice.pk}/")

    for label in ("PDF", "XML", "Tout (zip)"):
        expect(page.get_by_role("button", name=label)).to_be_visible()
    # The page shows the invoice's own XML: one line of 2 units at 500 €, VAT 20 % standard.
    lines = page.locator("#lines")
    expect(lines).to_contain_text("unité")
    expect(lines).not_to_contain_text("C62")
    assert "500,00 €" in _text(lines) and "20 %" in _text(lines)
    vat = page.locator("#vat-breakdown")
    expect(vat).to_contain_text("Taux normal")
    assert "20 %" in _text(vat) and "20.00" not in _text(vat)
    expect(page.locator("#history")).to_contain_text("Le bon de livraison signé manque")
    _assert_page_is_tidy(page)
    screenshot(page, "premier-jour-facture-destinataire")
    check_accessibility(page)


def test_the_flux_page_shows_labels_and_one_heading(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    supplier = StructureFactory()
    user = member(supplier)
    public_recipient()
    sample = Sample(supplier.identifier, PUBLIC_FREE_SIRET, number="PJ-2026-001")
    flux = flux_deposit(user=user, supplier=supplier, upload=Upload("f.xml", sample.cii()))
    flux_integrate(flux_id=flux.pk)
    page = browser_page
    log_in_as(page, live_server, user)
    page.goto(f"{live_server.url}/factures/flux/{flux.pk}/")
    expect(page.locator("#flux-status")).to_have_text("Intégré")
    expect(page.locator("#flux-status span")).to_have_attribute("title", "IN_INTEGRE")
    expect(page.get_by_role("heading", name="Compte rendu")).to_have_count(1)
    expect(page.locator("#report-table")).to_contain_text("Intégrée")
    _assert_page_is_tidy(page)
    screenshot(page, "premier-jour-flux")
    check_accessibility(page)


def test_the_status_filter_is_grouped_and_filters(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    user, _agent, invoice = _supplier_with_invoice()
    other = lf.invoice(
        supplier=invoice.supplier,
        recipient=invoice.recipient,
        depositor=user,
        status=InvoiceStatus.SUSPENDUE,
    )
    page = browser_page
    log_in_as(page, live_server, user)
    page.goto(f"{live_server.url}/factures/")
    status = page.get_by_label("Statut")
    expect(status.locator("optgroup")).to_have_count(3)
    expect(status.locator("option")).to_have_count(13)
    expect(status.locator("optgroup").first).to_have_attribute("label", "À traiter")
    expect(status.locator("option", has_text="TECHNIQUE")).to_have_count(0)
    status.select_option(label="Suspendue")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page.locator("#invoices-table")).to_contain_text(other.number)
    expect(page.locator("#invoices-table")).not_to_contain_text(invoice.number)
    expect(page.get_by_text("1 facture", exact=True)).to_be_visible()
    page.get_by_label("Numéro de facture").fill("AUCUNE-FACTURE")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page.get_by_text("0 facture", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/factures/")
    _assert_page_is_tidy(page)
    screenshot(page, "premier-jour-factures-emises")
    check_accessibility(page)


def test_my_space_guides_the_first_invoice(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    supplier = StructureFactory()
    user = member(supplier)
    page = browser_page
    log_in_as(page, live_server, user)
    page.goto(f"{live_server.url}/mon-espace/")
    guide = page.locator("#premiere-facture")
    expect(guide.get_by_role("heading", name="Votre première facture")).to_be_visible()
    expect(page.locator("#a-preparer")).to_contain_text("SIRET")
    expect(page.locator("#a-preparer")).to_contain_text("code service")
    expect(page.locator("#a-preparer")).to_contain_text("engagement juridique")
    ways = page.locator("#facons-d-envoyer")
    for name in ("Saisir une facture", "Déposer une facture PDF", "Déposer un flux"):
        expect(ways.get_by_role("link", name=name)).to_be_visible()
    expect(guide.get_by_role("link", name=re.compile("annuaire"))).to_be_visible()
    _assert_page_is_tidy(page)
    screenshot(page, "premier-jour-mon-espace")
    check_accessibility(page)

    ways.get_by_role("link", name="Saisir une facture").click()
    page.wait_for_url("**/factures/saisir/")
    unit = page.locator("[name=lines-0-unit]")
    expect(unit.locator("option:checked")).to_have_text("Unité")
    expect(unit.locator("option", has_text=re.compile("^Heure$"))).to_have_attribute("value", "HUR")
    expect(unit.locator("option", has_text="C62")).to_have_count(0)
    rate = page.locator("[name=lines-0-vat_rate]")
    expect(rate.locator("option", has_text=re.compile(r"^5,5\s%$"))).to_have_count(1)


def test_the_annuaire_search_button_shows_its_label(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    public_recipient(raison_sociale="COMMUNE DE TEST")
    page = browser_page
    page.goto(f"{live_server.url}/annuaire/")
    button = page.get_by_role("button", name="Rechercher")
    expect(button).to_have_text("Rechercher")
    expect(button).to_be_visible()
    page.get_by_label("Nom ou numéro SIRET").fill("commune")
    button.click()
    expect(page.locator("#resultats")).to_have_text(re.compile(r"^\s*1 structure publique\s*$"))
    _assert_page_is_tidy(page)
    screenshot(page, "premier-jour-annuaire")
    check_accessibility(page)


def test_someone_who_cannot_read_the_captcha_finds_and_passes_the_contact_form(
    live_server: Any, browser_page: Any, screenshot: Any, check_accessibility: Any
) -> None:
    sf.subcategory("SUPPORT", offered_logged_out=True)
    page = browser_page
    page.goto(f"{live_server.url}/")
    page.locator("footer").get_by_role("link", name="Contacter le support").click()
    page.wait_for_url("**/sollicitations/contact/")
    expect(page.locator("img.captcha")).to_have_attribute(
        "alt", re.compile("répondez à la question")
    )
    question = page.locator("label[for=id_captcha_question]")
    expect(question).to_contain_text("?")
    screenshot(page, "premier-jour-contact")
    check_accessibility(page)

    label = question.inner_text()
    answer = next(answers[0] for q, answers in QUESTIONS if q in label)
    page.get_by_label("Catégorie").select_option(label="Mot de passe (support de la plateforme)")
    page.locator("#id_email").fill("perdu@example.test")
    page.get_by_label("Confirmation de l'adresse électronique").fill("perdu@example.test")
    page.get_by_label("Titre").fill("Compte bloqué")
    page.get_by_label("Description").fill("Je ne vois pas l'image de vérification.")
    page.locator("#id_captcha_question").fill(str(answer))
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url(re.compile(r"/sollicitations/contact/envoyee/$"))
    expect(page.locator("#numero-sollicitation")).to_have_text(re.compile(r"^SOL-\d{4}-\d{7}$"))
