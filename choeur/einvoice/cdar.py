"""The reform's lifecycle message, UN/CEFACT CDAR D22B (« CDV », XP Z12-012): write and read.

Pure (lxml, no Django). The fields are those of XP Z12-012 annexe B (its example « 212
Encaissée »), commented with their MDT/MDG ids, under the rules BR-FR-CDV-01..16 and
BR-FR-CDV-CL-01..11 of the FNFE schematron 1.4.0. One message carries one status of one
invoice (MDT-74 false). Status codes and reasons are strings here; their lists live in
`choeur.lifecycle.reform_codes`.

`write_cdar(message) -> bytes`; `read_cdar(data) -> CdarMessage` parses with the hardened
parser of `security` and raises `ReadError` (or `UnsafeInput`) saying in French what is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from choeur.einvoice.errors import ReadError
from choeur.einvoice.security import parse_xml

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

# MDT-3: between platforms (and toward the companies); the PPF's own profile is not used here.
GUIDELINE_INVOICE = "urn.cpro.gouv.fr:1p0:CDV:invoice"
# MDT-2: an invoice of the e-invoicing (BR-FR-CDV-CL-01).
PROCESS_REGULATED = "REGULATED"
SCHEME_SIREN = "0002"
SCHEME_SIRET = "0009"
SCHEME_PLATFORM = "0238"  # a platform's number in the directory (Chorus Pro: 9999)
SCHEME_ELECTRONIC_ADDRESS = "0225"
# UN/CEFACT date-time formats: 204 = CCYYMMDDHHMMSS, 102 = CCYYMMDD.
FORMAT_DATETIME = "204"
FORMAT_DATE = "102"
PLATFORM_ROLE = "WK"  # a platform, anonymous between platforms
ROLE_SELLER = "SE"
ROLE_BUYER = "BY"


@dataclass(frozen=True)
class CdarParty:
    """A party of the message: who set the status, who sends it, who receives it."""

    role: str  # MDT-21 / MDT-40 / MDT-59 (UNCL 3035: SE, BY, WK, DFH...)
    global_id: str = ""  # MDT-38 / MDT-57 (SIREN, SIRET or a platform number)
    scheme: str = ""  # its schemeID (0002 SIREN, 0009 SIRET, 0238 platform)
    name: str = ""  # MDT-39 / MDT-58
    # MDT-73: the electronic address, required for a recipient that is not WK or DFH
    # (BR-FR-CDV-08).
    address: str = ""
    address_scheme: str = SCHEME_ELECTRONIC_ADDRESS


@dataclass(frozen=True)
class CdarAmount:
    """MDG-43 « données à reporter »: MEN (amount received, with its VAT rate) and the like."""

    type_code: str  # MDT-207 (BR-FR-CDV-CL-11)
    amount: Decimal  # MDT-215
    currency: str = "EUR"
    vat_rate: Decimal | None = None  # MDT-224


@dataclass(frozen=True)
class CdarMessage:
    """One lifecycle status of one invoice."""

    message_id: str  # MDT-4
    created_at: dt.datetime  # MDT-8: when this message was made
    sender: CdarParty  # MDG-9
    issuer: CdarParty  # MDT-38..40: who set the status
    recipients: tuple[CdarParty, ...]  # MDT-57..73
    phase: str  # MDT-77: "305" transmission, "23" processing
    status_at: dt.datetime  # MDT-78: when the status was set
    invoice_number: str  # MDT-87 = BT-1
    invoice_issue_date: dt.date  # MDT-100 = BT-2
    seller_id: str  # MDT-129 = BT-30, the seller's SIREN (or another legal id)
    status_code: str  # MDT-105
    invoice_type_code: str = "380"  # MDT-91 = BT-3
    seller_scheme: str = SCHEME_SIREN
    status_label: str = ""  # MDT-106
    invoice_received_at: dt.datetime | None = None  # MDT-95
    buyer: CdarParty | None = None  # MDT-158: the invoice's buyer
    reason_code: str = ""  # MDT-113
    reason_text: str = ""  # free text beside the reason
    action_code: str = ""  # MDT-121
    amounts: tuple[CdarAmount, ...] = field(default=())
    name: str = ""  # MDT-5
    process: str = PROCESS_REGULATED  # MDT-2
    guideline: str = GUIDELINE_INVOICE  # MDT-3


def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _datetime(parent: etree._Element, tag: str, value: dt.datetime) -> None:
    holder = _sub(parent, RAM, tag)
    _sub(holder, UDT, "DateTimeString", value.strftime("%Y%m%d%H%M%S")).set(
        "format", FORMAT_DATETIME
    )


def _party(parent: etree._Element, tag: str, party: CdarParty) -> None:
    element = _sub(parent, RAM, tag)
    if party.global_id:
        gid = _sub(element, RAM, "GlobalID", party.global_id)
        if party.scheme:
            gid.set("schemeID", party.scheme)
    if party.name:
        _sub(element, RAM, "Name", party.name)
    _sub(element, RAM, "RoleCode", party.role)
    if party.address:
        communication = _sub(element, RAM, "URIUniversalCommunication")
        _sub(communication, RAM, "URIID", party.address).set("schemeID", party.address_scheme)


def _decimal(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def write_cdar(message: CdarMessage) -> bytes:
    """The CDAR D22B XML of `message`, UTF-8, in the XSD's element order."""
    root = etree.Element(f"{{{RSM}}}CrossDomainAcknowledgementAndResponse", nsmap=NSMAP)
    context = _sub(root, RSM, "ExchangedDocumentContext")
    _sub(
        _sub(context, RAM, "BusinessProcessSpecifiedDocumentContextParameter"), RAM, "ID"
    ).text = message.process
    _sub(
        _sub(context, RAM, "GuidelineSpecifiedDocumentContextParameter"), RAM, "ID"
    ).text = message.guideline

    header = _sub(root, RSM, "ExchangedDocument")
    _sub(header, RAM, "ID", message.message_id)
    if message.name:
        _sub(header, RAM, "Name", message.name)
    _datetime(header, "IssueDateTime", message.created_at)
    _party(header, "SenderTradeParty", message.sender)
    _party(header, "IssuerTradeParty", message.issuer)
    for recipient in message.recipients:
        _party(header, "RecipientTradeParty", recipient)

    acknowledgement = _sub(root, RSM, "AcknowledgementDocument")
    _sub(_sub(acknowledgement, RAM, "MultipleReferencesIndicator"), UDT, "Indicator", "false")
    _sub(acknowledgement, RAM, "TypeCode", message.phase)
    _datetime(acknowledgement, "IssueDateTime", message.status_at)

    document = _sub(acknowledgement, RAM, "ReferenceReferencedDocument")
    _sub(document, RAM, "IssuerAssignedID", message.invoice_number)
    _sub(document, RAM, "TypeCode", message.invoice_type_code)
    if message.invoice_received_at is not None:
        _datetime(document, "ReceiptDateTime", message.invoice_received_at)
    formatted = _sub(document, RAM, "FormattedIssueDateTime")
    _sub(formatted, QDT, "DateTimeString", message.invoice_issue_date.strftime("%Y%m%d")).set(
        "format", FORMAT_DATE
    )
    _sub(document, RAM, "ProcessConditionCode", message.status_code)
    if message.status_label:
        _sub(document, RAM, "ProcessCondition", message.status_label)
    issuer = _sub(document, RAM, "IssuerTradeParty")
    _sub(issuer, RAM, "GlobalID", message.seller_id).set("schemeID", message.seller_scheme)
    _sub(issuer, RAM, "RoleCode", ROLE_SELLER)  # BR-FR-CDV-CL-07
    if message.buyer is not None:
        _party(document, "RecipientTradeParty", message.buyer)
    if message.reason_code or message.reason_text or message.action_code or message.amounts:
        status = _sub(document, RAM, "SpecifiedDocumentStatus")
        if message.reason_code:
            _sub(status, RAM, "ReasonCode", message.reason_code)
        if message.reason_text:
            _sub(status, RAM, "Reason", message.reason_text)
        if message.action_code:
            _sub(status, RAM, "RequestedActionCode", message.action_code)
        _sub(status, RAM, "SequenceNumeric", "1")  # MDT-124-2, required (BR-FR-CDV-16)
        for amount in message.amounts:
            characteristic = _sub(status, RAM, "SpecifiedDocumentCharacteristic")
            _sub(characteristic, RAM, "TypeCode", amount.type_code)
            _sub(characteristic, RAM, "ValueAmount", _decimal(amount.amount)).set(
                "currencyID", amount.currency
            )
            if amount.vat_rate is not None:
                _sub(characteristic, RAM, "ValuePercent", _decimal(amount.vat_rate))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# --- Reading -------------------------------------------------------------------------------


