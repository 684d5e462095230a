"""Writes on structures: every state change goes through one of these functions.

Each is keyword-only, checks the permission predicate of `choeur.structures.perms`, runs in
`transaction.atomic`, writes an audit row, and queues its emails in the same transaction (they
leave after commit). Bad input raises `StructureError` before anything is written.
"""

from choeur.structures.services.bank import bank_account_create, bank_account_update, iban_check
from choeur.structures.services.engagements import (
    EngagementImportError,
    ImportResult,
    engagement_create,
    engagement_import_csv,
    engagement_update,
)
from choeur.structures.services.rattachements import (
    espace_self_subscription_set,
    rattachement_appoint_manager,
    rattachement_approve,
    rattachement_detach,
    rattachement_handover,
    rattachement_refuse,
    rattachement_request,
    rattachement_rights_copy,
    rattachement_rights_update,
    rattachement_withdraw,
)
from choeur.structures.services.structure import (
    structure_default_espaces,
    structure_espaces_update,
    structure_parameters_update,
    structure_set_active,
    structure_update,
    structure_update_from_insee,
)
from choeur.structures.services.technical import (
    technical_account_create,
    technical_account_renew,
    technical_account_set_active,
    technical_password_reminders_send,
)
from choeur.structures.services.units import service_create, service_update

__all__ = [
    "EngagementImportError",
    "ImportResult",
    "bank_account_create",
    "bank_account_update",
    "engagement_create",
    "engagement_import_csv",
    "engagement_update",
    "espace_self_subscription_set",
    "iban_check",
    "rattachement_appoint_manager",
    "rattachement_approve",
    "rattachement_detach",
    "rattachement_handover",
    "rattachement_refuse",
    "rattachement_request",
    "rattachement_rights_copy",
    "rattachement_rights_update",
    "rattachement_withdraw",
    "service_create",
    "service_update",
    "structure_default_espaces",
    "structure_espaces_update",
    "structure_parameters_update",
    "structure_set_active",
    "structure_update",
    "structure_update_from_insee",
    "technical_account_create",
    "technical_account_renew",
    "technical_account_set_active",
    "technical_password_reminders_send",
]
