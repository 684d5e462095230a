"""The names people read for unit and VAT category codes: one table, the PDF agreeing with it."""

from __future__ import annotations

from choeur.einvoice import facturx
from choeur.einvoice.codes import (
    SAISIE_UNITS,
    UNIT_NAMES,
    VAT_CATEGORY_NAMES,
    unit_name,
    vat_category_name,
)
from choeur.einvoice.enums import VatCategory

COMMON_UNITS = [
    "H87",
    "C62",
    "HUR",
    "DAY",
    "KGM",
    "MTR",
    "LTR",
    "MTK",
    "MTQ",
    "TNE",
    "KMT",
    "MIN",
    "MON",
    "ANN",
    "WEE",
    "SET",
    "PR",
    "XPP",
    "LS",
    "E48",
    "KWH",
    "P1",
]


def test_the_common_and_offered_units_have_a_french_name() -> None:
    for code in (*COMMON_UNITS, *SAISIE_UNITS):
        assert code in UNIT_NAMES, code
        assert unit_name(code) != code
    assert unit_name("C62") == "unité"
    assert unit_name("HUR", "en") == "hour"


def test_an_unknown_unit_is_shown_as_its_code() -> None:
    assert unit_name("XYZ") == "XYZ"
    assert unit_name("") == ""


def test_every_vat_category_of_the_norm_is_named() -> None:
    assert set(VAT_CATEGORY_NAMES) == {c.value for c in VatCategory}
    assert vat_category_name("S") == "Taux normal"
    assert vat_category_name("E", "en") == "Exempt from tax"
    assert vat_category_name("B") == "B"


def test_the_readable_pdf_names_vat_categories_as_the_pages_do() -> None:
    # facturx.py keeps its own copy for now; it must not drift from the shared table.
    assert {code: name.fr for code, name in VAT_CATEGORY_NAMES.items()} == facturx.VAT_LABELS
    assert set(facturx.UNIT_LABELS) <= set(UNIT_NAMES)