def _xpath(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=NSMAP, smart_strings=False)


def _s(path: etree.XPath, element: etree._Element) -> str:
    """A string() XPath's value."""
    return str(path(element))


def _n(path: etree.XPath, element: etree._Element) -> list[etree._Element]:
    """The elements a path selects."""
    result = path(element)
    return (
        [item for item in result if isinstance(item, etree._Element)]
        if isinstance(result, list)
        else []
    )


_ROOT = f"{{{RSM}}}CrossDomainAcknowledgementAndResponse"
_X_PROCESS = _xpath(
    "string(rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID)"
)
_X_GUIDELINE = _xpath(
    "string(rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID)"
)
_X_HEADER = _xpath("rsm:ExchangedDocument")
_X_ACKS = _xpath("rsm:AcknowledgementDocument")
_X_DOCS = _xpath("ram:ReferenceReferencedDocument")
_X_ID = _xpath("string(ram:ID)")
_X_NAME = _xpath("string(ram:Name)")
_X_ISSUE_DT = _xpath("string(ram:IssueDateTime/udt:DateTimeString)")
_X_SENDER = _xpath("ram:SenderTradeParty")
_X_ISSUER = _xpath("ram:IssuerTradeParty")
_X_RECIPIENTS = _xpath("ram:RecipientTradeParty")
_X_TYPE = _xpath("string(ram:TypeCode)")
_X_PARTY_ID = _xpath("ram:GlobalID")
_X_ROLE = _xpath("string(ram:RoleCode)")
_X_URI = _xpath("ram:URIUniversalCommunication/ram:URIID")
_X_NUMBER = _xpath("string(ram:IssuerAssignedID)")
_X_RECEIPT = _xpath("string(ram:ReceiptDateTime/udt:DateTimeString)")
_X_INVOICE_DATE = _xpath("string(ram:FormattedIssueDateTime/qdt:DateTimeString)")
_X_CODE = _xpath("string(ram:ProcessConditionCode)")
_X_LABEL = _xpath("string(ram:ProcessCondition)")
_X_STATUS = _xpath("ram:SpecifiedDocumentStatus")
_X_REASON_CODE = _xpath("string(ram:ReasonCode)")
_X_REASON = _xpath("string(ram:Reason)")
_X_ACTION = _xpath("string(ram:RequestedActionCode)")
_X_CHARACTERISTICS = _xpath("ram:SpecifiedDocumentCharacteristic")
_X_AMOUNT = _xpath("ram:ValueAmount")
_X_PERCENT = _xpath("string(ram:ValuePercent)")


