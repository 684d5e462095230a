"""The code lists of the XP Z12-013 Flow Service 1.3.0, with the document's wire values."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FlowDirection(models.TextChoices):
    """`FlowDirection`: In, from the platform to the company's software; Out, the other way."""

    IN = "In", _("Reçu de la plateforme")
    OUT = "Out", _("Envoyé à la plateforme")


class FlowType(models.TextChoices):
    """The `FlowType` values Chœur produces (the e-reporting ones it does not)."""

    CUSTOMER_INVOICE = "CustomerInvoice", _("Facture émise")
    SUPPLIER_INVOICE = "SupplierInvoice", _("Facture reçue")
    CUSTOMER_INVOICE_LC = "CustomerInvoiceLC", _("Cycle de vie d'une facture émise")
    SUPPLIER_INVOICE_LC = "SupplierInvoiceLC", _("Cycle de vie d'une facture reçue")


# Every FlowType of the document: a search or a webhook may name any of them.
ALL_FLOW_TYPES = (
    "CustomerInvoice",
    "SupplierInvoice",
    "CustomerInvoiceLC",
    "SupplierInvoiceLC",
    "StateCustomerInvoiceLC",
    "StateSupplierInvoiceLC",
    "AggregatedCustomerTransactionReport",
    "UnitaryCustomerTransactionReport",
    "AggregatedCustomerPaymentReport",
    "UnitaryCustomerPaymentReport",
    "UnitarySupplierTransactionReport",
    "MultiFlowReport",
    "StateCustomerInvoice",
    "StateSupplierInvoice",
    "StateTransactionReport",
    "StateTransactionReportLC",
    "StatePaymentReport",
    "StatePaymentReportLC",
    "Undefined",
)


class AckStatus(models.TextChoices):
    """`FlowAckStatus`: Pending until integrated, then Ok or Error."""

    PENDING = "Pending", _("En cours")
    OK = "Ok", _("Accepté")
    ERROR = "Error", _("En erreur")


class FlowSyntax(models.TextChoices):
    CII = "CII", "CII"
    UBL = "UBL", "UBL"
    FACTURX = "Factur-X", "Factur-X"
    CDAR = "CDAR", "CDAR"
    FRR = "FRR", "FRR"


class FlowProfile(models.TextChoices):
    BASIC = "Basic", "Basic"
    CIUS = "CIUS", "CIUS"
    EXTENDED_CTC_FR = "Extended-CTC-FR", "Extended-CTC-FR"
    UNDEFINED = "Undefined", "Undefined"


class ProcessingRule(models.TextChoices):
    B2B = "B2B", "B2B"
    B2B_INT = "B2BInt", "B2BInt"
    B2C = "B2C", "B2C"
    B2G = "B2G", "B2G"
    B2G_INT = "B2GInt", "B2GInt"
    OUT_OF_SCOPE = "OutOfScope", "OutOfScope"
    B2G_OUT_OF_SCOPE = "B2GOutOfScope", "B2GOutOfScope"
    ARCHIVE_ONLY = "ArchiveOnly", "ArchiveOnly"
    NOT_APPLICABLE = "NotApplicable", "NotApplicable"
    UNDEFINED = "Undefined", "Undefined"


class RuleSource(models.TextChoices):
    """`processingRuleSource`: given by the sender, or worked out by the platform."""

    INPUT = "Input", _("Fournie")
    COMPUTED = "Computed", _("Calculée")
