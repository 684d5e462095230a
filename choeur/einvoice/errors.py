"""Errors of the pure core. Each carries a message in French (for suppliers) and in English."""

from __future__ import annotations


class EInvoiceError(Exception):
    """Base class: a message for people in French and in English."""

    def __init__(self, message_fr: str, message_en: str | None = None) -> None:
        self.message_fr = message_fr
        self.message_en = message_en if message_en is not None else message_fr
        super().__init__(f"{self.message_fr} / {self.message_en}")


class ReadError(EInvoiceError):
    """The bytes are not an invoice that can be read (not XML, not a known syntax, truncated...)."""


class UnsafeInput(ReadError):
    """The bytes were refused before parsing: DTD, entities, too large, too deep, encrypted PDF."""


class WriteError(EInvoiceError):
    """The invoice cannot be written in the asked syntax (e.g. a mandatory term is missing)."""
