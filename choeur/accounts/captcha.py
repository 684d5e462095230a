"""The captcha's text alternative (issue 16): a common-knowledge question in French, drawn from a
varied bank, each with several accepted answers.

The former « Combien font un plus six ? » was read by a parser: one sentence pattern, one
answer. Here every question is worded differently, answers are words (or numbers in digits or
letters), and a wrong answer draws another question. A person who cannot see the image answers
in a word; a script needs a language model, and the per-address rate limits
(choeur/core/ratelimit.py) make guessing costly anyway.
"""

from __future__ import annotations

import re
import secrets

from choeur.accounts.passwords import normalize_answer

SEPARATOR = "|"

# (question, accepted answers). Answers are compared without case, accents, articles or
# punctuation: « Le soleil. » = « soleil ».
QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Quelle est la capitale de la France ?", ("paris",)),
    ("Quelle est la capitale de l'Italie ?", ("rome",)),
    ("Dans quel pays se trouve la tour Eiffel ?", ("france",)),
    ("Quel jour de la semaine vient après lundi ?", ("mardi",)),
    ("Quel jour de la semaine vient juste avant dimanche ?", ("samedi",)),
    ("Quel jour de la semaine précède le mardi ?", ("lundi",)),
    ("Quel est le premier mois de l'année ?", ("janvier",)),
    ("Quel est le dernier mois de l'année ?", ("decembre",)),
    ("Quel mois vient après juillet ?", ("aout",)),
    ("Quel mois suit janvier ?", ("fevrier",)),
    ("Quelle saison vient après l'été ?", ("automne",)),
    ("Quelle saison suit l'hiver ?", ("printemps",)),
    ("Combien de jours compte une semaine ?", ("7", "sept")),
    ("Combien de mois y a-t-il dans une année ?", ("12", "douze")),
    ("Combien d'heures dure une journée entière ?", ("24", "vingt-quatre", "vingt quatre")),
    ("Combien de pattes a un chat ?", ("4", "quatre")),
    ("Combien de doigts compte une main ?", ("5", "cinq")),
    ("Combien de roues a une bicyclette ?", ("2", "deux")),
    ("De quelle couleur est la neige ?", ("blanc", "blanche")),
    ("De quelle couleur est l'herbe d'une prairie au printemps ?", ("vert", "verte")),
    ("De quelle couleur est le ciel par beau temps ?", ("bleu",)),
    ("De quelle couleur est un citron mûr ?", ("jaune",)),
    ("Quel animal domestique aboie ?", ("chien",)),
    ("Quel animal fait « miaou » ?", ("chat",)),
    ("Quel animal de la ferme fait « meuh » ?", ("vache",)),
    ("Quel oiseau chante « cocorico » le matin ?", ("coq",)),
    ("Quel astre éclaire la Terre pendant la journée ?", ("soleil",)),
    ("Quel astre voit-on souvent briller la nuit, parfois en croissant ?", ("lune",)),
    ("Quel est le contraire du mot « chaud » ?", ("froid",)),
    ("Quel est le contraire du mot « grand » ?", ("petit",)),
    ("Quel est le contraire du mot « jour » ?", ("nuit",)),
    ("Quel est le contraire du mot « ouvert » ?", ("ferme",)),
    ("Quel est le contraire du mot « lent » ?", ("rapide",)),
    ("Quel est le contraire du mot « oui » ?", ("non",)),
    ("Quel liquide coule du robinet de la cuisine ?", ("eau",)),
    ("Quel fruit jaune et allongé se mange épluché ?", ("banane",)),
    ("Quelle boisson chaude prépare-t-on avec des grains torréfiés et moulus ?", ("cafe",)),
    ("Avec quel organe du visage sent-on les odeurs ?", ("nez",)),
    ("Avec quels organes voit-on ?", ("yeux", "oeil", "les yeux")),
    ("Quel instrument de musique a des touches noires et blanches ?", ("piano",)),
)

_ARTICLES = re.compile(r"^(?:le|la|les|l|un|une|des|du|de|d)\s+")
_PUNCTUATION = re.compile(r"[^\w\s-]")


def _normalize(text: str) -> str:
    value = _PUNCTUATION.sub(" ", normalize_answer(text).replace("œ", "oe"))
    value = " ".join(value.split())
    return _ARTICLES.sub("", value).strip()


def question_new() -> tuple[str, str]:
    """A question and its accepted answers joined by `|` (kept in the session, never shown)."""
    question, answers = QUESTIONS[secrets.randbelow(len(QUESTIONS))]
    return question, SEPARATOR.join(_normalize(a) for a in answers)


def answer_matches(answer: str, expected: str) -> bool:
    value = _normalize(answer)
    return bool(value) and value in expected.split(SEPARATOR)
