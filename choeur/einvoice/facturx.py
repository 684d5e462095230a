"""A readable PDF of any invoice, and the Factur-X PDF/A-3b that embeds its CII.

    render_pdf(invoice) -> bytes                  # a printable invoice for people (WeasyPrint)
    write_facturx(invoice, pdf=None) -> bytes     # PDF/A-3b + factur-x.xml (EN 16931 profile)

The layout is `templates/invoice.html` and `templates/invoice.css`, filled here with escaped
values; labels are French, numbers and dates are written the French way in pure Python
(« 1 234,56 € », 14/03/2025), whatever the process locale.
"""

from __future__ import annotations

import html
import logging
import warnings
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from string import Template

from choeur.einvoice.enums import InvoiceTypeCode, VatCategory
from choeur.einvoice.errors import WriteError
from choeur.einvoice.model import (
    GUIDELINE_EN16931,
    Address,
    Identifier,
    Invoice,
    InvoiceLine,
    Party,
    Period,
)

__all__ = ["format_amount", "format_date", "format_number", "render_pdf", "write_facturx"]

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: the French thousands separator
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "XPF": "F CFP"}

DOCUMENT_LABELS = {
    "380": "Facture",
    "381": "Avoir",
    "384": "Facture rectificative",
    "386": "Facture d'acompte",
    "389": "Autofacture",
    "261": "Autofacture d'avoir",
    "393": "Facture affacturée",
    "396": "Avoir affacturé",
    "751": "Facture (information comptable)",
}
VAT_LABELS = {
    "S": "Taux normal",
    "Z": "Taux zéro",
    "E": "Exonéré",
    "AE": "Autoliquidation",
    "K": "Livraison intracommunautaire",
    "G": "Exportation hors UE",
    "O": "Hors champ de la TVA",
    "L": "IGIC (Canaries)",
    "M": "IPSI (Ceuta et Melilla)",
}
MEANS_LABELS = {
    "1": "Non défini",
    "10": "Espèces",
    "20": "Chèque",
    "30": "Virement",
    "31": "Virement",
    "42": "Virement sur compte bancaire",
    "48": "Carte bancaire",
    "49": "Prélèvement",
    "57": "Accord permanent",
    "58": "Virement SEPA",
    "59": "Prélèvement SEPA",
    "97": "Compensation",
    "ZZZ": "Convenu entre les parties",
}
UNIT_LABELS = {
    "C62": "unité",
    "H87": "pièce",
    "EA": "unité",
    "HUR": "heure",
    "DAY": "jour",
    "MON": "mois",
    "ANN": "an",
    "WEE": "semaine",
    "MIN": "minute",
    "KGM": "kg",
    "GRM": "g",
    "TNE": "tonne",
    "MTR": "m",
    "KMT": "km",
    "MTK": "m²",
    "MTQ": "m³",
    "LTR": "litre",
    "KWH": "kWh",
    "SET": "lot",
    "LS": "forfait",
    "XPP": "pièce",
}
SCHEME_LABELS = {"0009": "SIRET", "0002": "SIREN", "0088": "GLN", "0060": "DUNS", "0225": "FRCTC"}

LEGAL_LATE_PAYMENT = (
    "En cas de retard de paiement, des pénalités de retard sont exigibles au taux d'intérêt "
    "appliqué par la Banque centrale européenne à son opération de refinancement la plus récente "
    "majoré de 10 points, ainsi qu'une indemnité forfaitaire de 40 € pour frais de recouvrement "
    "(articles L. 441-10 et D. 441-5 du code de commerce)."
)
LEGAL_PUBLIC_LATE_PAYMENT = (
    "Acheteur public : en cas de retard de paiement, intérêts moratoires et indemnité "
    "forfaitaire de 40 € pour frais de recouvrement (articles L. 2192-13 et R. 2192-31 à "
    "R. 2192-36 du code de la commande publique)."
)
LEGAL_NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."

logger = logging.getLogger(__name__)


# --- French formatting, in pure Python -----------------------------------------------------------


def format_number(value: Decimal, *, decimals: int | None = 2) -> str:
    """1234.5 -> « 1 234,50 » (narrow no-break space, decimal comma); decimals=None keeps them."""
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    else:
        value = value.normalize()  # 2.500 -> 2.5; format "f" below never shows an exponent
    text = format(abs(value), "f")
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = NNBSP.join(groups)
    if fraction:
        out += "," + fraction
    return ("-" + out) if value < 0 else out


