"""Messages for people: the official rules speak English (the CEN and Factur-X schematron) or
French (BR-FR); a supplier must read in French what is wrong and where, without an XPath.

This module holds our own French wording of the EN 16931 business rules (BR-*, BR-CO-*,
BR-DEC-*, BR-CL-* and the VAT category rules BR-S/Z/E/AE/IC/G/O/AF/AG-*), the French names
of the business terms they cite, and the maps from a rule id or an XPath to a BT/BG id.
Rules without a wording of ours fall back to « Règle {id} non respectée : {texte officiel} ».
"""

from __future__ import annotations

import re

# French names of the EN 16931 business terms and groups the rules cite (EN 16931-1 labels).
BT_FR: dict[str, str] = {
    "BT-1": "numéro de facture",
    "BT-2": "date d'émission de la facture",
    "BT-3": "code de type de facture",
    "BT-5": "code de devise de la facture",
    "BT-6": "code de devise de comptabilisation de la TVA",
    "BT-7": "date d'exigibilité de la TVA",
    "BT-8": "code de date d'exigibilité de la TVA",
    "BT-9": "date d'échéance du paiement",
    "BT-10": "référence de l'acheteur (code service)",
    "BT-13": "référence de la commande (numéro d'engagement)",
    "BT-23": "type de processus métier",
    "BT-24": "identifiant de spécification",
    "BT-25": "référence à une facture antérieure",
    "BT-27": "nom du vendeur",
    "BT-29": "identifiant du vendeur",
    "BT-30": "identifiant d'immatriculation légale du vendeur (SIREN/SIRET)",
    "BT-31": "numéro de TVA du vendeur",
    "BT-32": "identifiant fiscal du vendeur",
    "BT-34": "adresse électronique du vendeur",
    "BT-40": "code pays du vendeur",
    "BT-44": "nom de l'acheteur",
    "BT-46": "identifiant de l'acheteur",
    "BT-47": "identifiant d'immatriculation légale de l'acheteur (SIRET)",
    "BT-48": "numéro de TVA de l'acheteur",
    "BT-49": "adresse électronique de l'acheteur",
    "BT-55": "code pays de l'acheteur",
    "BT-59": "nom du bénéficiaire",
    "BT-62": "nom du représentant fiscal du vendeur",
    "BT-63": "numéro de TVA du représentant fiscal",
    "BT-69": "code pays du représentant fiscal",
    "BT-72": "date de livraison effective",
    "BT-73": "date de début de la période de facturation",
    "BT-74": "date de fin de la période de facturation",
    "BT-80": "code pays de livraison",
    "BT-81": "code du moyen de paiement",
    "BT-84": "identifiant du compte de paiement (IBAN)",
    "BT-87": "numéro de la carte de paiement",
    "BT-92": "montant de la remise au niveau du document",
    "BT-93": "assiette de la remise au niveau du document",
    "BT-94": "pourcentage de la remise au niveau du document",
    "BT-95": "code de catégorie de TVA de la remise au niveau du document",
    "BT-96": "taux de TVA de la remise au niveau du document",
    "BT-97": "motif de la remise au niveau du document",
    "BT-98": "code du motif de la remise au niveau du document",
    "BT-99": "montant des frais au niveau du document",
    "BT-100": "assiette des frais au niveau du document",
    "BT-101": "pourcentage des frais au niveau du document",
    "BT-102": "code de catégorie de TVA des frais au niveau du document",
    "BT-103": "taux de TVA des frais au niveau du document",
    "BT-104": "motif des frais au niveau du document",
    "BT-105": "code du motif des frais au niveau du document",
    "BT-106": "somme des montants nets des lignes",
    "BT-107": "somme des remises au niveau du document",
    "BT-108": "somme des frais au niveau du document",
    "BT-109": "montant total hors TVA",
    "BT-110": "montant total de la TVA",
    "BT-111": "montant total de la TVA en devise de comptabilisation",
    "BT-112": "montant total TTC",
    "BT-113": "montant déjà payé",
    "BT-114": "montant d'arrondi",
    "BT-115": "montant net à payer",
    "BT-116": "base d'imposition de la catégorie de TVA",
    "BT-117": "montant de TVA de la catégorie",
    "BT-118": "code de catégorie de TVA",
    "BT-119": "taux de la catégorie de TVA",
    "BT-120": "motif d'exonération de TVA",
    "BT-121": "code du motif d'exonération de TVA",
    "BT-122": "référence du document justificatif",
    "BT-126": "identifiant de ligne de facture",
    "BT-129": "quantité facturée",
    "BT-130": "unité de mesure de la quantité facturée",
    "BT-131": "montant net de la ligne",
    "BT-134": "date de début de la période de la ligne",
    "BT-135": "date de fin de la période de la ligne",
    "BT-136": "montant de la remise sur la ligne",
    "BT-137": "assiette de la remise sur la ligne",
    "BT-138": "pourcentage de la remise sur la ligne",
    "BT-139": "motif de la remise sur la ligne",
    "BT-140": "code du motif de la remise sur la ligne",
    "BT-141": "montant des frais sur la ligne",
    "BT-142": "assiette des frais sur la ligne",
    "BT-143": "pourcentage des frais sur la ligne",
    "BT-144": "motif des frais sur la ligne",
    "BT-145": "code du motif des frais sur la ligne",
    "BT-146": "prix net de l'article",
    "BT-147": "rabais sur le prix de l'article",
    "BT-148": "prix brut de l'article",
    "BT-149": "quantité de base du prix",
    "BT-151": "code de catégorie de TVA de l'article",
    "BT-152": "taux de TVA de l'article",
    "BT-153": "nom de l'article",
    "BT-157": "identifiant normalisé de l'article",
    "BT-158": "identifiant de classification de l'article",
    "BT-160": "nom de l'attribut de l'article",
    "BT-161": "valeur de l'attribut de l'article",
    "BG-3": "référence à une facture antérieure",
    "BG-4": "vendeur",
    "BG-5": "adresse postale du vendeur",
    "BG-7": "acheteur",
    "BG-8": "adresse postale de l'acheteur",
    "BG-10": "bénéficiaire",
    "BG-11": "représentant fiscal du vendeur",
    "BG-12": "adresse postale du représentant fiscal",
    "BG-14": "période de facturation",
    "BG-15": "adresse de livraison",
    "BG-16": "instructions de paiement",
    "BG-17": "virement",
    "BG-20": "remise au niveau du document",
    "BG-21": "frais au niveau du document",
    "BG-22": "totaux du document",
    "BG-23": "ventilation de la TVA",
    "BG-24": "document justificatif",
    "BG-25": "ligne de facture",
    "BG-26": "période de la ligne",
    "BG-27": "remise sur la ligne",
    "BG-28": "frais sur la ligne",
    "BG-32": "attribut de l'article",
}

