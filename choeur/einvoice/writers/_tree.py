"""What both writers do to their trees: blank is absent, and no element is left empty.

EN 16931 has no empty terms: a blank optional term is simply not there, and an element with
neither text nor children says nothing (PEPPOL-EN16931-R008, a warning of the Factur-X and
Peppol rules, which the supplier of a platform-made invoice could not fix).
"""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree


def is_blank(value: object) -> bool:
    """None, or a string that normalize-space() makes empty."""
    return value is None or (isinstance(value, str) and not value.strip())


def drop_empty(root: etree._Element, *, keep: Collection[str] = ()) -> None:
    """Remove, children first, every element with no child and blank text, so that a parent
    left empty by its children goes too. `keep`: local names the XSD requires even when empty.
    Attributes alone do not make an element non-empty (R008 tests `not(*) and
    not(normalize-space())`)."""
    # Reversed document order visits every child before its parent.
    for el in reversed(list(root.iter(etree.Element))):
        parent = el.getparent()
        if parent is None or len(el) or not is_blank(el.text or ""):
            continue
        if etree.QName(el).localname in keep:
            continue
        parent.remove(el)
