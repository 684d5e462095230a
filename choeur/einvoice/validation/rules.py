"""The platform's own rules (ids CHOEUR-xx): small registered functions over the pivot.

Each rule is a function named after its id, decorated with `@rule(...)`, that looks at an
`Invoice` (choeur.einvoice.model) and returns the problems it sees, as `Issue`s. They run
with the "BR-FR" profile (invoices to French public structures, the Chorus Pro case), after
the official rules. They add what the norm leaves to the platform (who the recipient is, the
supplier's SIRET) and re-check the totals on every profile, MINIMUM included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from choeur.einvoice.validation.report import Finding, Severity

if TYPE_CHECKING:
    from lxml import etree

    from choeur.einvoice.model import Invoice, Party


@dataclass(frozen=True, slots=True)
class Issue:
    message_fr: str
    message_en: str
    bt: str | None = None  # overrides the rule's BT when the issue is about another term


RuleFunction = Callable[["Invoice"], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class Rule:
    rule_id: str
    severity: Severity
    bt: str | None
    locations: dict[str, str]  # XPath by XML syntax ("ubl", "cii")
    check: RuleFunction


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    bt: str | None = None,
    severity: Severity = Severity.FATAL,
    ubl: str = "",
    cii: str = "",
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function under its id (ids are unique; CHOEUR-xx)."""

    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in RULES:
            raise ValueError(f"règle déjà enregistrée : {rule_id}")
        RULES[rule_id] = Rule(rule_id, severity, bt, {"ubl": ubl, "cii": cii}, function)
        return function

    return register


def check(invoice: Invoice, *, xml_syntax: str | None = None) -> list[Finding]:
    """Run every registered rule over a pivot (no XML needed: the web form uses this too)."""
    syntax = xml_syntax or ("ubl" if invoice.syntax == "ubl" else "cii")
    findings = []
    for registered in RULES.values():
        for issue in registered.check(invoice):
            findings.append(
                Finding(
                    rule_id=registered.rule_id,
                    severity=registered.severity,
                    location=registered.locations.get(syntax, ""),
                    bt=issue.bt or registered.bt,
                    message_fr=issue.message_fr,
                    message_en=issue.message_en,
                    engine="choeur",
                )
            )
    return findings


def run_rules(
    xml: bytes,
    *,
    xml_syntax: str | None = None,
    tree: etree._Element | None = None,
    pdf: bytes | None = None,
) -> tuple[Invoice | None, list[Finding]]:
    """Read the (already validated) XML into the pivot and run the rules over it: (the pivot,
    None if unreadable; the findings). `tree`: its hardened tree, read as it is rather than
    parsed again; `pdf`: the Factur-X it came from (the pivot then is what `read` gives)."""
    from choeur.einvoice import read
    from choeur.einvoice.errors import ReadError
    from choeur.einvoice.readers import read_tree

    try:
        invoice = read(xml) if tree is None else read_tree(tree, pdf=pdf)
    except ReadError as exc:
        return None, [
            Finding(
                rule_id="CHOEUR-READ-06",
                severity=Severity.FATAL,
                location="",
                bt=None,
                message_fr=f"La facture n'a pas pu être lue pour les contrôles de la plateforme : "
                f"{exc.message_fr}",
                message_en=f"The invoice could not be read for the platform's checks: "
                f"{exc.message_en}",
                engine="choeur",
            )
        ]
    return invoice, check(invoice, xml_syntax=xml_syntax)


# --- the rules ---------------------------------------------------------------------------------

_UBL_BUYER = "/ubl:Invoice/cac:AccountingCustomerParty/cac:Party"
_CII_BUYER = (
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
    "/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty"
)
_UBL_SELLER = "/ubl:Invoice/cac:AccountingSupplierParty/cac:Party"
_CII_SELLER = (
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
    "/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
)
_UBL_TOTALS = "/ubl:Invoice/cac:LegalMonetaryTotal"
_CII_TOTALS = (
    "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
    "/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
)

SIRET_SCHEME = "0009"
SIREN_SCHEME = "0002"


@rule("CHOEUR-01", bt="BT-47", ubl=_UBL_BUYER, cii=_CII_BUYER)
def choeur_01(invoice: Invoice) -> Iterable[Issue]:
    """The recipient must be identifiable to be routed: a legal registration (SIRET of the
    public structure, BT-47), an electronic address (BT-49) or an identifier (BT-46)."""
    buyer = invoice.buyer
    if buyer.legal_registration_id or buyer.electronic_address or buyer.identifiers:
        return []
    return [
        Issue(
            "Le destinataire (l'acheteur) n'est pas identifié : indiquez son SIRET (BT-47) ou "
            "son adresse électronique (BT-49) pour que la facture puisse lui être acheminée.",
            "The recipient (buyer) is not identified: give its SIRET (BT-47) or its electronic "
            "address (BT-49) so that the invoice can be routed to it.",
        )
    ]


