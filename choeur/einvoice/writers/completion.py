"""What each syntax cannot leave out, completed with the norm's own formulas before writing.

UBL and CII do not make the same terms mandatory. Where a syntax needs a value that the pivot
does not hold, the writer derives it the way EN 16931 defines it, here, in one place; a group
that holds nothing is left out (no element is ever written empty). Reading the written file
back gives exactly `complete_for(invoice, syntax)`: the round-trip tests check that, so nothing
else may change on the way.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from choeur.einvoice.enums import PaymentMeansCode
from choeur.einvoice.model import (
    Attachment,
    Identifier,
    Invoice,
    InvoiceLine,
    Note,
    Party,
    PaymentInstructions,
    Price,
)
from choeur.einvoice.writers._tree import is_blank


def _price_for_ubl(price: Price) -> Price:
    # cac:Price/cac:AllowanceCharge needs cbc:Amount: a gross price alone gives its discount,
    # BT-147 = BT-148 - BT-146.
    if price.gross_price is not None and price.discount is None:
        return replace(price, discount=price.gross_price - price.net_price)
    return price


def _price_for_cii(price: Price) -> Price:
    # ram:AppliedTradeAllowanceCharge lives in ram:GrossPriceProductTradePrice, whose
    # ram:ChargeAmount is mandatory: a discount alone gives its gross price, BT-148 = BT-146 + BT-147.
    if price.discount is not None and price.gross_price is None:
        return replace(price, gross_price=price.net_price + price.discount)
    return price


def _blank(value: object) -> bool:
    return is_blank(value) or value == b"" or value == []


def _says_nothing(group: Any) -> bool:
    """A group whose every term is absent or blank, or whose content is (an attachment)."""
    if isinstance(group, Attachment):
        return not group.content
    return all(_blank(getattr(group, name)) for name, _ in _fields_of(type(group)))


_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}
# Types that `as_written` never changes (strings aside); enums join on first sight.
_SCALARS: set[type] = {type(None), bool, int, Decimal, date, bytes}
_OPTIONAL: dict[type, frozenset[str]] = {}


def _fields_of(cls: type) -> tuple[tuple[str, bool], ...]:
    """(name, optional) of a pivot dataclass's fields, worked out once per class."""
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple((f.name, f.default is None) for f in fields(cls))
        _OPTIONAL[cls] = frozenset(name for name, optional in found if optional)
    return found


def as_written(obj: Any, *, skip: str = "") -> Any:
    """`obj` (a pivot dataclass) as the writers carry it: a blank optional term is absent, an
    optional group that says nothing is absent, a note without text is no note (no element is
    ever written empty, PEPPOL-EN16931-R008). The same object when nothing changes. `skip`:
    a field left as it is."""
    cls = type(obj)
    optional = _OPTIONAL.get(cls)
    if optional is None:
        _fields_of(cls)
        optional = _OPTIONAL[cls]
    changes: dict[str, object] | None = None
    for name, value in vars(obj).items():
        kind = value.__class__
        if kind in _SCALARS or name == skip:
            continue
        new = value
        if kind is str:
            if not value.strip() and name in optional:
                new = None
        elif kind is list:
            if value and is_dataclass(value[0]):
                items = [as_written(item) for item in value]
                items = [i for i in items if not (isinstance(i, Note) and is_blank(i.text))]
                if len(items) != len(value) or any(
                    a is not b for a, b in zip(items, value, strict=True)
                ):
                    new = items
        elif isinstance(value, Enum):
            _SCALARS.add(kind)
            continue
        elif is_dataclass(value) and not isinstance(value, type):
            new = as_written(value)
            if name in optional and _says_nothing(new):
                new = None
        if new is not value:
            if changes is None:
                changes = {}
            changes[name] = new
    return replace(obj, **changes) if changes else obj


