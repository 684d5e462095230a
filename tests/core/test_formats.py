from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template

from choeur.core.formats import (
    format_amount,
    format_date,
    format_number,
    format_rate,
    format_unit_price,
    plural_count,
)


def test_amounts_use_french_separators() -> None:
    assert format_amount(Decimal("1234.56")) == "1\u202f234,56\u00a0€"
    assert format_amount(Decimal("-1234567.5")) == "-1\u202f234\u202f567,50\u00a0€"
    assert format_amount(Decimal("0")) == "0,00\u00a0€"


def test_dates_are_jj_mm_aaaa() -> None:
    assert format_date(dt.date(2026, 3, 7)) == "07/03/2026"


def test_template_filter_formats_amounts() -> None:
    html = Template("{% load choeur %}{{ v|montant }}").render(Context({"v": Decimal("99.999")}))
    assert html == "100,00\u00a0€"


def test_django_date_filter_uses_french_short_format() -> None:
    html = Template("{{ d|date:'SHORT_DATE_FORMAT' }} {{ d }}").render(
        Context({"d": dt.date(2026, 1, 2)})
    )
    assert html == "02/01/2026 02/01/2026"


def _render(source: str, **context: object) -> str:
    return Template("{% load choeur %}" + source).render(Context(context))


def test_rates_have_one_format_whatever_their_decimals() -> None:
    assert format_rate(Decimal("20.00")) == "20\u00a0%"
    assert format_rate(Decimal("5.50")) == "5,5\u00a0%"
    assert format_rate(Decimal("2.1")) == "2,1\u00a0%"
    assert format_rate(Decimal("0")) == "0\u00a0%"
    # The invoice's VAT breakdown is stored as text ("20.00"): the filter reads it too.
    assert _render("{{ r|taux }}|{{ n|taux }}", r="20.00", n=None) == "20\u00a0%|"


def test_unit_prices_and_quantities_use_french_separators() -> None:
    assert format_unit_price(Decimal("1250")) == "1\u202f250,00\u00a0€"
    assert format_unit_price(Decimal("12.35")) == "12,35\u00a0€"
    assert format_unit_price(Decimal("0.1234"), "USD") == "0,1234\u00a0$"
    assert format_number(Decimal("1000.000")) == "1\u202f000"
    assert format_number(Decimal("2.500")) == "2,5"
    assert _render("{{ p|prix_unitaire }} {{ q|nombre }}", p=Decimal("8"), q=Decimal("3.0")) == (
        "8,00\u00a0€ 3"
    )


def test_units_and_vat_categories_are_named_not_coded() -> None:
    html = _render(
        "{{ a|unite }}/{{ b|unite }}/{{ c|unite }}/{{ d|unite }}/{{ s|categorie_tva }}/"
        "{{ z|categorie_tva }}/{{ x|categorie_tva }}",
        a="C62",
        b="HUR",
        c="KGM",
        d="ZZZ9",
        s="S",
        z="AE",
        x="Q",
    )
    assert html == "unité/heure/kilogramme/ZZZ9/Taux normal/Autoliquidation/Q"


def test_units_follow_the_language() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert _render("{{ u|unite }} {{ c|categorie_tva }}", u="DAY", c="S") == (
            "day Standard rate"
        )


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 facture"), (1, "1 facture"), (2, "2 factures"), (1234, "1\u202f234 factures")],
)
def test_zero_and_one_are_singular_in_french(count: int, expected: str) -> None:
    html = _render(
        "{% load i18n %}{% blocktranslate count counter=n|pluriel with total=n|nombre %}"
        "{{ total }} facture{% plural %}{{ total }} factures{% endblocktranslate %}",
        n=count,
    )
    assert html == expected
    assert plural_count(0, "en") == 0


# Templates whose counts are all inside `{% if count %}` (never 0), written before the rule; they
# may move to `|pluriel` and leave this list.
COUNTS_NEVER_ZERO: set[str] = set()


def test_every_count_in_templates_is_french_about_zero() -> None:
    """`pluralize` and a bare `blocktranslate count` say « 0 factures »: every count goes through
    `|pluriel` (see choeur.core.formats.plural_count)."""
    root = Path(__file__).resolve().parents[2] / "choeur"
    offenders = []
    for path in root.glob("*/templates/**/*"):
        if path.suffix not in (".html", ".txt") or str(path.relative_to(root)) in COUNTS_NEVER_ZERO:
            continue
        text = path.read_text(encoding="utf-8")
        if "|pluralize" in text:
            offenders.append(f"{path.relative_to(root)}: pluralize")
        for counter in re.findall(r"\{% blocktrans(?:late)? [^%]*count (\w+=[^ %]+)", text):
            if not counter.endswith("|pluriel"):
                offenders.append(f"{path.relative_to(root)}: {counter}")
    assert not offenders, (
        "Comptez avec `{% blocktranslate count counter=n|pluriel with total=n|nombre %}"
        "{{ total }} facture{% plural %}{{ total }} factures{% endblocktranslate %}` : "
        f"{offenders}"
    )
