"""Text normalisation for searches, shared by every domain."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def search_key(text: str) -> str:
    """Upper case, no accents, punctuation folded to single spaces: « l'Hôpital » -> « L HOPITAL »."""
    if text.isascii():
        ascii_text = text.upper()
    else:
        decomposed = unicodedata.normalize("NFKD", text.upper())
        ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub(" ", ascii_text).strip()[:255]
