"""DSFR markup every template must follow, checked on the sources (the browser tests see only the
pages they visit)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "choeur"
# The header's tool links are labelled by the header's own styles (fr-header__tools-links).
HEADER_TOOLS = {"core/templates/core/_header_links.html"}

_GROUP = re.compile(r'<ul class="(fr-btns-group[^"]*)"[^>]*>(.*?)</ul>', re.S)
_ICON_BUTTON = re.compile(r'class="(fr-btn(?: [^"]*)? fr-icon-[^"]*)"')


def _templates() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
        for path in sorted(ROOT.glob("*/templates/**/*.html"))
    ]


def test_icon_buttons_show_their_label() -> None:
    """`fr-btn fr-icon-…` alone is the DSFR's icon-only square: the label is hidden. A button
    says where its icon goes (`fr-btn--icon-left/right`), and so does a group of buttons
    (`fr-btns-group--icon-left/right`), whose rule wins over the button's."""
    offenders = []
    for name, text in _templates():
        if name in HEADER_TOOLS:
            continue
        for classes in _ICON_BUTTON.findall(text):
            if "fr-btn--icon-left" not in classes and "fr-btn--icon-right" not in classes:
                offenders.append(f"{name}: {classes}")
        for group, content in _GROUP.findall(text):
            if _ICON_BUTTON.search(content) and "fr-btns-group--icon-" not in group:
                offenders.append(f"{name}: {group}")
    assert not offenders, offenders