# Our French wording of the EN 16931 rules, with the BT/BG each is about.
RULES_FR: dict[str, tuple[str | None, str]] = {
    "BR-01": ("BT-24", "La facture doit indiquer l'identifiant de spécification (BT-24)."),
    "BR-02": ("BT-1", "La facture doit avoir un numéro de facture (BT-1)."),
    "BR-03": ("BT-2", "La facture doit avoir une date d'émission (BT-2)."),
    "BR-04": ("BT-3", "La facture doit avoir un code de type de facture (BT-3)."),
    "BR-05": ("BT-5", "La facture doit indiquer sa devise (BT-5)."),
    "BR-06": ("BT-27", "La facture doit indiquer le nom du vendeur (BT-27)."),
    "BR-07": ("BT-44", "La facture doit indiquer le nom de l'acheteur (BT-44)."),
    "BR-08": ("BG-5", "La facture doit indiquer l'adresse postale du vendeur (BG-5)."),
    "BR-09": ("BT-40", "L'adresse postale du vendeur doit comporter un code pays (BT-40)."),
    "BR-10": ("BG-8", "La facture doit indiquer l'adresse postale de l'acheteur (BG-8)."),
    "BR-11": ("BT-55", "L'adresse postale de l'acheteur doit comporter un code pays (BT-55)."),
    "BR-12": ("BT-106", "La facture doit indiquer la somme des montants nets des lignes (BT-106)."),
    "BR-13": ("BT-109", "La facture doit indiquer le montant total hors TVA (BT-109)."),
    "BR-14": ("BT-112", "La facture doit indiquer le montant total TTC (BT-112)."),
    "BR-15": ("BT-115", "La facture doit indiquer le montant net à payer (BT-115)."),
    "BR-16": ("BG-25", "La facture doit comporter au moins une ligne de facture (BG-25)."),
    "BR-17": (
        "BT-59",
        "Le nom du bénéficiaire (BT-59) doit être indiqué lorsque le bénéficiaire du paiement "
        "n'est pas le vendeur.",
    ),
    "BR-18": (
        "BT-62",
        "Le nom du représentant fiscal du vendeur (BT-62) doit être indiqué lorsque la facture "
        "comporte un représentant fiscal.",
    ),
    "BR-19": (
        "BG-12",
        "L'adresse postale du représentant fiscal (BG-12) doit être indiquée lorsque la facture "
        "comporte un représentant fiscal.",
    ),
    "BR-20": ("BT-69", "L'adresse du représentant fiscal doit comporter un code pays (BT-69)."),
    "BR-21": ("BT-126", "Chaque ligne de facture doit avoir un identifiant (BT-126)."),
    "BR-22": ("BT-129", "Chaque ligne de facture doit indiquer une quantité facturée (BT-129)."),
    "BR-23": (
        "BT-130",
        "Chaque ligne de facture doit indiquer l'unité de mesure de la quantité (BT-130).",
    ),
    "BR-24": ("BT-131", "Chaque ligne de facture doit indiquer son montant net (BT-131)."),
    "BR-25": ("BT-153", "Chaque ligne de facture doit indiquer le nom de l'article (BT-153)."),
    "BR-26": ("BT-146", "Chaque ligne de facture doit indiquer le prix net de l'article (BT-146)."),
    "BR-27": ("BT-146", "Le prix net de l'article (BT-146) ne doit pas être négatif."),
    "BR-28": ("BT-148", "Le prix brut de l'article (BT-148) ne doit pas être négatif."),
    "BR-29": (
        "BG-14",
        "La date de fin de la période de facturation (BT-74) doit être postérieure ou égale à "
        "sa date de début (BT-73).",
    ),
    "BR-30": (
        "BG-26",
        "La date de fin de la période d'une ligne (BT-135) doit être postérieure ou égale à sa "
        "date de début (BT-134).",
    ),
    "BR-31": (
        "BT-92",
        "Chaque remise au niveau du document (BG-20) doit avoir un montant (BT-92).",
    ),
    "BR-32": (
        "BT-95",
        "Chaque remise au niveau du document (BG-20) doit avoir un code de catégorie de TVA "
        "(BT-95).",
    ),
    "BR-33": (
        "BT-97",
        "Chaque remise au niveau du document (BG-20) doit avoir un motif (BT-97) ou un code "
        "de motif (BT-98).",
    ),
    "BR-36": ("BT-99", "Chaque frais au niveau du document (BG-21) doit avoir un montant (BT-99)."),
    "BR-37": (
        "BT-102",
        "Chaque frais au niveau du document (BG-21) doit avoir un code de catégorie de TVA "
        "(BT-102).",
    ),
    "BR-38": (
        "BT-104",
        "Chaque frais au niveau du document (BG-21) doit avoir un motif (BT-104) ou un code de "
        "motif (BT-105).",
    ),
    "BR-41": ("BT-136", "Chaque remise sur une ligne (BG-27) doit avoir un montant (BT-136)."),
    "BR-42": (
        "BT-139",
        "Chaque remise sur une ligne (BG-27) doit avoir un motif (BT-139) ou un code de motif "
        "(BT-140).",
    ),
    "BR-43": ("BT-141", "Chaque frais sur une ligne (BG-28) doit avoir un montant (BT-141)."),
    "BR-44": (
        "BT-144",
        "Chaque frais sur une ligne (BG-28) doit avoir un motif (BT-144) ou un code de motif "
        "(BT-145).",
    ),
    "BR-45": (
        "BT-116",
        "Chaque ligne de ventilation de la TVA (BG-23) doit indiquer la base d'imposition "
        "(BT-116).",
    ),
    "BR-46": (
        "BT-117",
        "Chaque ligne de ventilation de la TVA (BG-23) doit indiquer le montant de TVA (BT-117).",
    ),
    "BR-47": (
        "BT-118",
        "Chaque ligne de ventilation de la TVA (BG-23) doit indiquer un code de catégorie de "
        "TVA (BT-118).",
    ),
    "BR-48": (
        "BT-119",
        "Chaque ligne de ventilation de la TVA (BG-23) doit indiquer un taux (BT-119), sauf si "
        "la facture n'est pas soumise à la TVA.",
    ),
    "BR-49": (
        "BT-81",
        "Les instructions de paiement doivent indiquer le moyen de paiement (BT-81).",
    ),
    "BR-50": (
        "BT-84",
        "L'identifiant du compte de paiement (BT-84, IBAN) doit être indiqué pour un virement.",
    ),
    "BR-51": (
        "BT-87",
        "Pour la sécurité des paiements par carte, la facture ne doit jamais montrer le numéro "
        "complet de la carte (BT-87) : au plus les 6 premiers et les 4 derniers chiffres.",
    ),
    "BR-52": (
        "BT-122",
        "Chaque document justificatif (BG-24) doit avoir une référence (BT-122).",
    ),
    "BR-53": (
        "BT-111",
        "Si une devise de comptabilisation de la TVA (BT-6) est indiquée, le montant total de "
        "la TVA dans cette devise (BT-111) doit l'être aussi.",
    ),
    "BR-54": (
        "BG-32",
        "Chaque attribut d'article (BG-32) doit avoir un nom (BT-160) et une valeur (BT-161).",
    ),
    "BR-55": (
        "BT-25",
        "Chaque référence à une facture antérieure (BG-3) doit indiquer son numéro (BT-25).",
    ),
    "BR-56": (
        "BT-63",
        "Le représentant fiscal du vendeur (BG-11) doit avoir un numéro de TVA (BT-63).",
    ),
    "BR-57": ("BT-80", "L'adresse de livraison (BG-15) doit comporter un code pays (BT-80)."),
    "BR-61": (
        "BT-84",
        "Pour un virement (SEPA, local ou international), l'identifiant du compte de paiement "
        "(BT-84, IBAN) doit être indiqué.",
    ),
    "BR-62": (
        "BT-34",
        "L'adresse électronique du vendeur (BT-34) doit indiquer son schéma d'identification.",
    ),
    "BR-63": (
        "BT-49",
        "L'adresse électronique de l'acheteur (BT-49) doit indiquer son schéma d'identification.",
    ),
    "BR-64": (
        "BT-157",
        "L'identifiant normalisé de l'article (BT-157) doit indiquer son schéma d'identification.",
    ),
    "BR-65": (
        "BT-158",
        "L'identifiant de classification de l'article (BT-158) doit indiquer son schéma "
        "d'identification.",
    ),
    "PEPPOL-EN16931-R008": (None, "Le document ne doit pas contenir d'éléments vides."),
    "BR-CO-03": (
        "BT-7",
        "La date d'exigibilité de la TVA (BT-7) et son code (BT-8) ne peuvent pas être "
        "indiqués ensemble.",
    ),
    "BR-CO-04": (
        "BT-151",
        "Chaque ligne de facture doit indiquer le code de catégorie de TVA de l'article (BT-151).",
    ),
    "BR-CO-05": (
        "BT-98",
        "Le code du motif de la remise (BT-98) et son libellé (BT-97) doivent désigner le même "
        "type de remise.",
    ),
    "BR-CO-06": (
        "BT-105",
        "Le code du motif des frais (BT-105) et son libellé (BT-104) doivent désigner le même "
        "type de frais.",
    ),
    "BR-CO-07": (
        "BT-140",
        "Le code du motif de la remise sur la ligne (BT-140) et son libellé (BT-139) doivent "
        "désigner le même type de remise.",
    ),
    "BR-CO-08": (
        "BT-145",
        "Le code du motif des frais sur la ligne (BT-145) et son libellé (BT-144) doivent "
        "désigner le même type de frais.",
    ),
    "BR-CO-09": (
        "BT-31",
        "Les numéros de TVA (vendeur BT-31, représentant fiscal BT-63, acheteur BT-48) doivent "
        "commencer par le code pays ISO 3166-1 (par exemple FR ; EL pour la Grèce).",
    ),
    "BR-CO-10": (
        "BT-106",
        "La somme des montants nets des lignes (BT-106) doit être égale au total des montants "
        "nets de chaque ligne (BT-131).",
    ),
    "BR-CO-11": (
        "BT-107",
        "La somme des remises au niveau du document (BT-107) doit être égale au total des "
        "remises indiquées (BT-92).",
    ),
    "BR-CO-12": (
        "BT-108",
        "La somme des frais au niveau du document (BT-108) doit être égale au total des frais "
        "indiqués (BT-99).",
    ),
    "BR-CO-13": (
        "BT-109",
        "Le montant total hors TVA (BT-109) doit être égal à la somme des montants nets des "
        "lignes (BT-131), moins les remises (BT-107), plus les frais (BT-108).",
    ),
    "BR-CO-14": (
        "BT-110",
        "Le montant total de la TVA (BT-110) doit être égal à la somme des montants de TVA par "
        "catégorie (BT-117).",
    ),
    "BR-CO-15": (
        "BT-112",
        "Le montant total TTC (BT-112) doit être égal au total hors TVA (BT-109) plus le total "
        "de la TVA (BT-110).",
    ),
    "BR-CO-16": (
        "BT-115",
        "Le montant net à payer (BT-115) doit être égal au total TTC (BT-112), moins le montant "
        "déjà payé (BT-113), plus l'arrondi (BT-114).",
    ),
    "BR-CO-17": (
        "BT-117",
        "Le montant de TVA d'une catégorie (BT-117) doit être égal à sa base d'imposition "
        "(BT-116) multipliée par son taux (BT-119) / 100, arrondi à deux décimales.",
    ),
    "BR-CO-18": (
        "BG-23",
        "La facture doit comporter au moins une ligne de ventilation de la TVA (BG-23).",
    ),
    "BR-CO-19": (
        "BG-14",
        "Si une période de facturation (BG-14) est indiquée, elle doit avoir une date de début "
        "(BT-73) ou une date de fin (BT-74).",
    ),
    "BR-CO-20": (
        "BG-26",
        "Si une période est indiquée sur une ligne (BG-26), elle doit avoir une date de début "
        "(BT-134) ou une date de fin (BT-135).",
    ),
    "BR-CO-21": (
        "BG-20",
        "Chaque remise au niveau du document (BG-20) doit avoir un motif (BT-97), un code de "
        "motif (BT-98), ou les deux.",
    ),
    "BR-CO-22": (
        "BG-21",
        "Chaque frais au niveau du document (BG-21) doit avoir un motif (BT-104), un code de "
        "motif (BT-105), ou les deux.",
    ),
    "BR-CO-23": (
        "BG-27",
        "Chaque remise sur une ligne (BG-27) doit avoir un motif (BT-139), un code de motif "
        "(BT-140), ou les deux.",
    ),
    "BR-CO-24": (
        "BG-28",
        "Chaque frais sur une ligne (BG-28) doit avoir un motif (BT-144), un code de motif "
        "(BT-145), ou les deux.",
    ),
    "BR-CO-25": (
        "BT-9",
        "Si le montant à payer (BT-115) est positif, la date d'échéance (BT-9) ou les "
        "conditions de paiement (BT-20) doivent être indiquées.",
    ),
    "BR-CO-26": (
        "BT-29",
        "Pour que l'acheteur identifie le fournisseur, la facture doit indiquer l'identifiant du "
        "vendeur (BT-29), son SIREN/SIRET (BT-30) ou son numéro de TVA (BT-31).",
    ),
    "BR-CL-01": (
        "BT-3",
        "Le code de type de facture (BT-3) doit appartenir à la liste UNTDID 1001 (par exemple "
        "380 facture, 381 avoir).",
    ),
    "BR-CL-03": (
        "BT-5",
        "Le code devise (attribut currencyID) doit appartenir à la liste ISO 4217.",
    ),
    "BR-CL-04": (
        "BT-5",
        "La devise de la facture (BT-5) doit être un code ISO 4217 (par exemple EUR).",
    ),
    "BR-CL-05": (
        "BT-6",
        "La devise de comptabilisation de la TVA (BT-6) doit être un code ISO 4217.",
    ),
    "BR-CL-06": (
        "BT-8",
        "Le code de date d'exigibilité de la TVA (BT-8) doit appartenir à la liste UNTDID 2005 "
        "restreinte (3, 35, 432).",
    ),
    "BR-CL-07": (
        "BT-18",
        "Le schéma de l'identifiant d'objet facturé doit appartenir à la liste UNTDID 1153.",
    ),
    "BR-CL-08": (
        "BT-21",
        "Le code du sujet de la note (BT-21) doit appartenir à la liste UNTDID 4451.",
    ),
    "BR-CL-10": (
        None,
        "Le schéma d'un identifiant doit appartenir à la liste ISO 6523 ICD (par exemple 0009 "
        "pour un SIRET).",
    ),
    "BR-CL-11": (
        None,
        "Le schéma d'un identifiant d'immatriculation doit appartenir à la liste ISO 6523 ICD "
        "(par exemple 0002 pour un SIREN, 0009 pour un SIRET).",
    ),
    "BR-CL-13": (
        "BT-158",
        "Le schéma de classification de l'article doit appartenir à la liste UNTDID 7143.",
    ),
    "BR-CL-14": (None, "Les codes pays doivent appartenir à la liste ISO 3166-1 (par exemple FR)."),
    "BR-CL-15": (None, "Les codes pays doivent appartenir à la liste ISO 3166-1 (par exemple FR)."),
    "BR-CL-16": (
        "BT-81",
        "Le code du moyen de paiement (BT-81) doit appartenir à la liste UNCL 4461 (par exemple "
        "30 virement, 58 virement SEPA).",
    ),
    "BR-CL-17": (
        None,
        "Les codes de catégorie de TVA doivent appartenir à la liste UNCL 5305 (S, Z, E, AE, K, "
        "G, O, L, M).",
    ),
    "BR-CL-18": (
        None,
        "Les codes de catégorie de TVA doivent appartenir à la liste UNCL 5305 (S, Z, E, AE, K, "
        "G, O, L, M).",
    ),
    "BR-CL-19": ("BT-98", "Le code du motif de remise doit appartenir à la liste UNCL 5189."),
    "BR-CL-20": ("BT-105", "Le code du motif des frais doit appartenir à la liste UNCL 7161."),
    "BR-CL-21": (
        "BT-157",
        "Le schéma de l'identifiant normalisé de l'article doit appartenir à la liste ISO 6523 "
        "ICD.",
    ),
    "BR-CL-22": (
        "BT-121",
        "Le code du motif d'exonération de TVA (BT-121) doit appartenir à la liste VATEX.",
    ),
    "BR-CL-23": (
        "BT-130",
        "Le code d'unité de mesure doit appartenir à la recommandation UN/ECE n° 20 (par "
        "exemple C62 pour une unité, HUR pour une heure).",
    ),
    "BR-CL-24": (
        "BT-125",
        "Le type MIME d'une pièce jointe doit être l'un des types autorisés (PDF, PNG, JPEG, "
        "CSV, tableur Excel, OpenDocument).",
    ),
    "BR-CL-25": (
        None,
        "Le schéma d'une adresse électronique doit appartenir à la liste CEF EAS (par exemple "
        "0009 pour un SIRET, EM pour un courriel).",
    ),
    "BR-CL-26": (
        "BT-71",
        "Le schéma de l'identifiant du lieu de livraison doit appartenir à la liste ISO 6523 ICD.",
    ),
}

