"""The rules a file must meet to be joined to a ticket: the same as invoice attachments
(reference C: « pièces jointes dans Chorus Pro : quelques règles à respecter »)."""

from __future__ import annotations

from choeur.invoices.services.rules import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_NAME_MAX,
)

# The same limits as invoice attachments (reference C.6), from the one place that defines them.
ALLOWED_EXTENSIONS = frozenset(extension.lower() for extension in ATTACHMENT_EXTENSIONS)
MAX_NAME_LENGTH = ATTACHMENT_NAME_MAX
MAX_SIZE = ATTACHMENT_MAX_BYTES
# At most this many files per message, to keep one request bounded.
MAX_FILES = 10


def attachment_error(name: str, size: int) -> str | None:
    """Why a file named `name` of `size` bytes cannot be joined, in French, or None if it can."""
    if size <= 0:
        return f"Le fichier « {name} » est vide."
    if len(name) > MAX_NAME_LENGTH:
        return (
            f"Le nom du fichier « {name} » dépasse {MAX_NAME_LENGTH} caractères "
            "(extension comprise) : renommez-le."
        )
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return f"Le fichier « {name} » n'a pas d'extension."
    if extension.lower() not in ALLOWED_EXTENSIONS:
        return (
            f"Le format « .{extension} » du fichier « {name} » n'est pas accepté. "
            "Formats acceptés : " + ", ".join(sorted(ALLOWED_EXTENSIONS)) + "."
        )
    if size >= MAX_SIZE:  # « under 10 Mo », as for invoices
        return f"Le fichier « {name} » dépasse la taille maximale de 10 Mo."
    return None
