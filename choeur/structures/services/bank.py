"""Coordonnées bancaires (B.3): IBAN checked by schwifty, which also names the bank and BIC."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from choeur.core.audit import audit_log_write, snapshot
from choeur.structures import perms
from choeur.structures.errors import StructureError
from choeur.structures.models import BankAccount, Structure
from choeur.structures.services._common import changed, require, unique_or_error

FIELDS = ["label", "holder", "iban", "bic", "bank_name", "is_factor", "is_active"]


def iban_check(value: str) -> IBAN:
    """The IBAN, or a French message saying what is wrong with it."""
    text = "".join((value or "").split()).upper()
    if not text:
        raise StructureError(_("L'IBAN est obligatoire."), field="iban")
    try:
        return IBAN(text)
    except SchwiftyException as exc:
        name = type(exc).__name__
        if "Checksum" in name:
            reason = _("la clé de contrôle est fausse (vérifiez chaque caractère)")
        elif "Length" in name:
            reason = _("sa longueur ne correspond pas au pays")
        elif "Country" in name:
            reason = _("le code pays est inconnu")
        else:
            reason = _("son format est incorrect")
        raise StructureError(
            _("IBAN invalide : %(reason)s.") % {"reason": reason}, field="iban"
        ) from exc


def bic_for(iban: IBAN, given: str = "") -> tuple[str, str]:
    """(BIC, bank name): the given BIC if any (checked), else the one schwifty knows."""
    bank_name = ""
    try:
        bank_name = iban.bank_name or ""
        known = str(iban.bic) if iban.bic else ""
    except SchwiftyException:
        known = ""
    given = "".join((given or "").split()).upper()
    if given:
        try:
            bic = BIC(given)
        except SchwiftyException as exc:
            raise StructureError(
                _("BIC invalide : 8 ou 11 caractères attendus."), field="bic"
            ) from exc
        return str(bic.compact), bank_name or (bic.bank_names[0] if bic.bank_names else "")
    if not known:
        raise StructureError(
            _("La banque de cet IBAN n'est pas connue : indiquez son BIC."), field="bic"
        )
    return known, bank_name


def bank_account_create(
    *,
    actor: Any,
    structure: Structure,
    label: str,
    holder: str,
    iban: str,
    bic: str = "",
    is_factor: bool = False,
) -> BankAccount:
    require(perms.can_manage_bank_accounts(actor, structure))
    parsed = iban_check(iban)
    bic_value, bank_name = bic_for(parsed, bic)
    if not (label or "").strip():
        raise StructureError(_("Le libellé est obligatoire."), field="label")
    if not (holder or "").strip():
        raise StructureError(_("Le titulaire du compte est obligatoire."), field="holder")
    if BankAccount.objects.filter(structure=structure, iban=parsed.compact).exists():
        raise StructureError(_("Cet IBAN est déjà enregistré pour la structure."), field="iban")
    with (
        transaction.atomic(),
        unique_or_error(_("Cet IBAN est déjà enregistré pour la structure."), field="iban"),
    ):
        account = BankAccount.objects.create(
            structure=structure,
            label=label.strip(),
            holder=holder.strip(),
            iban=parsed.compact,
            bic=bic_value,
            bank_name=bank_name[:255],
            is_factor=is_factor,
        )
        audit_log_write(
            actor=actor, action="bank_account.create", obj=account, after=snapshot(account, FIELDS)
        )
    return account


def bank_account_update(
    *,
    actor: Any,
    account: BankAccount,
    label: str,
    holder: str,
    is_factor: bool,
    is_active: bool,
) -> BankAccount:
    """Rename, change the holder or the factor flag, (de)activate. The IBAN never changes: a new
    account is a new record, so invoices keep naming the account they were sent with."""
    require(perms.can_manage_bank_accounts(actor, account.structure))
    if not (label or "").strip():
        raise StructureError(_("Le libellé est obligatoire."), field="label")
    if not (holder or "").strip():
        raise StructureError(_("Le titulaire du compte est obligatoire."), field="holder")
    with transaction.atomic():
        account = BankAccount.objects.select_for_update().get(pk=account.pk)
        before = snapshot(account, FIELDS)
        account.label = label.strip()
        account.holder = holder.strip()
        account.is_factor = is_factor
        account.is_active = is_active
        before, after = changed(before, snapshot(account, FIELDS))
        if after:
            account.save()
            audit_log_write(
                actor=actor, action="bank_account.update", obj=account, before=before, after=after
            )
    return account
