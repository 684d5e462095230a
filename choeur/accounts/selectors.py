"""Reads of the accounts domain: email links, and what registration needs to know."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from choeur.accounts.models import AccountToken, TokenPurpose, User
from choeur.accounts.passwords import token_digest
from choeur.structures.enums import IdentifierType, RattachementStatus, Role
from choeur.structures.models import Rattachement, Structure


class TokenState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TokenCheck:
    state: TokenState
    token: AccountToken | None = None

    @property
    def is_valid(self) -> bool:
        return self.state is TokenState.VALID


def token_check(*, raw: str, purpose: TokenPurpose) -> TokenCheck:
    """The link's state. A revoked link (replaced by a newer one) reads as used."""
    token = (
        AccountToken.objects.select_related("user", "registration")
        .filter(token_hash=token_digest(raw), purpose=purpose)
        .first()
    )
    if token is None:
        return TokenCheck(TokenState.UNKNOWN)
    if token.used_at is not None or token.revoked_at is not None:
        return TokenCheck(TokenState.USED, token)
    if token.expires_at <= timezone.now():
        return TokenCheck(TokenState.EXPIRED, token)
    if token.user is not None and not token.user.is_active:
        return TokenCheck(TokenState.UNKNOWN)
    return TokenCheck(TokenState.VALID, token)


def user_active_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def structure_get_by_identifier(*, identifier_type: str, identifier: str) -> Structure | None:
    if not identifier or identifier_type in (IdentifierType.PARTICULIER, IdentifierType.AUTRE):
        # Platform-assigned identifiers: each registration makes its own structure.
        return None
    return Structure.objects.filter(identifier_type=identifier_type, identifier=identifier).first()


def structure_gestionnaire_principal(*, structure: Structure) -> Rattachement | None:
    """The structure's validated gestionnaire principal, if it has one."""
    return (
        Rattachement.objects.select_related("user")
        .filter(
            structure=structure,
            role=Role.GESTIONNAIRE_PRINCIPAL,
            status=RattachementStatus.VALIDEE,
        )
        .first()
    )


def structure_is_claimed(*, structure: Structure) -> bool:
    """A structure is claimed once it has a gestionnaire principal; a newcomer then asks to be
    attached. A structure nobody manages (never activated) goes to its first registrant."""
    return structure_gestionnaire_principal(structure=structure) is not None


def etablissement_lookup(*, siret: str) -> Any | None:
    """The Sirene établissement (choeur.directory), or None when the base does not know it."""
    from choeur.directory.selectors import etablissement_get

    return etablissement_get(siret)


def user_pending_rattachements(*, user: User) -> list[Rattachement]:
    return list(
        Rattachement.objects.select_related("structure").filter(
            Q(status=RattachementStatus.EN_COURS_DE_VALIDATION)
            | Q(status=RattachementStatus.REFUSEE),
            user=user,
        )
    )
