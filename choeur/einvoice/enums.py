"""Code lists of EN 16931 used by the pivot model.

The lists are "open": a code the norm's list does not name (a new UNTDID code, or a wrong one in
a received invoice) still reads, as a pseudo-member whose name starts with `UNKNOWN_`. Reading
must never lose what a document says; judging a code is the validation layer's job (BR-CL-*).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class OpenCodeList(StrEnum):
    """A StrEnum that accepts codes it does not list (kept as they are, never rejected)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        return not self._name_.startswith("UNKNOWN_")


class InvoiceTypeCode(OpenCodeList):
    """BT-3: UNTDID 1001, the subset allowed by EN 16931 (CEN code list, 2023)."""

    REQUEST_FOR_PAYMENT = "71"
    DEBIT_NOTE_GOODS_SERVICES = "80"
    CREDIT_NOTE_GOODS_SERVICES = "81"
    METERED_SERVICES_INVOICE = "82"
    CREDIT_NOTE_FINANCIAL_ADJUSTMENT = "83"
    DEBIT_NOTE_FINANCIAL_ADJUSTMENT = "84"
    TAX_NOTIFICATION = "102"
    INVOICING_DATA_SHEET = "130"
    DIRECT_PAYMENT_VALUATION = "202"
    PROVISIONAL_PAYMENT_VALUATION = "203"
    PAYMENT_VALUATION = "204"
    INTERIM_APPLICATION_FOR_PAYMENT = "211"
    FINAL_PAYMENT_REQUEST_COMPLETED_WORK = "218"
    PAYMENT_REQUEST_COMPLETED_UNITS = "219"
    SELF_BILLED_CREDIT_NOTE = "261"
    CONSOLIDATED_CREDIT_NOTE_GOODS_SERVICES = "262"
    PRICE_VARIATION_INVOICE = "295"
    CREDIT_NOTE_PRICE_VARIATION = "296"
    DELCREDERE_CREDIT_NOTE = "308"
    PROFORMA_INVOICE = "325"
    PARTIAL_INVOICE = "326"
    COMMERCIAL_INVOICE_PACKING_LIST = "331"
    COMMERCIAL_INVOICE = "380"
    CREDIT_NOTE = "381"
    COMMISSION_NOTE = "382"
    DEBIT_NOTE = "383"
    CORRECTED_INVOICE = "384"
    CONSOLIDATED_INVOICE = "385"
    PREPAYMENT_INVOICE = "386"
    HIRE_INVOICE = "387"
    TAX_INVOICE = "388"
    SELF_BILLED_INVOICE = "389"
    DELCREDERE_INVOICE = "390"
    FACTORED_INVOICE = "393"
    LEASE_INVOICE = "394"
    CONSIGNMENT_INVOICE = "395"
    FACTORED_CREDIT_NOTE = "396"
    REVERSAL_OF_DEBIT = "420"
    DEBIT_NOTE_RELATED_TO_SELF_BILLING = "456"
    REVERSAL_OF_DEBIT_457 = "457"
    REVERSAL_OF_CREDIT = "458"
    FORWARDERS_CREDIT_NOTE = "532"
    FORWARDERS_INVOICE_DISCREPANCY_REPORT = "553"
    INSURERS_INVOICE = "575"
    FORWARDERS_INVOICE = "623"
    PORT_CHARGES_DOCUMENTS = "633"
    INVOICE_INFORMATION_FOR_ACCOUNTING = "751"
    FREIGHT_INVOICE = "780"
    CLAIM_NOTIFICATION = "817"
    CONSULAR_INVOICE = "870"
    PARTIAL_CONSTRUCTION_INVOICE = "875"
    PARTIAL_FINAL_CONSTRUCTION_INVOICE = "876"
    FINAL_CONSTRUCTION_INVOICE = "877"
    CUSTOMS_INVOICE = "935"

    @property
    def is_credit_note(self) -> bool:
        """True for the codes that UBL carries as a CreditNote document."""
        return self.value in CREDIT_NOTE_CODES


# Codes written as a UBL CreditNote (the others are UBL Invoice); Peppol BIS 3 uses 381 and 396.
CREDIT_NOTE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)


class VatCategory(OpenCodeList):
    """BT-95, BT-102, BT-118, BT-151: UNCL 5305, the subset of EN 16931."""

    STANDARD = "S"
    ZERO_RATED = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"  # VAT exempt for EEA intra-community supply
    EXPORT = "G"  # free export item, VAT not charged
    NOT_SUBJECT = "O"  # services outside scope of tax
    CANARY_ISLANDS = "L"  # IGIC
    CEUTA_MELILLA = "M"  # IPSI


class PaymentMeansCode(OpenCodeList):
    """BT-81: UNCL 4461 (the codes met in practice; the others read as open members)."""

    INSTRUMENT_NOT_DEFINED = "1"
    AUTOMATED_CLEARING_HOUSE_CREDIT = "2"
    CASH = "10"
    CHEQUE = "20"
    BANKERS_DRAFT = "21"
    CREDIT_TRANSFER = "30"
    DEBIT_TRANSFER = "31"
    PAYMENT_TO_BANK_ACCOUNT = "42"
    BANK_CARD = "48"
    DIRECT_DEBIT = "49"
    STANDING_AGREEMENT = "57"
    SEPA_CREDIT_TRANSFER = "58"
    SEPA_DIRECT_DEBIT = "59"
    CLEARING_BETWEEN_PARTNERS = "97"
    MUTUALLY_DEFINED = "ZZZ"


class VatPointDateCode(OpenCodeList):
    """BT-8: UNCL 2005 subset (UBL values; CII uses 5, 29, 72 for the same meanings)."""

    INVOICE_DOCUMENT_ISSUE_DATE = "3"
    DELIVERY_DATE = "35"
    PAID_TO_DATE = "432"


# CII DueDateTypeCode (UNCL 2475) <-> UBL DescriptionCode (UNCL 2005) for BT-8.
VAT_POINT_CII_TO_UBL = {"5": "3", "29": "35", "72": "432"}
VAT_POINT_UBL_TO_CII = {v: k for k, v in VAT_POINT_CII_TO_UBL.items()}