# VAT category rules (BR-S-01 ... BR-AG-10): the same ten rules for each category.
VAT_CATEGORIES_FR: dict[str, tuple[str, str]] = {
    # rule prefix: (code, French name)
    "S": ("S", "taux normal"),
    "Z": ("Z", "taux zéro"),
    "E": ("E", "exonérée de TVA"),
    "AE": ("AE", "autoliquidation"),
    "IC": ("K", "livraison intracommunautaire"),
    "G": ("G", "exportation hors UE"),
    "O": ("O", "hors champ de la TVA"),
    "AF": ("L", "IGIC (Canaries)"),
    "AG": ("M", "IPSI (Ceuta et Melilla)"),
}

_VAT_RULES_FR: dict[str, tuple[str | None, str]] = {
    "01": (
        "BG-23",
        "Une facture dont une ligne, une remise ou des frais relèvent de la catégorie de TVA "
        "« {name} » ({code}) doit comporter une ventilation de la TVA (BG-23) pour cette "
        "catégorie.",
    ),
    "02": (
        "BT-31",
        "Une ligne relevant de la catégorie de TVA « {name} » ({code}) exige le numéro de TVA "
        "du vendeur (BT-31) ou de son représentant fiscal (BT-63){buyer}.",
    ),
    "03": (
        "BT-31",
        "Une remise relevant de la catégorie de TVA « {name} » ({code}) exige le numéro de TVA "
        "du vendeur (BT-31) ou de son représentant fiscal (BT-63){buyer}.",
    ),
    "04": (
        "BT-31",
        "Des frais relevant de la catégorie de TVA « {name} » ({code}) exigent le numéro de TVA "
        "du vendeur (BT-31) ou de son représentant fiscal (BT-63){buyer}.",
    ),
    "05": (
        "BT-152",
        "Sur une ligne de catégorie de TVA « {name} » ({code}), le taux de TVA (BT-152) {rate}.",
    ),
    "06": (
        "BT-96",
        "Sur une remise de catégorie de TVA « {name} » ({code}), le taux de TVA (BT-96) {rate}.",
    ),
    "07": (
        "BT-103",
        "Sur des frais de catégorie de TVA « {name} » ({code}), le taux de TVA (BT-103) {rate}.",
    ),
    "08": (
        "BT-116",
        "Pour la catégorie de TVA « {name} » ({code}), la base d'imposition (BT-116) doit être "
        "égale à la somme des montants nets des lignes de cette catégorie, moins les remises, "
        "plus les frais de cette catégorie{per_rate}.",
    ),
    "09": (
        "BT-117",
        "Pour la catégorie de TVA « {name} » ({code}), le montant de TVA (BT-117) {tax}.",
    ),
    "10": (
        "BT-120",
        "Pour la catégorie de TVA « {name} » ({code}), {exemption}.",
    ),
}