def format_amount(value: Decimal, currency: str = "EUR") -> str:
    """Decimal('1234.56') -> « 1 234,56 € »; other currencies keep their code (« 1 234,56 USD »)."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{format_number(value)}{NBSP}{symbol}"


def format_rate(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{format_number(value, decimals=None)}{NBSP}%"


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def format_iban(value: str) -> str:
    compact = value.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


# --- the HTML --------------------------------------------------------------------------------------


def document_label(type_code: InvoiceTypeCode) -> str:
    if type_code.value in DOCUMENT_LABELS:
        return DOCUMENT_LABELS[type_code.value]
    return "Avoir" if type_code.is_credit_note else "Facture"


def _identifier_label(ident: Identifier | None, default: str) -> tuple[str, str] | None:
    if ident is None:
        return None
    return SCHEME_LABELS.get(ident.scheme or "", default), ident.value


def _address_html(address: Address | None) -> str:
    if address is None:
        return ""
    city = " ".join(part for part in (address.post_code, address.city) if part)
    lines = [address.line1, address.line2, address.line3, city, address.country_subdivision]
    if address.country_code and address.country_code != "FR":
        lines.append(address.country_code)
    return "<br>".join(_e(line) for line in lines if line)


def _dl(items: list[tuple[str, str | None]], css: str = "") -> str:
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items if v)
    return f'<dl class="{css}">{rows}</dl>' if rows else ""


def _party_html(party: Party, *, seller: bool, invoice: Invoice) -> str:
    items: list[tuple[str, str | None]] = []
    legal = _identifier_label(party.legal_registration_id, "Immatriculation")
    if legal is not None:
        items.append(legal)
    for ident in party.identifiers:
        label = SCHEME_LABELS.get(ident.scheme or "", "Identifiant")
        if (label, ident.value) not in items:
            items.append((label, ident.value))
    items.append(("N° TVA", party.vat_id))
    if seller:
        items.append(("N° fiscal", party.tax_registration_id))
    else:
        items.append(("Code service", invoice.buyer_reference))
        items.append(("N° d'engagement", invoice.purchase_order_reference))
    if party.contact is not None:
        items.append(("Contact", party.contact.name))
        items.append(("Téléphone", party.contact.telephone))
        items.append(("Courriel", party.contact.email))
    name = f'<div class="name">{_e(party.name)}</div>'
    trading = f"<div>{_e(party.trading_name)}</div>" if party.trading_name else ""
    extra = (
        f'<div class="detail">{_e(party.additional_legal_info)}</div>'
        if seller and party.additional_legal_info
        else ""
    )
    return name + trading + f"<div>{_address_html(party.address)}</div>" + _dl(items) + extra


def _period_text(period: Period | None) -> str:
    if period is None:
        return ""
    if period.start and period.end:
        return f"du {format_date(period.start)} au {format_date(period.end)}"
    if period.start:
        return f"à partir du {format_date(period.start)}"
    return f"jusqu'au {format_date(period.end)}"


def _line_html(line: InvoiceLine, currency: str) -> str:
    details = []
    if line.item.description:
        details.append(_e(line.item.description))
    if line.item.seller_id:
        details.append(f"Réf. {_e(line.item.seller_id)}")
    if line.period is not None:
        details.append(f"Période {_e(_period_text(line.period))}")
    if line.note:
        details.append(_e(line.note))
    for ac in line.allowances_charges:
        label = "Charge" if ac.is_charge else "Remise"
        reason = f" ({_e(ac.reason)})" if ac.reason else ""
        details.append(f"{label}{reason} : {_e(format_amount(ac.amount, currency))}")
    for attribute in line.item.attributes:
        details.append(f"{_e(attribute.name)} : {_e(attribute.value)}")
    detail = f'<div class="detail">{"<br>".join(details)}</div>' if details else ""
    price = line.price.net_price
    price_text = format_amount(price, currency)
    if line.price.base_quantity not in (None, Decimal(1)):
        assert line.price.base_quantity is not None
        price_text += f" / {format_number(line.price.base_quantity, decimals=None)}"
    vat = (
        format_rate(line.vat_rate)
        if line.vat_category == VatCategory.STANDARD
        else line.vat_category.value
    )
    return (
        "<tr>"
        f'<td class="num">{_e(line.id)}</td>'
        f"<td>{_e(line.item.name)}{detail}</td>"
        f'<td class="qty">{_e(format_number(line.quantity, decimals=None))}</td>'
        f'<td class="unit">{_e(UNIT_LABELS.get(line.unit_code, line.unit_code))}</td>'
        f'<td class="money">{_e(price_text)}</td>'
        f'<td class="rate">{_e(vat or "")}</td>'
        f'<td class="money">{_e(format_amount(line.net_amount, currency))}</td>'
        "</tr>"
    )


def _references_html(invoice: Invoice) -> str:
    items: list[tuple[str, str | None]] = [
        ("Marché / contrat", invoice.contract_reference),
        ("Projet", invoice.project_reference),
        ("Commande vendeur", invoice.sales_order_reference),
        ("Bon de livraison", invoice.despatch_advice_reference),
        ("Bon de réception", invoice.receiving_advice_reference),
        ("Appel d'offres / lot", invoice.tender_or_lot_reference),
        ("Référence comptable", invoice.buyer_accounting_reference),
        ("Cadre de facturation", invoice.process_control.business_process_type),
    ]
    for preceding in invoice.preceding_invoices:
        dated = f" du {format_date(preceding.issue_date)}" if preceding.issue_date else ""
        items.append(("Facture d'origine", f"{preceding.number}{dated}"))
    if invoice.delivery is not None:
        items.append(("Livraison le", format_date(invoice.delivery.actual_delivery_date) or None))
        items.append(("Livré à", invoice.delivery.party_name))
    for doc in invoice.additional_documents:
        label = doc.description or (doc.attachment.filename if doc.attachment else None) or ""
        items.append(("Pièce jointe", f"{doc.reference} {label}".strip()))
    body = _dl(items)
    return f'<section class="refs"><h2>Références</h2>{body}</section>' if body else ""


def _allowances_html(invoice: Invoice) -> str:
    if not invoice.allowances_charges:
        return ""
    cur = invoice.currency_code
    rows = []
    for ac in invoice.allowances_charges:
        label = "Charge" if ac.is_charge else "Remise"
        reason = ac.reason or ac.reason_code or ""
        vat = format_rate(ac.vat_rate) if ac.vat_rate is not None else ""
        rows.append(
            f'<tr><td>{label}</td><td>{_e(reason)}</td><td class="rate">{_e(vat)}</td>'
            f'<td class="money">{_e(format_amount(ac.amount, cur))}</td></tr>'
        )
    return (
        '<section class="allowances"><h2>Remises et charges</h2><table>'
        '<tr><th>Type</th><th>Motif</th><th class="rate">TVA</th><th class="money">Montant HT</th></tr>'
        + "".join(rows)
        + "</table></section>"
    )


def _vat_rows(invoice: Invoice) -> str:
    cur = invoice.currency_code
    rows = []
    for row in invoice.vat_breakdown:
        label = VAT_LABELS.get(row.category.value, row.category.value)
        reason = row.exemption_reason or row.exemption_reason_code
        if reason:
            label += f' <div class="detail">{_e(reason)}</div>'
        rows.append(
            f'<tr><td>{label}</td><td class="rate">{_e(format_rate(row.rate))}</td>'
            f'<td class="money">{_e(format_amount(row.taxable_amount, cur))}</td>'
            f'<td class="money">{_e(format_amount(row.tax_amount, cur))}</td></tr>'
        )
    return "".join(rows) or '<tr><td colspan="4">—</td></tr>'


def _total_rows(invoice: Invoice) -> str:
    t = invoice.totals
    cur = invoice.currency_code
    rows: list[tuple[str, Decimal | None, str]] = [
        ("Total des lignes HT", t.line_total_amount, ""),
        ("Remises", t.allowance_total_amount, ""),
        ("Charges", t.charge_total_amount, ""),
        ("Total HT", t.tax_exclusive_amount, "grand"),
        ("Total TVA", t.vat_total_amount, ""),
        ("Total TTC", t.tax_inclusive_amount, "grand"),
        ("Déjà payé", t.prepaid_amount, ""),
        ("Arrondi", t.rounding_amount, ""),
        ("Net à payer", t.payable_amount, "payable"),
    ]
    out = [
        f'<tr class="{css}"><th>{_e(label)}</th><td>{_e(format_amount(value, cur))}</td></tr>'
        for label, value, css in rows
        if value is not None
    ]
    if t.vat_total_amount_accounting is not None and invoice.vat_currency_code:
        out.insert(
            5,
            f"<tr><th>TVA en {_e(invoice.vat_currency_code)}</th>"
            f"<td>{_e(format_amount(t.vat_total_amount_accounting, invoice.vat_currency_code))}</td></tr>",
        )
    return "".join(out)


def _payment_html(invoice: Invoice) -> str:
    pi = invoice.payment_instructions
    items: list[tuple[str, str | None]] = [("Échéance", format_date(invoice.due_date) or None)]
    if pi is not None:
        means = MEANS_LABELS.get(pi.means_code.value, pi.means_code.value)
        items.append(("Moyen de paiement", pi.means_text or means))
        items.append(("Référence à rappeler", pi.remittance_information))
        for transfer in pi.credit_transfers:
            items.append(("Titulaire du compte", transfer.account_name))
            items.append(("IBAN", format_iban(transfer.account_id)))
            items.append(("BIC", transfer.service_provider_id))
        if pi.card is not None:
            items.append(("Carte", pi.card.primary_account_number))
        if pi.direct_debit is not None:
            items.append(("Mandat de prélèvement", pi.direct_debit.mandate_reference))
            items.append(("ICS", pi.direct_debit.creditor_id))
            items.append(("Compte débité", pi.direct_debit.debited_account_id))
    if invoice.payee is not None:
        items.append(("Bénéficiaire du paiement", invoice.payee.name))
    items.append(("Conditions de paiement", invoice.payment_terms))
    body = _dl(items)
    return f'<section class="payment"><h2>Paiement</h2>{body}</section>' if body else ""


# Notes with these subject codes (UNTDID 4451) are payment mentions, shown with the legal ones.
MENTION_CODES = {"PMD", "PMT", "AAB"}


def _notes_html(invoice: Invoice) -> str:
    notes = [n for n in invoice.notes if n.subject_code not in MENTION_CODES]
    if not notes:
        return ""
    body = "".join(f"<p>{_e(n.text)}</p>" for n in notes)
    return f'<section class="notes"><h2>Notes</h2>{body}</section>'


def _mentions_html(invoice: Invoice) -> str:
    given = [n.text for n in invoice.notes if n.subject_code in MENTION_CODES]
    mentions = list(given)
    text = " ".join(given).lower()
    if "40" not in text or "recouvrement" not in text:
        mentions.append(LEGAL_LATE_PAYMENT)
        mentions.append(LEGAL_PUBLIC_LATE_PAYMENT)
    if "escompte" not in text:
        mentions.append(LEGAL_NO_DISCOUNT)
    for row in invoice.vat_breakdown:
        if row.category.value == "AE":
            mentions.append("Autoliquidation : TVA due par le preneur (article 283 du CGI).")
        elif row.category.value == "E" and not (row.exemption_reason or row.exemption_reason_code):
            mentions.append("Exonération de TVA.")
    return "".join(f"<p>{_e(m)}</p>" for m in dict.fromkeys(mentions))


def _css_string(value: str) -> str:
    """Text for a CSS string inside <style>: anything but letters, digits and blanks escaped,
    so no quote, backslash or "</style>" can end it."""
    return "".join(c if c.isalnum() or c == " " else f"\\{ord(c):X} " for c in value)


def _template(name: str) -> str:
    return (resources.files("choeur.einvoice") / "templates" / name).read_text(encoding="utf-8")


def render_html(invoice: Invoice) -> str:
    """The invoice as a standalone HTML page (French labels), the source of `render_pdf`."""
    cur = invoice.currency_code
    label = document_label(invoice.type_code)
    seller = invoice.seller.name
    title = f"{label} {invoice.number}"
    meta_rows = []
    if invoice.due_date:
        meta_rows.append(("Échéance", format_date(invoice.due_date)))
    if invoice.invoicing_period is not None:
        meta_rows.append(("Période", _period_text(invoice.invoicing_period)))
    if invoice.tax_point_date:
        meta_rows.append(("Date d'exigibilité de la TVA", format_date(invoice.tax_point_date)))
    if cur != "EUR":
        meta_rows.append(("Devise", cur))
    footer_left = f"{seller} — {label} n° {invoice.number} du {format_date(invoice.issue_date)}"
    css = Template(_template("invoice.css")).safe_substitute(footer_left=_css_string(footer_left))
    payable = invoice.totals.payable_amount
    credit = invoice.type_code.is_credit_note
    return Template(_template("invoice.html")).substitute(
        css=css,
        title=_e(title),
        subject=_e(f"{title} du {format_date(invoice.issue_date)} émise par {seller}"),
        seller_name=_e(seller),
        document_label=_e(label),
        number=_e(invoice.number),
        issue_date=_e(format_date(invoice.issue_date)),
        meta_rows="".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in meta_rows),
        due_label="Montant de l'avoir" if credit else "Net à payer",
        payable=_e(format_amount(payable, cur)),
        due_line=(
            f'<div class="due">à régler avant le {_e(format_date(invoice.due_date))}</div>'
            if invoice.due_date and not credit
            else ""
        ),
        seller=_party_html(invoice.seller, seller=True, invoice=invoice),
        buyer=_party_html(invoice.buyer, seller=False, invoice=invoice),
        references=_references_html(invoice),
        lines="".join(_line_html(line, cur) for line in invoice.lines)
        or '<tr><td colspan="7">Détail des lignes non fourni.</td></tr>',
        allowances=_allowances_html(invoice),
        vat_rows=_vat_rows(invoice),
        total_rows=_total_rows(invoice),
        payment=_payment_html(invoice),
        notes=_notes_html(invoice),
        mentions=_mentions_html(invoice),
        footer=_e(footer_left),
    )


def render_pdf(invoice: Invoice, *, pdf_variant: str | None = "pdf/a-3b") -> bytes:
    """A readable, printable PDF of the invoice (PDF/A-3b by default, ready for Factur-X)."""
    from weasyprint import HTML

    html_text = render_html(invoice)
    # No base URL and no fetcher to the outside: the page has no external resource.
    document = HTML(string=html_text, base_url=None, url_fetcher=_no_fetch)
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for PDF/A and leaves the file to the collector.
        warnings.simplefilter("ignore", ResourceWarning)
        # The document's language comes from <html lang="fr">: write_pdf has no `lang` option
        # (WeasyPrint logged « Unknown rendering option: lang » on every PDF).
        pdf = document.write_pdf(pdf_variant=pdf_variant, uncompressed_pdf=False)
    assert isinstance(pdf, bytes)
    return pdf


def _no_fetch(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    raise ValueError(f"external resource refused: {url[:80]}")


def write_facturx(invoice: Invoice, pdf: bytes | None = None) -> bytes:
    """A Factur-X (EN 16931 profile) PDF/A-3b: `pdf` (or the rendered invoice) + factur-x.xml."""
    import facturx

    from choeur.einvoice.writers.cii import write_cii

    if pdf is None:
        pdf = render_pdf(invoice)
    else:
        from choeur.einvoice.security import open_pdf

        with open_pdf(pdf):  # size, object and encryption checks on a PDF from outside
            pass
    xml = write_cii(invoice, guideline_id=GUIDELINE_EN16931)
    label = document_label(invoice.type_code)
    seller = invoice.seller.name
    metadata = {
        "author": seller,
        "keywords": f"{label}, Factur-X",
        "title": f"{seller} : {label} {invoice.number}",
        "subject": f"{label} {invoice.number} du {format_date(invoice.issue_date)} émise par {seller}",
    }
    try:
        result = facturx.generate_from_binary(
            pdf,
            xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=True,
            pdf_metadata=metadata,
            lang="fr-FR",
            afrelationship="alternative",
        )
    except Exception as exc:  # factur-x raises plain Exception when its XSD check fails
        logger.warning("Factur-X generation failed for invoice %s: %s", invoice.number, exc)
        raise WriteError(
            f"La facture ne peut pas être produite au format Factur-X EN 16931 : {exc}",
            f"The invoice cannot be written as Factur-X EN 16931: {exc}",
        ) from exc
    assert isinstance(result, bytes)
    return result
