"""Stored files: keep the original bytes, hash them, never overwrite."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from choeur.core.models import StoredFile, stored_file_path

logger = logging.getLogger(__name__)
ROOT = "files"


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
        path = stored_file_path(digest)
        storage = stored.file.storage
        if existing is not None:
            # Same bytes, same content-addressed path: point at it instead of writing again.
            stored.file.name = existing.file.name
        elif storage.exists(path) and storage.size(path) == len(data):
            # Left by a deposit whose transaction rolled back (a concurrent retry that lost its
            # idempotency key, a crash): the same bytes at their own address, taken over.
            stored.file.name = path
        else:
            stored.file.save(digest, ContentFile(data), save=False)
        stored.save()
    return stored


def stored_files_create(
    files: list[tuple[bytes, str, str]], *, user: Any = None
) -> list[StoredFile]:
    """`stored_file_create` for many files at once (the invoices of an archive), in the
    caller's transaction: one query for the bytes already stored, one INSERT for every row.
    `files` holds (data, name, content type); the rows come back in the same order."""
    digests = [hashlib.sha256(data).hexdigest() for data, _name, _type in files]
    known = dict(StoredFile.objects.filter(sha256__in=set(digests)).values_list("sha256", "file"))
    uploader = user if getattr(user, "is_authenticated", False) else None
    rows = []
    for (data, name, content_type), digest in zip(files, digests, strict=True):
        stored = StoredFile(
            original_name=name[:255] or "fichier",
            sha256=digest,
            size=len(data),
            content_type=content_type[:100],
            uploaded_by=uploader,
        )
        storage = stored.file.storage
        path = stored_file_path(digest)
        if digest in known:
            stored.file.name = known[digest]
        elif storage.exists(path) and storage.size(path) == len(data):
            stored.file.name = known[digest] = path  # left by a rolled-back deposit
        else:
            stored.file.save(digest, ContentFile(data), save=False)
            known[digest] = stored.file.name
        rows.append(stored)
    return StoredFile.objects.bulk_create(rows)


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def stored_files_collect_orphans(*, older_than: dt.timedelta, dry_run: bool = False) -> list[str]:
    """Delete the stored bytes no row references, once older than `older_than` (a file is
    written before its row commits: a recent one may belong to a deposit still in progress).
    Returns the names removed (or that would be, with `dry_run`)."""
    storage = StoredFile._meta.get_field("file").storage
    if not storage.exists(ROOT):
        return []
    limit = timezone.now() - older_than
    removed = []
    for name in _walk(storage, ROOT):
        if StoredFile.objects.filter(file=name).exists():
            continue
        if storage.get_modified_time(name) >= limit:
            continue
        removed.append(name)
        if not dry_run:
            storage.delete(name)
            logger.info("orphan stored file removed: %s", name)
    return removed