_ZERO_RATED = {"Z", "E", "AE", "IC", "G"}


def _vat_rule(prefix: str, number: str) -> tuple[str | None, str] | None:
    category = VAT_CATEGORIES_FR.get(prefix)
    template = _VAT_RULES_FR.get(number)
    if category is None or template is None:
        return None
    code, name = category
    if prefix == "O":
        rate = "ne doit pas être indiqué"
    elif prefix in _ZERO_RATED:
        rate = "doit être égal à 0"
    else:
        rate = "doit être supérieur à zéro"
    tax = (
        "doit être égal à la base d'imposition (BT-116) multipliée par le taux (BT-119)"
        if prefix in {"S", "AF", "AG"}
        else "doit être égal à 0"
    )
    exemption = (
        "aucun motif d'exonération (BT-120, BT-121) ne doit être indiqué"
        if prefix in {"S", "Z", "AF", "AG"}
        else "un motif d'exonération (texte BT-120 ou code BT-121) doit être indiqué"
    )
    buyer = {
        "AE": " et l'identifiant de l'acheteur (numéro de TVA BT-48 ou immatriculation BT-47)",
        "IC": " et le numéro de TVA de l'acheteur (BT-48)",
    }.get(prefix, "")
    if prefix == "O" and number in {"02", "03", "04"}:
        what = {"02": "Une ligne", "03": "Une remise", "04": "Des frais"}[number]
        return (
            "BT-31",
            f"{what} « hors champ de la TVA » (O) exclut tout numéro de TVA du vendeur (BT-31), "
            "de son représentant fiscal (BT-63) ou de l'acheteur (BT-48).",
        )
    per_rate = " et de ce taux" if prefix in {"S", "AF", "AG"} else ""
    bt, text = template
    return bt, text.format(
        name=name,
        code=code,
        rate=rate,
        tax=tax,
        exemption=exemption,
        buyer=buyer,
        per_rate=per_rate,
    )