def complete_for(
    invoice: Invoice, syntax: Literal["ubl", "cii"], *, lines_as_written: bool = True
) -> Invoice:
    """The invoice as `syntax` will carry it (the same object when nothing needs completing).

    `lines_as_written=False` (the writers) leaves the lines' blank terms and empty groups as
    they are: the binding tables never write a blank term nor an element without a value, so
    the bytes are the same, and a 1,000-line invoice is not walked term by term twice.
    """
    invoice = as_written(invoice, skip="" if lines_as_written else "lines")
    changes: dict[str, object] = {}
    if syntax == "ubl":
        lines = [_with_price(line, _price_for_ubl(line.price)) for line in invoice.lines]
        if any(a is not b for a, b in zip(lines, invoice.lines, strict=True)):
            changes["lines"] = lines
        if invoice.totals.vat_total_amount is None and invoice.vat_breakdown:
            # cac:TaxTotal/cbc:TaxAmount is mandatory: BT-110 = sum of BT-117 (BR-CO-14).
            total = sum((row.tax_amount for row in invoice.vat_breakdown), Decimal("0.00"))
            changes["totals"] = replace(invoice.totals, vat_total_amount=total)
        if invoice.is_credit_note and invoice.due_date and invoice.payment_instructions is None:
            # A UBL 2.1 credit note has no cbc:DueDate: BT-9 is cac:PaymentMeans/
            # cbc:PaymentDueDate (CEN/TS 16931-3-2; cac:PaymentTerms draws UBL-CR-463), whose
            # BT-81 is mandatory: "1", instrument not defined, as "NA" below.
            changes["payment_instructions"] = PaymentInstructions(
                means_code=PaymentMeansCode.INSTRUMENT_NOT_DEFINED
            )
        if invoice.sales_order_reference and not invoice.purchase_order_reference:
            # cac:OrderReference/cbc:ID is mandatory: "NA" when only BT-14 is known (CEN, Peppol).
            changes["purchase_order_reference"] = "NA"
    else:
        lines = [_with_price(line, _price_for_cii(line.price)) for line in invoice.lines]
        if any(a is not b for a, b in zip(lines, invoice.lines, strict=True)):
            changes["lines"] = lines
        if not invoice.vat_breakdown and (
            invoice.tax_point_date is not None or invoice.tax_point_date_code is not None
        ):
            # BT-7 and BT-8 are attributes of the ram:ApplicableTradeTax rows in CII.
            changes["tax_point_date"] = None
            changes["tax_point_date_code"] = None
    return replace(invoice, **changes) if changes else invoice  # type: ignore[arg-type]


def _with_price(line: InvoiceLine, price: Price) -> InvoiceLine:
    return line if price is line.price else replace(line, price=price)


# --- The reform's French rules (BR-FR, XP Z12-012), for the invoices the platform makes --------

# BR-FR-05: the three legal mentions every invoice carries as notes (BT-21 / BT-22), in the
# words of the public buyers' payment rules (the platform's buyers are public structures).
REFORM_MENTIONS = (
    Note(
        subject_code="PMT",
        text="Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.",
    ),
    Note(
        subject_code="PMD",
        text="En cas de retard de paiement, intérêts moratoires au taux de la Banque centrale "
        "européenne majoré de huit points.",
    ),
    Note(subject_code="AAB", text="Pas d'escompte pour paiement anticipé."),
)
_SIRET = re.compile(r"^[0-9]{14}$")
_SIREN = re.compile(r"^[0-9]{9}$")
# Chorus Pro's cadre -> the case digit of the reform's (BR-FR-08), where the official material
# gives one (validation.pipeline.REFORM_CADRES says why only these two).
_REFORM_CASE = {"A1": "1", "A2": "2"}
_REFORM_CODES = frozenset(
    [
        "B1",
        "S1",
        "M1",
        "B2",
        "S2",
        "M2",
        "S3",
        "B4",
        "S4",
        "M4",
        "S5",
        "S6",
        "B7",
        "S7",
        "B8",
        "S8",
        "M8",
        "B9",
        "S9",
        "M9",
    ]
)  # BR-FR-08's list


def is_reform_seller(party: Party) -> bool:
    """A seller the French rules address: established in France (BT-40 FR) with a French VAT
    identifier (BT-31), as `validation.pipeline.seller_is_french_vat_registered` reads it."""
    country = (party.address.country_code if party.address else None) or ""
    vat = (party.vat_id or "").upper().replace(" ", "")
    return country.upper() == "FR" and vat.startswith("FR") and len(vat) > 2


