"""Unpack a deposited file into the documents it holds: one invoice file, or an archive (zip,
tar.gz) of many. Archives are untrusted: member count, sizes and the total are bounded before
anything is decompressed in full, so a zip bomb or an archive of 10,000 files stops early."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_members: int = 1000  # invoices per archive
    max_member_bytes: int = 50 * MB  # one Factur-X PDF at most (the core's PDF limit)
    max_total_bytes: int = 500 * MB  # everything once decompressed


def limits() -> Limits:
    return Limits(
        max_members=getattr(settings, "INVOICES_ARCHIVE_MAX_FILES", 1000),
        max_member_bytes=getattr(settings, "INVOICES_ARCHIVE_MAX_FILE_BYTES", 50 * MB),
        max_total_bytes=getattr(settings, "INVOICES_ARCHIVE_MAX_TOTAL_BYTES", 500 * MB),
    )


class ArchiveError(Exception):
    """The archive is refused as a whole (rule id and a French message for the compte rendu)."""

    def __init__(self, rule_id: str, message: str) -> None:
        super().__init__(message)
        self.rule_id = rule_id
        self.message = message


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


def archive_kind(data: bytes, filename: str = "") -> str | None:
    """'zip', 'tar.gz', 'tar' or None (a single document)."""
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return "zip"
    if data[:2] == b"\x1f\x8b":
        return "tar.gz"
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    return None


def _skipped(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return not base or base.startswith(".") or name.startswith("__MACOSX/")


def _mb(n: int) -> str:
    return f"{n / MB:.0f} Mo"


def unpack(data: bytes, filename: str = "") -> list[Member]:
    """The documents of a deposit: [the file itself] or the archive's files, in archive order.

    ArchiveError when the archive is unreadable or beyond the limits (nothing is kept of it).
    """
    kind = archive_kind(data, filename)
    if kind is None:
        return [Member(filename or "facture", data)]
    members = list(_zip(data) if kind == "zip" else _tar(data, kind))
    if not members:
        raise ArchiveError("CHOEUR-ARCH-05", "L'archive ne contient aucun fichier de facture.")
    return members


def _zip(data: bytes) -> Iterator[Member]:
    lim = limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir() and not _skipped(i.filename)]
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ArchiveError(
            "CHOEUR-ARCH-01", f"L'archive ZIP est illisible ou tronquée ({exc})."
        ) from exc
    _check_count(len(infos), lim)
    declared = sum(i.file_size for i in infos)
    if declared > lim.max_total_bytes:
        raise ArchiveError(
            "CHOEUR-ARCH-03",
            f"L'archive décompressée dépasserait {_mb(lim.max_total_bytes)} "
            f"({_mb(declared)} annoncés) : elle est refusée.",
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ArchiveError(
                "CHOEUR-ARCH-04", f"Le fichier « {info.filename} » de l'archive est chiffré."
            )
        if info.file_size > lim.max_member_bytes:
            raise _member_too_big(info.filename, lim)
        try:
            with archive.open(info) as handle:
                # Never trust the declared size: read at most the limit plus one byte.
                content = handle.read(lim.max_member_bytes + 1)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
            raise ArchiveError(
                "CHOEUR-ARCH-01",
                f"Le fichier « {info.filename} » de l'archive est illisible ({exc}).",
            ) from exc
        if len(content) > lim.max_member_bytes:
            raise _member_too_big(info.filename, lim)
        total += len(content)
        if total > lim.max_total_bytes:
            raise ArchiveError(
                "CHOEUR-ARCH-03",
                f"L'archive décompressée dépasse {_mb(lim.max_total_bytes)} : elle est refusée.",
            )
        yield Member(info.filename, content)


def _tar(data: bytes, kind: str) -> Iterator[Member]:
    lim = limits()
    mode = "r:gz" if kind == "tar.gz" else "r:"
    count = 0
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode=mode) as archive:  # type: ignore[call-overload]
            for info in archive:
                if not info.isfile() or _skipped(info.name):
                    continue
                count += 1
                _check_count(count, lim)
                if info.size > lim.max_member_bytes:
                    raise _member_too_big(info.name, lim)
                total += info.size
                if total > lim.max_total_bytes:
                    raise ArchiveError(
                        "CHOEUR-ARCH-03",
                        f"L'archive décompressée dépasse {_mb(lim.max_total_bytes)} : elle est refusée.",
                    )
                handle = archive.extractfile(info)
                if handle is None:
                    continue
                yield Member(info.name, handle.read(lim.max_member_bytes + 1))
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise ArchiveError(
            "CHOEUR-ARCH-01", f"L'archive TAR est illisible ou tronquée ({exc})."
        ) from exc


def _check_count(count: int, lim: Limits) -> None:
    if count > lim.max_members:
        raise ArchiveError(
            "CHOEUR-ARCH-02",
            f"L'archive contient plus de {lim.max_members} fichiers : déposez-la en plusieurs fois.",
        )


def _member_too_big(name: str, lim: Limits) -> ArchiveError:
    return ArchiveError(
        "CHOEUR-ARCH-03",
        f"Le fichier « {name} » de l'archive dépasse {_mb(lim.max_member_bytes)} une fois décompressé.",
    )