_EXTRA_FR: dict[str, tuple[str | None, str]] = {
    "BR-IC-11": (
        "BT-72",
        "Pour une livraison intracommunautaire (K), la date de livraison effective (BT-72) ou "
        "la période de facturation (BG-14) doit être indiquée.",
    ),
    "BR-IC-12": (
        "BT-80",
        "Pour une livraison intracommunautaire (K), le code pays de livraison (BT-80) doit être "
        "indiqué.",
    ),
    "BR-O-11": (
        "BG-23",
        "Une facture « hors champ de la TVA » (O) ne doit comporter aucune autre catégorie dans "
        "la ventilation de la TVA (BG-23).",
    ),
    "BR-O-12": (
        "BT-151",
        "Une facture « hors champ de la TVA » (O) ne doit pas comporter de ligne d'une autre "
        "catégorie de TVA.",
    ),
    "BR-O-13": (
        "BT-95",
        "Une facture « hors champ de la TVA » (O) ne doit pas comporter de remise d'une autre "
        "catégorie de TVA.",
    ),
    "BR-O-14": (
        "BT-102",
        "Une facture « hors champ de la TVA » (O) ne doit pas comporter de frais d'une autre "
        "catégorie de TVA.",
    ),
    "BR-B-01": (
        "BT-151",
        "La catégorie de TVA « paiement fractionné » (B) n'est permise que sur une facture "
        "italienne domestique.",
    ),
    "BR-B-02": (
        "BT-151",
        "Une facture en « paiement fractionné » (B) ne peut pas comporter aussi des éléments au "
        "taux normal (S).",
    ),
}

