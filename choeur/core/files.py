"""Stored files: keep the original bytes, hash them, never overwrite."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from choeur.core.models import StoredFile


def stored_file_create(
    *, data: bytes, name: str, content_type: str = "application/octet-stream", user: Any = None
) -> StoredFile:
    """Store `data` durably and return its row; identical bytes reuse the stored copy."""
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        existing = StoredFile.objects.filter(sha256=digest, size=len(data)).first()
        stored = StoredFile(
            original_name=name[:255] or "fichier",
            sha256=digest,
            size=len(data),
            content_type=content_type[:100],
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        if existing is not None:
            # Same bytes, same content-addressed path: point at it instead of writing again.
            stored.file.name = existing.file.name
        else:
            stored.file.save(digest, ContentFile(data), save=False)
        stored.save()
    return stored