def _siret_of(party: Party) -> str | None:
    candidates = [party.legal_registration_id, *party.identifiers]
    for identifier in candidates:
        if identifier is not None and _SIRET.match(identifier.value.strip()):
            return identifier.value.strip()
    return None


def _reform_seller(party: Party) -> Party:
    # BR-FR-10: BT-30 is the SIREN, scheme 0002; the SIRET goes to BT-29 (scheme 0009,
    # BR-FR-09 checks they agree); BR-FR-13: BT-34, the SIRET (else the SIREN) as address.
    siret = _siret_of(party)
    legal = party.legal_registration_id
    changes: dict[str, object] = {}
    if siret is not None and not (legal and legal.scheme == "0002" and _SIREN.match(legal.value)):
        changes["legal_registration_id"] = Identifier(siret[:9], "0002")
        if all(i.value.strip() != siret for i in party.identifiers):
            changes["identifiers"] = [*party.identifiers, Identifier(siret, "0009")]
    if party.electronic_address is None:
        if siret is not None:
            changes["electronic_address"] = Identifier(siret, "0009")
        elif legal is not None and _SIREN.match(legal.value.strip()):
            changes["electronic_address"] = Identifier(legal.value.strip(), "0002")
    return replace(party, **changes) if changes else party  # type: ignore[arg-type]


def _reform_buyer(party: Party) -> Party:
    # BR-FR-12: BT-49, the buyer's SIRET as its electronic address (scheme 0009).
    siret = _siret_of(party)
    if party.electronic_address is None and siret is not None:
        return replace(party, electronic_address=Identifier(siret, "0009"))
    return party


def reform_cadre(code: str | None, nature: str) -> str | None:
    """BT-23 as the reform writes it: Chorus Pro's A1 (or none) and A2 become the reform's
    case of the operations' `nature` (B goods, S services, M both); any other code is kept."""
    wanted = (code or "").strip().upper().split("_", 1)[0]
    if wanted in _REFORM_CODES:
        return wanted
    if not wanted:
        wanted = "A1"
    case = _REFORM_CASE.get(wanted)
    if case is None or nature not in ("B", "S", "M"):
        return code
    return nature + case


def for_the_reform(invoice: Invoice, *, nature: str) -> Invoice:
    """An invoice the platform makes, with what the reform's French rules (BR-FR) ask and the
    platform knows: the seller's SIREN (BT-30, scheme 0002) and SIRET (BT-29), both parties'
    electronic addresses (BT-34, BT-49), the three legal mentions when the invoice has none of
    that subject (BR-FR-05: PMT, PMD, AAB) and BT-23 as the reform codes it (`reform_cadre`).
    The same object for an invoice the French rules do not address (`is_reform_seller`).
    What it cannot know (BT-26, the date of the invoice a credit note corrects; BT-6 and BT-111
    of an invoice in another currency than the euro) its maker must give."""
    if not is_reform_seller(invoice.seller):
        return invoice
    subjects = {(n.subject_code or "").upper() for n in invoice.notes}
    missing = [n for n in REFORM_MENTIONS if n.subject_code not in subjects]
    cadre = reform_cadre(invoice.process_control.business_process_type, nature)
    process = invoice.process_control
    if cadre != process.business_process_type:
        process = replace(process, business_process_type=cadre)
    totals = invoice.totals
    if cadre in ("B2", "S2", "M2") and totals.payable_amount != 0:
        # BR-FR-CO-09: an invoice already paid (Chorus Pro's A2) says it is: BT-113 = BT-112,
        # nothing left to pay (BT-115 = 0, as BR-CO-16 computes it).
        totals = replace(
            totals,
            prepaid_amount=totals.tax_inclusive_amount,
            payable_amount=Decimal("0.00") + (totals.rounding_amount or 0),
        )
    return replace(
        invoice,
        seller=_reform_seller(invoice.seller),
        buyer=_reform_buyer(invoice.buyer),
        notes=[*invoice.notes, *(replace(n) for n in missing)],
        process_control=process,
        totals=totals,
    )
