"""Name normalisation shared by the imports and the searches."""

from __future__ import annotations

from choeur.core.text import search_key

__all__ = ["prefix_upper_bound", "search_key"]


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (ASCII keys)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
