"""Names people read for the codes an invoice carries: units of measure (BT-130, BT-150) and VAT
categories (BT-95, BT-102, BT-118, BT-151).

One table per code list, French first and English second (as `Finding` carries `message_fr` and
`message_en`), so that pages, PDFs and exports name a code the same way. A code the table does not
know is shown as it is: reading never loses what a document says.
"""

from __future__ import annotations

from typing import NamedTuple


class CodeName(NamedTuple):
    fr: str
    en: str


# UN/ECE Recommendation 20 (units of measure) and 21 (packaging, the `X..` codes): the codes the
# saisie offers and those met in received invoices. Names are singular, lower case (« 3 » in the
# quantity column, « heure » in the unit column).
UNIT_NAMES: dict[str, CodeName] = {
    "C62": CodeName("unité", "unit"),
    "H87": CodeName("pièce", "piece"),
    "EA": CodeName("unité", "each"),
    "NAR": CodeName("article", "number of articles"),
    "XPP": CodeName("pièce (emballage unitaire)", "piece (package)"),
    "XBX": CodeName("boîte", "box"),
    "XPK": CodeName("colis", "package"),
    "SET": CodeName("lot", "set"),
    "PR": CodeName("paire", "pair"),
    "DZN": CodeName("douzaine", "dozen"),
    "LS": CodeName("forfait", "lump sum"),
    "E48": CodeName("unité de service", "service unit"),
    "P1": CodeName("pourcent", "percent"),
    "ZZ": CodeName("unité convenue", "mutually defined"),
    "SEC": CodeName("seconde", "second"),
    "MIN": CodeName("minute", "minute"),
    "HUR": CodeName("heure", "hour"),
    "DAY": CodeName("jour", "day"),
    "WEE": CodeName("semaine", "week"),
    "MON": CodeName("mois", "month"),
    "QAN": CodeName("trimestre", "quarter"),
    "ANN": CodeName("année", "year"),
    "GRM": CodeName("gramme", "gram"),
    "KGM": CodeName("kilogramme", "kilogram"),
    "TNE": CodeName("tonne", "tonne"),
    "MMT": CodeName("millimètre", "millimetre"),
    "CMT": CodeName("centimètre", "centimetre"),
    "MTR": CodeName("mètre", "metre"),
    "KMT": CodeName("kilomètre", "kilometre"),
    "MTK": CodeName("mètre carré", "square metre"),
    "HAR": CodeName("hectare", "hectare"),
    "MTQ": CodeName("mètre cube", "cubic metre"),
    "MLT": CodeName("millilitre", "millilitre"),
    "LTR": CodeName("litre", "litre"),
    "KWT": CodeName("kilowatt", "kilowatt"),
    "KWH": CodeName("kilowattheure", "kilowatt hour"),
    "MWH": CodeName("mégawattheure", "megawatt hour"),
}

# UNTDID 5305, the subset of EN 16931 (CEN code list); the French names of the norm's French
# version, as the readable PDF prints them.
VAT_CATEGORY_NAMES: dict[str, CodeName] = {
    "S": CodeName("Taux normal", "Standard rate"),
    "Z": CodeName("Taux zéro", "Zero rated goods"),
    "E": CodeName("Exonéré", "Exempt from tax"),
    "AE": CodeName("Autoliquidation", "VAT reverse charge"),
    "K": CodeName("Livraison intracommunautaire", "Intra-community supply"),
    "G": CodeName("Exportation hors UE", "Free export item, tax not charged"),
    "O": CodeName("Hors champ de la TVA", "Services outside scope of tax"),
    "L": CodeName("IGIC (Canaries)", "Canary Islands general indirect tax"),
    "M": CodeName("IPSI (Ceuta et Melilla)", "Ceuta and Melilla tax (IPSI)"),
}

# The units the saisie offers, in the order of its list (the most used first).
SAISIE_UNITS: tuple[str, ...] = (
    "C62",
    "H87",
    "HUR",
    "DAY",
    "WEE",
    "MON",
    "ANN",
    "LS",
    "SET",
    "KGM",
    "TNE",
    "MTR",
    "KMT",
    "MTK",
    "MTQ",
    "LTR",
    "KWH",
)


def _name(table: dict[str, CodeName], code: str, language: str) -> str:
    name = table.get(code.strip().upper()) if code else None
    if name is None:
        return code
    return name.en if language.startswith("en") else name.fr


def unit_name(code: str, language: str = "fr") -> str:
    """`"HUR"` -> « heure »; an unknown code is returned as it is."""
    return _name(UNIT_NAMES, code, language)


def vat_category_name(code: str, language: str = "fr") -> str:
    """`"S"` -> « Taux normal »; an unknown code is returned as it is."""
    return _name(VAT_CATEGORY_NAMES, code, language)