def _refuse(message_fr: str, message_en: str) -> ReadError:
    return ReadError(
        f"Message CDAR illisible : {message_fr}", f"Unreadable CDAR message: {message_en}"
    )


_DATETIME_PATTERNS = {14: "%Y%m%d%H%M%S", 12: "%Y%m%d%H%M", 8: "%Y%m%d"}


def _parse_datetime(value: str, what: str) -> dt.datetime:
    value = value.strip()
    # By length: strptime alone would read « 20261130 » as 2026-01-01 03:00 under format 204.
    pattern = _DATETIME_PATTERNS.get(len(value))
    if pattern is not None and value.isdigit():
        try:
            return dt.datetime.strptime(value, pattern)  # noqa: DTZ007 - format 204 has no zone
        except ValueError:
            pass
    raise _refuse(f"{what} « {value} » n'est pas une date-heure (format 204).", f"bad {what}")


def _read_party(element: etree._Element) -> CdarParty:
    ids = _n(_X_PARTY_ID, element)
    uris = _n(_X_URI, element)
    first = ids[0] if ids else None
    uri = uris[0] if uris else None
    return CdarParty(
        role=_s(_X_ROLE, element).strip(),
        global_id=(first.text or "").strip() if first is not None else "",
        scheme=(first.get("schemeID") or "") if first is not None else "",
        name=_s(_X_NAME, element).strip(),
        address=(uri.text or "").strip() if uri is not None else "",
        address_scheme=(uri.get("schemeID") or "") if uri is not None else "",
    )


