"""What both writers share: blank is absent.

EN 16931 has no empty terms: a blank optional term is simply not there, and an element with
neither text nor children says nothing (PEPPOL-EN16931-R008, a warning of the Factur-X and
Peppol rules, which the supplier of a platform-made invoice could not fix). The binding engine
(`readers._binding`) writes an element only when it holds a value.
"""

from __future__ import annotations


def is_blank(value: object) -> bool:
    """None, or a string that normalize-space() makes empty."""
    return value is None or (isinstance(value, str) and not value.strip())
