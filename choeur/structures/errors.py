"""The one error type of the structures services: a business rule refused the change."""

from __future__ import annotations


class StructureError(Exception):
    """Bad input or a refused change; `message` is French and shown as is to the user.

    Services raise it before writing anything (or inside their transaction, which then rolls
    back), so a refused change leaves the database as it was.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