def _is_french(party: Party) -> bool:
    country = party.address.country_code if party.address else None
    if country:
        return country.strip().upper() == "FR"
    return bool(party.vat_id and party.vat_id.strip().upper().startswith("FR"))


def _sirets(party: Party) -> list[str]:
    candidates = list(party.identifiers)
    if party.legal_registration_id:
        candidates.append(party.legal_registration_id)
    found = []
    for identifier in candidates:
        value = identifier.value.replace(" ", "")
        if identifier.scheme == SIRET_SCHEME or (
            identifier.scheme in (None, "") and len(value) == 14 and value.isdigit()
        ):
            found.append(value)
    return found


@rule("CHOEUR-02", bt="BT-30", ubl=_UBL_SELLER, cii=_CII_SELLER)
def choeur_02(invoice: Invoice) -> Iterable[Issue]:
    """A French supplier is known by its SIRET (identifier of scheme 0009): Chorus Pro files
    every invoice under the supplier's structure, which the SIRET names."""
    if not _is_french(invoice.seller) or _sirets(invoice.seller):
        return []
    return [
        Issue(
            "Le SIRET du fournisseur (vendeur établi en France) est absent : indiquez-le comme "
            "identifiant du vendeur (BT-29) ou immatriculation légale (BT-30) avec le schéma "
            "0009.",
            "The SIRET of the supplier (a seller established in France) is missing: give it as "
            "seller identifier (BT-29) or legal registration (BT-30) with scheme 0009.",
        )
    ]


@rule("CHOEUR-03", bt="BT-30", ubl=_UBL_SELLER, cii=_CII_SELLER)
def choeur_03(invoice: Invoice) -> Iterable[Issue]:
    """A SIRET must be 14 digits with a valid check digit (Luhn; La Poste's own rule)."""
    from stdnum.fr import siret

    return [
        Issue(
            f"Le SIRET du fournisseur « {value} » n'est pas valide (14 chiffres et clé de "
            "contrôle attendus).",
            f"The supplier's SIRET '{value}' is not valid (14 digits and a check digit expected).",
        )
        for value in _sirets(invoice.seller)
        if not siret.is_valid(value)
    ]


_TOLERANCE = Decimal("0.01")


@rule("CHOEUR-04", bt="BT-115", ubl=_UBL_TOTALS, cii=_CII_TOTALS)
def choeur_04(invoice: Invoice) -> Iterable[Issue]:
    """The amounts a recipient pays from must add up, whatever the profile (MINIMUM and
    BASIC WL have no lines, so the official line rules cannot check them):
    BT-112 = BT-109 + BT-110 and BT-115 = BT-112 - BT-113 + BT-114."""
    totals = invoice.totals
    issues = []
    vat = totals.vat_total_amount or Decimal(0)
    if abs(totals.tax_exclusive_amount + vat - totals.tax_inclusive_amount) > _TOLERANCE:
        issues.append(
            Issue(
                f"Le total TTC ({totals.tax_inclusive_amount}) n'est pas égal au total hors TVA "
                f"({totals.tax_exclusive_amount}) plus la TVA ({vat}).",
                f"The total with VAT ({totals.tax_inclusive_amount}) is not the total without "
                f"VAT ({totals.tax_exclusive_amount}) plus the VAT ({vat}).",
                bt="BT-112",
            )
        )
    if invoice.profile == "MINIMUM":
        return issues  # MINIMUM cannot carry the paid amount (BT-113): BT-115 may differ
    prepaid = totals.prepaid_amount or Decimal(0)
    rounding = totals.rounding_amount or Decimal(0)
    expected = totals.tax_inclusive_amount - prepaid + rounding
    if abs(expected - totals.payable_amount) > _TOLERANCE:
        issues.append(
            Issue(
                f"Le montant net à payer ({totals.payable_amount}) devrait être {expected} : "
                "total TTC, moins le montant déjà payé, plus l'arrondi.",
                f"The amount due ({totals.payable_amount}) should be {expected}: total with "
                "VAT, minus the paid amount, plus rounding.",
            )
        )
    return issues