_RULE_ID = re.compile(r"^BR-(S|Z|E|AE|IC|G|O|AF|AG)-(\d\d)$")
_DEC = re.compile(r"^BR-DEC-\d+$")
_BT_IN_TEXT = re.compile(r"\b(B[TG]-\d+)\b")


def french_for(rule_id: str) -> tuple[str | None, str] | None:
    """Our French wording of an EN 16931 rule and the BT/BG it is about, if we have one."""
    if rule_id in RULES_FR:
        return RULES_FR[rule_id]
    if rule_id in _EXTRA_FR:
        return _EXTRA_FR[rule_id]
    match = _RULE_ID.match(rule_id)
    if match:
        return _vat_rule(match.group(1), match.group(2))
    return None


def _decimals_fr(english: str) -> tuple[str | None, str] | None:
    bt = first_bt(english)
    if bt is None:
        return None
    name = BT_FR.get(bt, bt)
    return bt, f"Le montant « {name} » ({bt}) ne doit pas avoir plus de deux décimales."


def first_bt(text: str) -> str | None:
    match = _BT_IN_TEXT.search(text)
    return match.group(1) if match else None


def strip_rule_prefix(rule_id: str, text: str) -> str:
    """'[BR-16]-An Invoice shall...' -> 'An Invoice shall...'."""
    cleaned = re.sub(r"^\s*\[?" + re.escape(rule_id) + r"\]?\s*[-:]?\s*", "", text)
    return cleaned.strip() or text.strip()


def describe(
    rule_id: str, official_text: str, *, official_is_french: bool = False
) -> tuple[str, str, str | None]:
    """(message_fr, message_en, bt) for a finding of an official rule."""
    text = strip_rule_prefix(rule_id, official_text)
    wording = french_for(rule_id)
    if wording is None and _DEC.match(rule_id):
        wording = _decimals_fr(text)
    if official_is_french:
        return describe_br_fr(rule_id, official_text)
    if wording is not None:
        bt, message_fr = wording
        return message_fr, text, bt or first_bt(text)
    facturx = facturx_fr(text)
    if facturx is not None:
        return facturx, text, first_bt(text)
    return f"Règle {rule_id} non respectée : {text}", text, first_bt(text)


# The Factur-X stylesheets phrase their profile rules with a few fixed patterns.
_FX_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^Element '([^']+)' must occur exactly (\d+) times?\.?$"),
        "L'élément « {0} » doit figurer exactement {1} fois (profil Factur-X).",
    ),
    (
        re.compile(r"^Element '([^']+)' may occur at maximum (\d+) times?\.?$"),
        "L'élément « {0} » ne peut figurer qu'au plus {1} fois (profil Factur-X).",
    ),
    (
        re.compile(r"^Element '([^']+)' must occur at least (\d+) times?\.?$"),
        "L'élément « {0} » doit figurer au moins {1} fois (profil Factur-X).",
    ),
    (
        re.compile(r"^Value of '@schemeID' is not allowed\.?$"),
        "Le schéma d'identification (attribut schemeID) n'appartient pas aux listes de codes "
        "autorisées (EAS, ISO 6523).",
    ),
    (
        re.compile(r"^Value of '([^']+)' is not allowed\.?$"),
        "La valeur de « {0} » n'appartient pas à la liste de codes autorisée par le profil "
        "Factur-X.",
    ),
    (
        re.compile(
            r"^(?:Element|Attribute) (?:variant )?'?(.+?)'? (?:is )?marked as not used in the given context\.?$"
        ),
        "« {0} » n'est pas permis à cet endroit dans ce profil Factur-X : retirez-le.",
    ),
)


def facturx_fr(text: str) -> str | None:
    for pattern, template in _FX_PATTERNS:
        match = pattern.match(text.strip())
        if match:
            return template.format(*match.groups())
    return None


