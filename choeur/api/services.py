"""The API's own writes: a pièce jointe uploaded ahead of `soumettre` / `completer`.

The rules a file must meet are the invoices app's (`attachment_problems`, reference C.6): the API
never keeps a file that an invoice could not carry.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from choeur.api.models import UploadedPiece
from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.invoices.services.rules import attachment_problems


class PieceRefused(Exception):
    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.too_large = too_large


def uploaded_piece_create(*, user: Any, name: str, data: bytes, content_type: str) -> UploadedPiece:
    problems = attachment_problems([(name, len(data))])
    if problems:
        raise PieceRefused(
            " ".join(f"{p.location} : {p.message}" for p in problems),
            too_large=any(p.rule_id == "CHOEUR-PJ-04" for p in problems),
        )
    with transaction.atomic():
        piece = UploadedPiece.objects.create(
            user=user,
            name=name,
            content_type=content_type[:100],
            file=stored_file_create(data=data, name=name, content_type=content_type, user=user),
        )
        audit_log_write(
            actor=user,
            action="api.piece_upload",
            obj=piece,
            after={"name": name, "size": len(data), "sha256": piece.file.sha256},
        )
    return piece


def pieces_of(user: Any) -> Any:
    """The pieces `user` uploaded: another account's are never found."""
    return UploadedPiece.objects.filter(user=user)
