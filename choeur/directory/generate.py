"""Deterministic generators of realistic Sirene-like data, for the demo and the benchmarks.

Identifiers carry valid Luhn keys. Names, streets and communes are plausible, not real
companies: the communes and postal codes are real places, the companies are invented.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from choeur.directory.identifiers import luhn_complete

SURNAMES = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "MOREL",
    "GIRARD",
    "ANDRE",
    "LEFEVRE",
    "MERCIER",
    "DUPONT",
    "LAMBERT",
    "BONNET",
    "FRANCOIS",
    "MARTINEZ",
    "LEGRAND",
    "GARNIER",
    "FAURE",
    "ROUSSEAU",
    "BLANC",
    "GUERIN",
    "MULLER",
    "HENRY",
    "ROUSSEL",
    "NICOLAS",
    "PERRIN",
    "MORIN",
    "MATHIEU",
    "CLEMENT",
    "GAUTHIER",
    "DUMONT",
    "LOPEZ",
    "FONTAINE",
    "CHEVALIER",
    "ROBIN",
    "MASSON",
    "SANCHEZ",
    "GERARD",
    "NGUYEN",
    "BOYER",
    "DENIS",
    "LEMAIRE",
    "DUVAL",
    "JOLY",
    "GAUTIER",
    "ROGER",
    "ROCHE",
    "ROY",
    "NOEL",
    "MEYER",
    "LUCAS",
    "MEUNIER",
    "JEAN",
    "PEREZ",
    "MARCHAND",
    "DUFOUR",
    "BLANCHARD",
    "MARIE",
    "BARBIER",
    "BRUN",
    "DUMAS",
    "BRUNET",
    "SCHMITT",
    "LEROUX",
    "COLIN",
    "FERNANDEZ",
    "PIERRE",
    "RENARD",
    "ARNAUD",
    "ROLLAND",
    "CARON",
    "AUBERT",
    "GIRAUD",
    "LECLERC",
    "VIDAL",
    "BOURGEOIS",
    "RENAUD",
    "LEMOINE",
    "PICARD",
    "GAILLARD",
    "PHILIPPE",
    "LECLERCQ",
    "LACROIX",
    "FABRE",
    "DUPUIS",
    "OLIVIER",
    "RODRIGUEZ",
    "DA",
    "SILVA",
    "HUBERT",
    "LOUIS",
    "CHARLES",
]

FIRST_NAMES = [
    "JEAN",
    "MARIE",
    "PIERRE",
    "CLAIRE",
    "SOPHIE",
    "NICOLAS",
    "JULIE",
    "THOMAS",
    "CAMILLE",
    "LUCAS",
    "EMMA",
    "LEA",
    "HUGO",
    "CHLOE",
    "LOUIS",
    "INES",
    "PAUL",
    "MANON",
    "ANTOINE",
    "SARAH",
]

TRADES = [
    ("MENUISERIE", "43.32A"),
    ("PLOMBERIE", "43.22A"),
    ("ELECTRICITE", "43.21A"),
    ("BOULANGERIE", "10.71C"),
    ("TRANSPORTS", "49.41A"),
    ("CONSEIL", "70.22Z"),
    ("INFORMATIQUE", "62.01Z"),
    ("NETTOYAGE", "81.21Z"),
    ("PEINTURE", "43.34Z"),
    ("IMPRIMERIE", "18.12Z"),
    ("TRAITEUR", "56.21Z"),
    ("PAYSAGE", "81.30Z"),
    ("MAÇONNERIE", "43.99C"),
    ("FOURNITURES DE BUREAU", "46.66Z"),
    ("ARCHITECTURE", "71.11Z"),
    ("BUREAU D'ETUDES", "71.12B"),
    ("FORMATION", "85.59A"),
    ("SECURITE", "80.10Z"),
    ("RESTAURATION COLLECTIVE", "56.29A"),
    ("GARAGE", "45.20A"),
    ("PHARMACIE", "47.73Z"),
    ("LIBRAIRIE", "47.61Z"),
    ("TRAVAUX PUBLICS", "42.11Z"),
    ("CHAUFFAGE", "43.22B"),
]

SUFFIXES = ["", "", " ET FILS", " ET ASSOCIES", " FRERES", " SERVICES", " INDUSTRIE", " & CO"]
# (catégorie juridique, label appended to the name or "")
LEGAL_FORMS = [
    ("5499", " SARL"),
    ("5710", " SAS"),
    ("5720", " SASU"),
    ("5599", " SA"),
    ("5498", " EURL"),
    ("1000", ""),  # entrepreneur individuel: the name is the person's
    ("9220", ""),  # association
]

STREET_TYPES = ["RUE", "RUE", "RUE", "AV", "BD", "PL", "CHE", "ALL", "IMP", "RTE", "QUAI"]
STREET_NAMES = [
    "DE LA REPUBLIQUE",
    "VICTOR HUGO",
    "JEAN JAURES",
    "DU GENERAL DE GAULLE",
    "PASTEUR",
    "DES LILAS",
    "DE LA GARE",
    "DU MOULIN",
    "DES ECOLES",
    "DE L'EGLISE",
    "GAMBETTA",
    "DE LA PAIX",
    "DU 8 MAI 1945",
    "DES TILLEULS",
    "DE LA LIBERATION",
    "JULES FERRY",
    "DU CHATEAU",
    "DES ROSES",
    "NATIONALE",
    "DU STADE",
    "ANATOLE FRANCE",
    "SADI CARNOT",
    "DU MARECHAL FOCH",
    "DES ACACIAS",
    "LOUIS PASTEUR",
    "DE VERDUN",
    "EMILE ZOLA",
    "DU COMMERCE",
    "DES PLATANES",
    "DU PORT",
]

# (commune, postal code, INSEE commune code, département name)
COMMUNES = [
    ("PARIS 11", "75011", "75111", "PARIS"),
    ("PARIS 15", "75015", "75115", "PARIS"),
    ("MARSEILLE", "13001", "13201", "BOUCHES-DU-RHONE"),
    ("LYON", "69003", "69383", "RHONE"),
    ("TOULOUSE", "31000", "31555", "HAUTE-GARONNE"),
    ("NICE", "06000", "06088", "ALPES-MARITIMES"),
    ("NANTES", "44000", "44109", "LOIRE-ATLANTIQUE"),
    ("STRASBOURG", "67000", "67482", "BAS-RHIN"),
    ("MONTPELLIER", "34000", "34172", "HERAULT"),
    ("BORDEAUX", "33000", "33063", "GIRONDE"),
    ("LILLE", "59000", "59350", "NORD"),
    ("RENNES", "35000", "35238", "ILLE-ET-VILAINE"),
    ("REIMS", "51100", "51454", "MARNE"),
    ("TOULON", "83000", "83137", "VAR"),
    ("GRENOBLE", "38000", "38185", "ISERE"),
    ("DIJON", "21000", "21231", "COTE-D'OR"),
    ("ANGERS", "49000", "49007", "MAINE-ET-LOIRE"),
    ("NIMES", "30000", "30189", "GARD"),
    ("CLERMONT-FERRAND", "63000", "63113", "PUY-DE-DOME"),
    ("LE MANS", "72000", "72181", "SARTHE"),
    ("AIX-EN-PROVENCE", "13100", "13001", "BOUCHES-DU-RHONE"),
    ("BREST", "29200", "29019", "FINISTERE"),
    ("TOURS", "37000", "37261", "INDRE-ET-LOIRE"),
    ("AMIENS", "80000", "80021", "SOMME"),
    ("LIMOGES", "87000", "87085", "HAUTE-VIENNE"),
    ("ANNECY", "74000", "74010", "HAUTE-SAVOIE"),
    ("PERPIGNAN", "66000", "66136", "PYRENEES-ORIENTALES"),
    ("BESANCON", "25000", "25056", "DOUBS"),
    ("METZ", "57000", "57463", "MOSELLE"),
    ("ORLEANS", "45000", "45234", "LOIRET"),
    ("ROUEN", "76000", "76540", "SEINE-MARITIME"),
    ("CAEN", "14000", "14118", "CALVADOS"),
    ("NANCY", "54000", "54395", "MEURTHE-ET-MOSELLE"),
    ("AVIGNON", "84000", "84007", "VAUCLUSE"),
    ("POITIERS", "86000", "86194", "VIENNE"),
    ("LA ROCHELLE", "17000", "17300", "CHARENTE-MARITIME"),
    ("PAU", "64000", "64445", "PYRENEES-ATLANTIQUES"),
    ("AJACCIO", "20000", "2A004", "CORSE-DU-SUD"),
    ("BASTIA", "20200", "2B033", "HAUTE-CORSE"),
    ("QUIMPER", "29000", "29232", "FINISTERE"),
    ("VANNES", "56000", "56260", "MORBIHAN"),
    ("CHAMBERY", "73000", "73065", "SAVOIE"),
    ("VALENCE", "26000", "26362", "DROME"),
    ("TROYES", "10000", "10387", "AUBE"),
    ("COLMAR", "68000", "68066", "HAUT-RHIN"),
    ("CHARTRES", "28000", "28085", "EURE-ET-LOIR"),
    ("BLOIS", "41000", "41018", "LOIR-ET-CHER"),
    ("ALBI", "81000", "81004", "TARN"),
    ("CAHORS", "46000", "46042", "LOT"),
    ("GAP", "05000", "05061", "HAUTES-ALPES"),
    ("LAVAL", "53000", "53130", "MAYENNE"),
    ("EVREUX", "27000", "27229", "EURE"),
    ("AUXERRE", "89000", "89024", "YONNE"),
    ("NEVERS", "58000", "58194", "NIEVRE"),
    ("SAINT-BRIEUC", "22000", "22278", "COTES-D'ARMOR"),
    ("MONTAUBAN", "82000", "82121", "TARN-ET-GARONNE"),
    ("AGEN", "47000", "47001", "LOT-ET-GARONNE"),
    ("TARBES", "65000", "65440", "HAUTES-PYRENEES"),
    ("RODEZ", "12000", "12202", "AVEYRON"),
    ("MENDE", "48000", "48095", "LOZERE"),
]

SAINTS = [
    "JULES FERRY",
    "VICTOR HUGO",
    "JEAN MOULIN",
    "MARIE CURIE",
    "CONDORCET",
    "PASTEUR",
    "JEAN JAURES",
    "LOUISE MICHEL",
    "ALBERT CAMUS",
    "SIMONE VEIL",
    "CHARLES DE GAULLE",
    "GEORGE SAND",
    "JEAN ROSTAND",
    "PAUL ELUARD",
    "JACQUES PREVERT",
]

# (name pattern, catégorie juridique, NAF); {c} commune, {d} département, {p} person
PUBLIC_KINDS = [
    ("COMMUNE DE {c}", "7210", "84.11Z"),
    ("CENTRE COMMUNAL D'ACTION SOCIALE DE {c}", "7361", "88.99B"),
    ("CENTRE HOSPITALIER DE {c}", "7364", "86.10Z"),
    ("LYCEE {p} {c}", "7331", "85.31Z"),
    ("COLLEGE {p} {c}", "7331", "85.31Z"),
    ("DEPARTEMENT {d}", "7220", "84.11Z"),
    ("SERVICE DEPARTEMENTAL D'INCENDIE ET DE SECOURS {d}", "7372", "84.25Z"),
    ("PREFECTURE {d}", "7172", "84.11Z"),
    ("DIRECTION DEPARTEMENTALE DES TERRITOIRES {d}", "7172", "84.13Z"),
    ("COMMUNAUTE D'AGGLOMERATION DE {c}", "7348", "84.11Z"),
    ("OFFICE PUBLIC DE L'HABITAT DE {c}", "7371", "68.20A"),
    ("CONSERVATOIRE DE MUSIQUE DE {c}", "7210", "85.52Z"),
]

SERVICES = [
    ("SERVICE_FACTURIER", "Service facturier", False),
    ("DST", "Direction des services techniques", True),
    ("ACHATS", "Service des achats", False),
    ("RH", "Direction des ressources humaines", False),
    ("INFORMATIQUE", "Direction des systèmes d'information", True),
    ("CUISINE", "Restauration scolaire", False),
    ("VOIRIE", "Voirie et réseaux", True),
    ("CULTURE", "Affaires culturelles", False),
    ("INTENDANCE", "Intendance", False),
    ("TRAVAUX", "Travaux et bâtiments", True),
]


@dataclass
class Company:
    siren: str
    siret: str
    denomination: str
    nom: str
    prenom: str
    categorie_juridique: str
    naf: str
    numero_voie: str
    type_voie: str
    libelle_voie: str
    code_postal: str
    commune: str
    code_commune: str
    etat: str  # A or F
    diffusion: str  # O or P
    is_siege: bool = True


def siren_stream(rng: random.Random, *, first_digits: str = "", used: set[str]) -> Iterator[str]:
    """Endless valid, distinct SIRENs (8 random digits + Luhn key)."""
    width = 8 - len(first_digits)
    while True:
        siren = luhn_complete(first_digits + f"{rng.randrange(10**width):0{width}d}")
        if siren not in used and not siren.startswith("0"):
            used.add(siren)
            yield siren


def siret_for(siren: str, index: int) -> str:
    """The `index`-th établissement of `siren` (NIC 0001x, 0002x, ...), Luhn-valid."""
    return luhn_complete(f"{siren}{index:04d}")


def companies(count: int, *, seed: int = 2026, used: set[str] | None = None) -> Iterator[Company]:
    """`count` private companies; about 4 % closed and 2 % non diffusible."""
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data, not a secret
    sirens = siren_stream(rng, used=used if used is not None else set())
    for _ in range(count):
        siren = next(sirens)
        cat, form = rng.choice(LEGAL_FORMS)
        trade, naf = rng.choice(TRADES)
        surname = rng.choice(SURNAMES)
        nom = prenom = ""
        if cat == "1000":
            nom, prenom, denomination = surname, rng.choice(FIRST_NAMES), ""
        elif cat == "9220":
            denomination = f"ASSOCIATION {rng.choice(['LES AMIS DE', 'SPORTIVE DE', 'CULTURELLE DE'])} {rng.choice(COMMUNES)[0]}"
            naf = "94.99Z"
        else:
            denomination = f"{trade} {surname}{rng.choice(SUFFIXES)}{form}"
        commune, cp, code_commune, _dept = rng.choice(COMMUNES)
        roll = rng.random()
        yield Company(
            siren=siren,
            siret=siret_for(siren, 1),
            denomination=denomination,
            nom=nom,
            prenom=prenom,
            categorie_juridique=cat,
            naf=naf,
            numero_voie=str(rng.randint(1, 250)),
            type_voie=rng.choice(STREET_TYPES),
            libelle_voie=rng.choice(STREET_NAMES),
            code_postal=cp,
            commune=commune,
            code_commune=code_commune,
            etat="F" if roll < 0.04 else "A",
            diffusion="P" if 0.04 <= roll < 0.06 else "O",
        )
