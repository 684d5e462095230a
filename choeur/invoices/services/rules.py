"""Deposit rules that are plain functions: attachments (reference C.6) and the compte rendu's
error entries. No database access here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024

# Reference C.6, « pièces jointes dans Chorus Pro : quelques règles à respecter ».
ATTACHMENT_EXTENSIONS = frozenset(
    [
        "BMP",
        "GIF",
        "FAX",
        "ODT",
        "PPT",
        "TIFF",
        "XLS",
        "BZ2",
        "GZ",
        "JPEG",
        "P7S",
        "RTF",
        "TXT",
        "XML",
        "CSV",
        "GZIP",
        "JPG",
        "PDF",
        "SVG",
        "XHTML",
        "XLSX",
        "DOC",
        "HTM",
        "ODP",
        "PNG",
        "TGZ",
        "XLC",
        "ZIP",
        "DOCX",
        "HTML",
        "ODS",
        "PPS",
        "TIF",
        "XLM",
        "PPTX",
    ]
)
ATTACHMENT_NAME_MAX = 50
ATTACHMENT_MAX_BYTES = 10 * MB  # each file strictly under 10 MB
INVOICE_TOTAL_MAX_BYTES = 120 * MB  # the invoice with its attachments


@dataclass(frozen=True)
class Problem:
    """One error of the compte rendu: a rule id, where, and a plain French message."""

    rule_id: str
    message: str
    location: str = ""
    bt: str = ""
    severity: str = "fatal"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "message": self.message,
            "location": self.location,
            "bt": self.bt,
            "severity": self.severity,
        }


def attachment_problems(files: list[tuple[str, int]], *, main_size: int = 0) -> list[Problem]:
    """The C.6 rules over attachments given as (name, size); `main_size` counts in the total."""
    problems: list[Problem] = []
    total = main_size
    for name, size in files:
        where = f"pièce jointe « {name} »"
        if len(name) > ATTACHMENT_NAME_MAX:
            problems.append(
                Problem(
                    "CHOEUR-PJ-01",
                    f"Le nom du fichier dépasse {ATTACHMENT_NAME_MAX} caractères, extension "
                    f"comprise ({len(name)} caractères).",
                    where,
                )
            )
        extension = name.rsplit(".", 1)[1].upper() if "." in name else ""
        if extension not in ATTACHMENT_EXTENSIONS:
            problems.append(
                Problem(
                    "CHOEUR-PJ-02",
                    "L'extension du fichier n'est pas acceptée"
                    + (f" (« .{extension.lower()} »)" if extension else " (aucune extension)")
                    + ". Extensions acceptées : "
                    + ", ".join(sorted(e.lower() for e in ATTACHMENT_EXTENSIONS))
                    + ".",
                    where,
                )
            )
        if size == 0:
            problems.append(Problem("CHOEUR-PJ-03", "Le fichier est vide.", where))
        elif size >= ATTACHMENT_MAX_BYTES:
            problems.append(
                Problem(
                    "CHOEUR-PJ-04",
                    f"Le fichier dépasse 10 Mo ({size / MB:.1f} Mo).",
                    where,
                )
            )
        total += size
    if total > INVOICE_TOTAL_MAX_BYTES:
        problems.append(
            Problem(
                "CHOEUR-PJ-05",
                f"La facture et ses pièces jointes dépassent 120 Mo au total ({total / MB:.1f} Mo).",
                "pièces jointes",
            )
        )
    return problems