# --- locations ---------------------------------------------------------------------------------

PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "ubl",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "cn",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}
_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\]")
_CLARK = re.compile(r"\{([^}]*)\}([\w.-]+)")


def pretty_xpath(location: str) -> str:
    """'/*:Invoice[namespace-uri()='urn:...Invoice-2'][1]/*:ID[namespace-uri()=...][1]'
    -> '/ubl:Invoice[1]/cbc:ID[1]'; '/Q{ns}Name[1]' forms are handled the same way."""

    def step(match: re.Match[str]) -> str:
        prefix = PREFIXES.get(match.group(2))
        return f"{prefix}:{match.group(1)}" if prefix else match.group(1)

    location = _STEP.sub(step, location)
    location = re.sub(
        r"Q\{([^}]*)\}([\w.-]+)",
        lambda m: f"{PREFIXES[m.group(1)]}:{m.group(2)}" if m.group(1) in PREFIXES else m.group(2),
        location,
    )
    return location


def pretty_names(message: str) -> str:
    """'{urn:...CommonBasicComponents-2}ID' -> 'cbc:ID' in libxml2 messages."""
    return _CLARK.sub(
        lambda m: f"{PREFIXES[m.group(1)]}:{m.group(2)}" if m.group(1) in PREFIXES else m.group(2),
        message,
    )


# Where a location names a well-known element, the BT it carries (both syntaxes).
ELEMENT_BT: dict[str, str] = {
    "cbc:ID": "BT-1",
    "cbc:IssueDate": "BT-2",
    "cbc:InvoiceTypeCode": "BT-3",
    "cbc:CreditNoteTypeCode": "BT-3",
    "cbc:DocumentCurrencyCode": "BT-5",
    "cbc:TaxCurrencyCode": "BT-6",
    "cbc:DueDate": "BT-9",
    "cbc:BuyerReference": "BT-10",
    "cbc:CustomizationID": "BT-24",
    "cbc:ProfileID": "BT-23",
    "cac:AccountingSupplierParty": "BG-4",
    "cac:AccountingCustomerParty": "BG-7",
    "cac:PayeeParty": "BG-10",
    "cac:TaxRepresentativeParty": "BG-11",
    "cac:Delivery": "BG-13",
    "cac:InvoicePeriod": "BG-14",
    "cac:PaymentMeans": "BG-16",
    "cac:AllowanceCharge": "BG-20",
    "cac:LegalMonetaryTotal": "BG-22",
    "cac:TaxSubtotal": "BG-23",
    "cac:AdditionalDocumentReference": "BG-24",
    "cac:InvoiceLine": "BG-25",
    "cac:CreditNoteLine": "BG-25",
    "cbc:LineExtensionAmount": "BT-131",
    "cbc:TaxExclusiveAmount": "BT-109",
    "cbc:TaxInclusiveAmount": "BT-112",
    "cbc:PayableAmount": "BT-115",
    "ram:TypeCode": "BT-3",
    "ram:InvoiceCurrencyCode": "BT-5",
    "ram:BuyerReference": "BT-10",
    "ram:SellerTradeParty": "BG-4",
    "ram:BuyerTradeParty": "BG-7",
    "ram:PayeeTradeParty": "BG-10",
    "ram:SellerTaxRepresentativeTradeParty": "BG-11",
    "ram:BillingSpecifiedPeriod": "BG-14",
    "ram:SpecifiedTradeSettlementPaymentMeans": "BG-16",
    "ram:SpecifiedTradeAllowanceCharge": "BG-20",
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation": "BG-22",
    "ram:ApplicableTradeTax": "BG-23",
    "ram:AdditionalReferencedDocument": "BG-24",
    "ram:IncludedSupplyChainTradeLineItem": "BG-25",
    "ram:LineTotalAmount": "BT-106",
    "ram:TaxBasisTotalAmount": "BT-109",
    "ram:TaxTotalAmount": "BT-110",
    "ram:GrandTotalAmount": "BT-112",
    "ram:DuePayableAmount": "BT-115",
}


# Elements whose BT depends on the party they sit in: (party element, element) -> BT.
PARTY_ELEMENT_BT: dict[tuple[str, str], str] = {
    ("cac:AccountingSupplierParty", "cbc:EndpointID"): "BT-34",
    ("cac:AccountingCustomerParty", "cbc:EndpointID"): "BT-49",
    ("cac:AccountingSupplierParty", "cbc:CompanyID"): "BT-30",
    ("cac:AccountingCustomerParty", "cbc:CompanyID"): "BT-47",
    ("cac:AccountingSupplierParty", "cac:PostalAddress"): "BG-5",
    ("cac:AccountingCustomerParty", "cac:PostalAddress"): "BG-8",
    ("ram:SellerTradeParty", "ram:URIUniversalCommunication"): "BT-34",
    ("ram:BuyerTradeParty", "ram:URIUniversalCommunication"): "BT-49",
    ("ram:SellerTradeParty", "ram:SpecifiedLegalOrganization"): "BT-30",
    ("ram:BuyerTradeParty", "ram:SpecifiedLegalOrganization"): "BT-47",
    ("ram:SellerTradeParty", "ram:PostalTradeAddress"): "BG-5",
    ("ram:BuyerTradeParty", "ram:PostalTradeAddress"): "BG-8",
}


def bt_of_location(location: str) -> str | None:
    """The BT/BG of the deepest well-known element named in a (pretty) XPath."""
    steps = [re.sub(r"\[.*?\]", "", s) for s in location.split("/") if s]
    for index in range(len(steps) - 1, -1, -1):
        for party in steps[:index]:
            found = PARTY_ELEMENT_BT.get((party, steps[index]))
            if found:
                return found
        if steps[index] in ELEMENT_BT:
            return ELEMENT_BT[steps[index]]
    return None


