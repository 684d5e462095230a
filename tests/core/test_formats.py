from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template import Context, Template

from choeur.core.formats import format_amount, format_date


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
