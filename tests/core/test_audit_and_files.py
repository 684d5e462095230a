from __future__ import annotations

import hashlib

import pytest
from django.db import transaction

from choeur.accounts.models import User
from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.core.models import AuditLog, StoredFile

pytestmark = pytest.mark.django_db


def test_audit_row_records_who_what_before_and_after() -> None:
    user = User.objects.create_user(email="agent@example.org", password="x")
    row = audit_log_write(
        actor=user,
        action="user.rename",
        obj=user,
        before={"last_name": ""},
        after={"last_name": "Durand"},
    )
    row.refresh_from_db()
    assert row.actor == user
    assert row.actor_label == "agent@example.org"
    assert row.object_type == "accounts.user"
    assert row.object_id == str(user.pk)
    assert row.before == {"last_name": ""}
    assert row.after == {"last_name": "Durand"}


def test_audit_row_without_user_is_attributed_to_the_system() -> None:
    user = User.objects.create_user(email="a@example.org", password="x")
    row = audit_log_write(actor=None, action="user.expire", obj=user)
    assert row.actor is None
    assert row.actor_label == "système"


def test_stored_file_keeps_original_bytes_and_their_hash() -> None:
    data = b"<Invoice>\xc3\xa9</Invoice>"
    stored = stored_file_create(data=data, name="facture.xml", content_type="application/xml")
    stored.refresh_from_db()
    assert stored.read() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert stored.original_name == "facture.xml"


def test_storing_the_same_bytes_twice_never_overwrites_and_keeps_both_rows() -> None:
    first = stored_file_create(data=b"abc", name="a.xml")
    second = stored_file_create(data=b"abc", name="b.xml")
    assert first.pk != second.pk
    assert first.file.name == second.file.name
    assert StoredFile.objects.count() == 2
    assert second.read() == b"abc"


def test_stored_file_row_is_rolled_back_with_its_transaction() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        stored_file_create(data=b"xyz", name="x.xml")
        raise RuntimeError("boom")
    assert not StoredFile.objects.exists()
    assert not AuditLog.objects.exists()


def _files_on_disk() -> set[str]:
    from choeur.core.files import ROOT, _walk

    storage = StoredFile._meta.get_field("file").storage
    return set(_walk(storage, ROOT)) if storage.exists(ROOT) else set()


def test_a_rolled_back_deposit_leaves_bytes_that_the_next_one_takes_over() -> None:
    data = b"<Invoice>rolled back</Invoice>"
    with pytest.raises(RuntimeError), transaction.atomic():
        stored_file_create(data=data, name="a.xml")
        raise RuntimeError  # e.g. the concurrent retry that lost its idempotency key
    assert not StoredFile.objects.exists() and len(_files_on_disk()) == 1
    again = stored_file_create(data=data, name="b.xml")
    assert _files_on_disk() == {again.file.name}  # one copy, now referenced
    assert again.read() == data


def test_orphan_bytes_are_collected_once_old_and_referenced_ones_kept() -> None:
    import datetime as dt
    import os

    from django.core.management import call_command

    from choeur.core.files import stored_files_collect_orphans

    kept = stored_file_create(data=b"kept", name="kept.pdf")
    for payload in (b"old orphan", b"new orphan"):
        with pytest.raises(RuntimeError), transaction.atomic():
            stored_file_create(data=payload, name="x")
            raise RuntimeError
    storage = StoredFile._meta.get_field("file").storage
    old = next(n for n in _files_on_disk() if n.endswith(hashlib.sha256(b"old orphan").hexdigest()))
    two_days_ago = (dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=2)).timestamp()
    os.utime(storage.path(old), (two_days_ago, two_days_ago))

    assert stored_files_collect_orphans(older_than=dt.timedelta(hours=24), dry_run=True) == [old]
    assert old in _files_on_disk()
    call_command("files_collect_orphans")
    on_disk = _files_on_disk()
    assert old not in on_disk and kept.file.name in on_disk and len(on_disk) == 2
    assert kept.read() == b"kept"
