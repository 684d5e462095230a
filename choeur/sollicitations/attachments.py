"""The rules a file must meet to be joined to a ticket: the same as invoice attachments
(reference C: « pièces jointes dans Chorus Pro : quelques règles à respecter »)."""

from __future__ import annotations

# Reference C: an extension is required, from this list.
ALLOWED_EXTENSIONS = frozenset(
    [
        "bmp",
        "gif",
        "fax",
        "odt",
        "ppt",
        "tiff",
        "xls",
        "bz2",
        "gz",
        "jpeg",
        "p7s",
        "rtf",
        "txt",
        "xml",
        "csv",
        "gzip",
        "jpg",
        "pdf",
        "svg",
        "xhtml",
        "xlsx",
        "doc",
        "htm",
        "odp",
        "png",
        "tgz",
        "xlc",
        "zip",
        "docx",
        "html",
        "ods",
        "pps",
        "tif",
        "xlm",
        "pptx",
    ]
)
# Reference C: the file name, extension included, is at most 50 characters.
MAX_NAME_LENGTH = 50
# Reference C / API error 20003: a file over 10 MB is refused.
MAX_SIZE = 10 * 1024 * 1024
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
    if size > MAX_SIZE:
        return f"Le fichier « {name} » dépasse la taille maximale de 10 Mo."
    return None