# --- BR-FR (French rules, official text in French): our English, by rule family ---------------

BR_FR_EN: dict[str, str] = {
    "BR-FR-01": "An invoice identifier (BT-1, BT-25) must not exceed 35 characters.",
    "BR-FR-02": (
        "An invoice identifier (BT-1, BT-25) may contain only letters, digits and + - _ /, "
        "without spaces."
    ),
    "BR-FR-03": "Dates must have a year between 2000 and 2099, in the format YYYYMMDD.",
    "BR-FR-04": "The invoice type code (BT-3) is not one of the codes allowed in France.",
    "BR-FR-05": (
        "The mandatory French mentions are missing from the notes (BG-1): recovery costs "
        "(PMT), late payment penalties (PMD) and discount terms (AAB)."
    ),
    "BR-FR-06": "Each of the subject codes PMT, PMD and AAB may appear only once in the notes.",
    "BR-FR-08": "The billing framework (BT-23) is missing or not one of the allowed values (B1, S1, M1...).",
    "BR-FR-09": "A SIRET must have 14 digits and start with the SIREN.",
    "BR-FR-10": "The seller's SIREN (BT-30, scheme 0002) is mandatory and must have exactly 9 digits.",
    "BR-FR-11": "For a B2B invoice, the buyer's SIREN (BT-47) is mandatory and must have 9 digits.",
    "BR-FR-12": "The buyer's electronic address (BT-49) is mandatory.",
    "BR-FR-13": "The seller's electronic address (BT-34) is mandatory.",
    "BR-FR-15": "The VAT category code is not allowed in France (S, E, AE, K, G, O, Z).",
    "BR-FR-16": "The VAT rate must be a percentage without '%' and one of the French rates.",
    "BR-FR-17": "The qualification code of the attachment (BT-123) is not in the allowed list.",
    "BR-FR-18": "Only one additional document (BG-24) may be described as LISIBLE.",
    "BR-FR-20": "A note with subject code BAR must hold B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE or ARCHIVEONLY.",
    "BR-FR-21": "For a B2B invoice, the buyer's electronic address (BT-49) must start with its SIREN.",
    "BR-FR-22": "For a B2B self-billed invoice, the seller's electronic address (BT-34) must start with its SIREN.",
    "BR-FR-23": "An electronic address may contain only letters, digits, '-', '_' and '.'.",
    "BR-FR-24": "A private identifier may contain only letters, digits, '-', '_' and '.'.",
    "BR-FR-25": "An electronic address must not exceed 125 characters.",
    "BR-FR-26": "A private identifier must not exceed 100 characters.",
    "BR-FR-27": "An item attribute (BG-32) needs a name (BT-160) or an attribute code.",
    "BR-FR-28": "An item attribute needs a value or a measured value, not both.",
    "BR-FR-29": "Among invoiced object identifiers (BT-18), schemes AFL and AVV may appear once each.",
    "BR-FR-30": "Among line object identifiers (BT-128), schemes AFL and AVV may appear once each.",
    "BR-FR-31": "Several BAR notes may carry only one of the allowed values.",
    "BR-FR-32": "A legal identifier with scheme 0002 (SIREN) must have 9 digits.",
    "BR-FR-CO-03": "A global discount credit note (262) needs the contract (BT-12) and the invoicing period (BG-14).",
    "BR-FR-CO-04": "A corrective invoice needs exactly one preceding invoice reference (BT-25) with its date (BT-26).",
    "BR-FR-CO-05": "A credit note needs a reference to the preceding invoice (BT-25, BT-26).",
    "BR-FR-CO-07": "The due date (BT-9) must not be before the issue date (BT-2), except for advance invoices.",
    "BR-FR-CO-08": "With billing framework B4, S4 or M4, the invoice cannot be an advance invoice.",
    "BR-FR-CO-09": "With billing framework B2, S2 or M2 (already paid), the paid amount (BT-113) must equal the total (BT-112).",
    "BR-FR-CO-10": "An identifier that is given must also give its scheme.",
    "BR-FR-CO-12": "If the currency (BT-5) is not EUR, the VAT accounting currency (BT-6) must be EUR with the VAT total in EUR (BT-111).",
    "BR-FR-CO-14": "A member of a single VAT taxable person (scheme 0231) needs the TXD note MEMBRE_ASSUJETTI_UNIQUE.",
    "BR-FR-CO-15": "A member of a single VAT taxable person needs the tax representative (BG-11) with its VAT id (BT-63).",
    "BR-FR-DEC-01": "An amount may have at most 2 decimals, a '.' separator and 19 characters.",
    "BR-FR-DEC-02": "A quantity may have at most 4 decimals, a '.' separator and 19 characters.",
    "BR-FR-DEC-03": "A price must be positive, with at most 6 decimals.",
    "BR-FR-DEC-04": "A VAT rate must be positive, with at most 2 decimals.",
}

_BR_FR_FAMILY = re.compile(r"^(BR-FR-(?:[A-Z]+-)?\d+)")
_BR_FR_PREFIX = re.compile(r"^\s*\[?BR-FR-[^\]:]*\]?\s*:\s*")


def describe_br_fr(rule_id: str, official_text: str) -> tuple[str, str, str | None]:
    """(message_fr, message_en, bt) for a finding of the French rules (text already French)."""
    french = _BR_FR_PREFIX.sub("", official_text).strip() or official_text.strip()
    family = _BR_FR_FAMILY.match(rule_id)
    english = BR_FR_EN.get(family.group(1)) if family else None
    bt = first_bt(rule_id.replace("_", " ")) or first_bt(official_text)
    if english is None:
        english = f"French rule {rule_id} not met (official text in French): {french}"
    return french, english, bt