def _read_amounts(status: etree._Element | None) -> tuple[CdarAmount, ...]:
    if status is None:
        return ()
    found = []
    for characteristic in _n(_X_CHARACTERISTICS, status):
        amounts = _n(_X_AMOUNT, characteristic)
        if not amounts:
            continue
        percent = _s(_X_PERCENT, characteristic).strip()
        try:
            found.append(
                CdarAmount(
                    type_code=_s(_X_TYPE, characteristic).strip(),
                    amount=Decimal((amounts[0].text or "").strip()),
                    currency=amounts[0].get("currencyID") or "EUR",
                    vat_rate=Decimal(percent) if percent else None,
                )
            )
        except InvalidOperation as exc:
            raise _refuse("un montant (MDT-215) n'est pas un nombre.", "bad amount") from exc
    return tuple(found)


def read_cdar(data: bytes) -> CdarMessage:
    """The message of a received CDAR, or ReadError/UnsafeInput saying what is wrong."""
    root = parse_xml(data)
    if root.tag != _ROOT:
        raise _refuse(
            "l'élément racine n'est pas CrossDomainAcknowledgementAndResponse (D22B).",
            "the root element is not CrossDomainAcknowledgementAndResponse",
        )
    headers = _n(_X_HEADER, root)
    acks = _n(_X_ACKS, root)
    if len(headers) != 1 or len(acks) != 1:
        raise _refuse(
            "il faut un ExchangedDocument et un seul AcknowledgementDocument.",
            "one ExchangedDocument and one AcknowledgementDocument are expected",
        )
    header, ack = headers[0], acks[0]
    documents = _n(_X_DOCS, ack)
    if len(documents) != 1:
        raise _refuse(
            "le message doit porter sur une seule facture (ReferenceReferencedDocument).",
            "the message must reference exactly one invoice",
        )
    document = documents[0]
    senders, issuers = _n(_X_SENDER, header), _n(_X_ISSUER, header)
    if not senders:
        raise _refuse("l'émetteur du message (MDG-9) manque.", "MDG-9 is missing")
    number = _s(_X_NUMBER, document).strip()
    if not number:
        raise _refuse("le numéro de la facture (MDT-87) manque.", "MDT-87 is missing")
    code = _s(_X_CODE, document).strip()
    if not code:
        raise _refuse("le code du statut (MDT-105) manque.", "MDT-105 is missing")
    invoice_date = _s(_X_INVOICE_DATE, document).strip()
    if not invoice_date:
        raise _refuse("la date de la facture (MDT-100) manque.", "MDT-100 is missing")
    seller_ids = _n(_X_PARTY_ID, _n(_X_ISSUER, document)[0]) if _n(_X_ISSUER, document) else []
    if not seller_ids or not (seller_ids[0].text or "").strip():
        raise _refuse("l'identifiant du vendeur (MDT-129) manque.", "MDT-129 is missing")
    issue_dt = _s(_X_ISSUE_DT, header)
    status_dt = _s(_X_ISSUE_DT, ack)
    received = _s(_X_RECEIPT, document)
    statuses = _n(_X_STATUS, document)
    status = statuses[0] if statuses else None
    buyers = _n(_X_RECIPIENTS, document)
    return CdarMessage(
        message_id=_s(_X_ID, header).strip(),
        name=_s(_X_NAME, header).strip(),
        created_at=_parse_datetime(issue_dt, "MDT-8")
        if issue_dt
        else _parse_datetime(status_dt, "MDT-78"),
        sender=_read_party(senders[0]),
        issuer=_read_party(issuers[0]) if issuers else _read_party(senders[0]),
        recipients=tuple(_read_party(r) for r in _n(_X_RECIPIENTS, header)),
        phase=_s(_X_TYPE, ack).strip(),
        status_at=_parse_datetime(status_dt, "MDT-78")
        if status_dt
        else _parse_datetime(issue_dt, "MDT-8"),
        invoice_number=number,
        invoice_issue_date=_parse_datetime(invoice_date, "MDT-100").date(),
        seller_id=(seller_ids[0].text or "").strip(),
        seller_scheme=seller_ids[0].get("schemeID") or "",
        status_code=code,
        invoice_type_code=_s(_X_TYPE, document).strip() or "380",
        status_label=_s(_X_LABEL, document).strip(),
        invoice_received_at=_parse_datetime(received, "MDT-95") if received else None,
        buyer=_read_party(buyers[0]) if buyers else None,
        reason_code=_s(_X_REASON_CODE, status).strip() if status is not None else "",
        reason_text=_s(_X_REASON, status).strip() if status is not None else "",
        action_code=_s(_X_ACTION, status).strip() if status is not None else "",
        amounts=_read_amounts(status),
        process=_s(_X_PROCESS, root).strip(),
        guideline=_s(_X_GUIDELINE, root).strip(),
    )
