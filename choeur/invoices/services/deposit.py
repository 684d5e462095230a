"""`flux_deposit`: every way in (saisie, PDF, flux file, API) ends here. The original bytes are
stored and hashed and the Flux row is committed BEFORE the caller answers; integration is queued
after commit (DESIGN.md "Deposit")."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from choeur.core.audit import audit_log_write
from choeur.core.files import stored_file_create
from choeur.core.tasks import send
from choeur.invoices import perms
from choeur.invoices.enums import FluxStatus, ModeDepot, SyntaxeFlux
from choeur.invoices.models import Attachment, Flux
from choeur.invoices.services.rules import MB
from choeur.structures.models import Structure

# UPLOAD_MAX_MB (120 by default, reference C.6); the API's body limit and nginx's follow it.
FLUX_MAX_BYTES = settings.UPLOAD_MAX_BYTES


class DepositRefused(Exception):
    """The deposit is refused before any row is written (a French message for the user)."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    content_type: str = "application/octet-stream"


def _numero() -> str:
    # Like the real platform's CPP0011110000000000001557: 25 characters, unique (constraint).
    return f"CPP{timezone.now():%Y%m%d}{secrets.randbelow(10**14):014d}"


def flux_deposit(
    *,
    user: Any,
    supplier: Structure,
    upload: Upload,
    mode_depot: str = ModeDepot.UPLOAD_PORTAIL,
    declared_syntax: str = "",
    idempotency_key: str = "",
    comment: str = "",
    attachments: list[Upload] | None = None,
    form_data: bytes | None = None,
) -> Flux:
    """Receive one deposit for `supplier` and queue its integration; returns the Flux.

    With an `idempotency_key` already used by this user, the first flux is returned and nothing
    is stored again (a retried request gets the first answer).
    """
    if not perms.can_deposit(user, supplier):
        raise DepositRefused(
            "Vous ne pouvez pas déposer de factures pour cette structure : il faut l'espace "
            "« Factures émises » en modification.",
            code="forbidden",
        )
    key = (idempotency_key or "").strip()[:255]
    if key:
        existing = flux_for_retry(user=user, key=key)
        if existing is not None:
            return existing
    if declared_syntax and declared_syntax not in SyntaxeFlux.values:
        raise DepositRefused(
            f"Syntaxe de flux inconnue : « {declared_syntax} ». Syntaxes acceptées : "
            + ", ".join(SyntaxeFlux.values)
            + ".",
            code="syntax",
        )
    if not upload.data:
        raise DepositRefused("Le fichier déposé est vide.", code="empty")
    if len(upload.data) > FLUX_MAX_BYTES:
        raise DepositRefused(
            f"Le fichier déposé dépasse {FLUX_MAX_BYTES // MB} Mo ({len(upload.data) / MB:.1f} Mo).",
            code="size",
        )
    try:
        with transaction.atomic():
            if key:
                # The key is won before any file is written: a concurrent request with the same
                # key waits here, then finds the winner's flux (no file left by the loser).
                _key_lock(user, key)
                existing = Flux.objects.filter(depositor=user, idempotency_key=key).first()
                if existing is not None:
                    return existing
            original = stored_file_create(
                data=upload.data, name=upload.name, content_type=upload.content_type, user=user
            )
            stored_form = (
                stored_file_create(
                    data=form_data,
                    name="donnees-saisies.xml",
                    content_type="application/xml",
                    user=user,
                )
                if form_data is not None
                else None
            )
            flux = Flux.objects.create(
                numero=_numero(),
                depositor=user if getattr(user, "is_authenticated", False) else None,
                supplier=supplier,
                mode_depot=mode_depot,
                declared_syntax=declared_syntax,
                filename=upload.name[:255] or "flux",
                original=original,
                form_data=stored_form,
                idempotency_key=key,
                comment=comment,
                queued_at=timezone.now(),  # queued at commit (queue_integration)
            )
            for extra in attachments or []:
                Attachment.objects.create(
                    flux=flux,
                    name=extra.name[:255],
                    file=stored_file_create(
                        data=extra.data, name=extra.name, content_type=extra.content_type, user=user
                    ),
                    added_by=flux.depositor,
                )
            audit_log_write(
                actor=user,
                action="flux.deposit",
                obj=flux,
                after={
                    "numero": flux.numero,
                    "mode_depot": mode_depot,
                    "sha256": original.sha256,
                    "size": original.size,
                    "supplier": supplier.identifier,
                },
            )
            queue_integration(flux)
    except IntegrityError:
        # Two requests with the same key at once: the other one won, answer as it did.
        if key:
            existing = Flux.objects.filter(depositor=user, idempotency_key=key).first()
            if existing is not None:
                return existing
        raise
    return flux


def _key_lock(user: Any, key: str) -> None:
    """Hold, until the transaction ends, a lock named by (depositor, key). PostgreSQL: an
    advisory lock; SQLite runs one writing transaction at a time already."""
    if connection.vendor != "postgresql":
        return
    name = hashlib.sha256(f"flux-key:{getattr(user, 'pk', '')}:{key}".encode()).digest()[:8]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(name, "big", signed=True)]
        )


def flux_for_retry(*, user: Any, key: str) -> Flux | None:
    """The flux a retried request (same depositor, same Idempotency-Key) already made. Still
    waiting for its first run (its task lost with a broker outage, say), it is queued again at
    once rather than at the sweeper's next pass: integration is idempotent."""
    existing = Flux.objects.filter(depositor=user, idempotency_key=key).first()
    if existing is not None and existing.status == FluxStatus.IN_RECU and _unqueued(existing):
        queue_integration(existing, stamp=True)
    return existing


def _unqueued(flux: Flux) -> bool:
    """Never queued (the broker was down) or queued so long ago that its message is lost
    (INVOICES_QUEUED_LOST_AFTER_SECONDS): a message waiting in a backlog is not sent twice."""
    lost = dt.timedelta(seconds=int(getattr(settings, "INVOICES_QUEUED_LOST_AFTER_SECONDS", 900)))
    return flux.queued_at is None or flux.queued_at < timezone.now() - lost


def queue_integration(flux: Flux, *, stamp: bool = False) -> None:
    """Queue the flux's integration after commit (`invoices.flux_integrate`, keyed by the flux:
    running it twice makes no second invoice). `flux.queued_at` says when (set by the caller
    that creates the row, or here with `stamp`); when the broker refuses the message it goes
    back to None, and the sweeper sends the flux at its next pass."""
    if stamp:
        flux.queued_at = timezone.now()
        Flux.objects.filter(pk=flux.pk).update(queued_at=flux.queued_at)
    send("invoices.flux_integrate", flux.pk, on_unsent=lambda: flux_unqueued(flux))


def flux_unqueued(flux: Flux) -> None:
    """The broker did not take the flux's message: record it (unless a later one was sent)."""
    Flux.objects.filter(pk=flux.pk, queued_at=flux.queued_at).update(queued_at=None)
