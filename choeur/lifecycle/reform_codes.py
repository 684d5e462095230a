"""The 2026 reform's lifecycle codes (CDAR « CDV »), and how Chorus Pro's statuses map to them.

Pure data, no Django (a test checks it). Sources: the FNFE BR-FR-CDV schematron 1.4.0
(`BR-FR-CDV-Schematron-CDAR.sch`: the code list BR-FR-CDV-CL-06, the reasons BR-FR-CDV-CL-09 and
their closed list per status, the actions BR-FR-CDV-CL-10, the statuses that need a reason
BR-FR-CDV-15), XP Z12-012 annexe B V1.4 (the labels of 200..213, the phases) and
`../shared/spec/reforme-2026.md` §1.3. The reason labels are ours [I]: the schematron gives
the codes only. docs/lifecycle.md shows these tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from choeur.lifecycle.transitions import Status


class Phase(StrEnum):
    """MDT-77: a status of the transmission (set by a platform) or of the processing."""

    TRANSMISSION = "305"
    PROCESSING = "23"


# BR-FR-CDV-CL-06: the invoice statuses, with their labels (XP Z12-012 annexe B; 214..228 from
# the FNFE code list, kept as a *warning* so that bilateral codes can be added).
STATUS_LABELS: Mapping[str, str] = {
    "200": "Déposée",
    "201": "Émise par la plateforme",
    "202": "Reçue par la plateforme",
    "203": "Mise à disposition",
    "204": "Prise en charge",
    "205": "Approuvée",
    "206": "Approuvée partiellement",
    "207": "En litige",
    "208": "Suspendue",
    "209": "Complétée",
    "210": "Refusée",
    "211": "Paiement transmis",
    "212": "Encaissée",
    "213": "Rejetée",
    "214": "Visée",
    "220": "Annulée",
    "221": "Erreur de routage",
    "224": "Demande de paiement direct",
    "225": "Affacturée",
    "226": "Affacturée confidentiel",
    "227": "Changement de compte à payer",
    "228": "Non affacturée",
}
# The statuses the platforms set while carrying the invoice (XP Z12-014 annexe B §1.2: « dans la
# phase de transmission, les statuts sont créés par les PA-E ou PA-R »); the rest is processing.
TRANSMISSION_CODES: frozenset[str] = frozenset({"200", "201", "202", "203", "213"})
# Statuses the seller (or his platform) sets; the buyer sets the other processing ones.
SELLER_CODES: frozenset[str] = frozenset({"209", "212", "220", "224", "225", "226", "227", "228"})
# BR-FR-CDV-15: a reason (MDT-113) is required for these.
REASON_REQUIRED: frozenset[str] = frozenset({"206", "207", "208", "210", "213"})

# BR-FR-CDV-CL-09: every reason code, with our French label [I].
REASON_LABELS: Mapping[str, str] = {
    "RETRAIT_MAN_SERV": "Retrait manuel par le service",
    "ST_CT_NON_DECLAR": "Sous-traitant non déclaré",
    "SUPPR_COMP_AVOIR": "Suppression pour compensation par un avoir",
    "TRANSF_PMNT_REGIE": "Paiement transféré à la régie",
    "CONTACT_ACHTR": "Contacter l'acheteur",
    "NON_TRANSMISE": "Non transmise",
    "JUSTIF_ABS": "Justificatif absent",
    "ROUTAGE_ERR": "Erreur de routage",
    "AUTRE": "Autre motif",
    "COORD_BANC_ERR": "Coordonnées bancaires erronées",
    "TX_TVA_ERR": "Taux de TVA erroné",
    "MONTANTTOTAL_ERR": "Montant total erroné",
    "CALCUL_ERR": "Erreur de calcul",
    "NON_CONFORME": "Facture non conforme",
    "DOUBLON": "Doublon",
    "DEST_INC": "Destinataire inconnu",
    "DEST_ERR": "Erreur de destinataire",
    "TRANSAC_INC": "Transaction inconnue",
    "EMMET_INC": "Émetteur inconnu",
    "CONTRAT_TERM": "Contrat terminé",
    "DOUBLE_FACT": "Double facturation",
    "CMD_ERR": "Commande erronée",
    "ADR_ERR": "Adresse erronée",
    "SIRET_ERR": "SIRET erroné",
    "CODE_ROUTAGE_ERR": "Code de routage erroné",
    "REF_CT_ABSENT": "Référence contractuelle absente",
    "REF_ERR": "Référence erronée",
    "PU_ERR": "Prix unitaire erroné",
    "REM_ERR": "Remise erronée",
    "QTE_ERR": "Quantité erronée",
    "ART_ERR": "Article erroné",
    "MODPAI_ERR": "Modalités de paiement erronées",
    "QUALITE_ERR": "Qualité non conforme",
    "LIVR_INCOMP": "Livraison incomplète",
    "REJ_SEMAN": "Rejet sémantique",
    "REJ_UNI": "Rejet pour doublon (unicité)",
    "REJ_COH": "Rejet pour incohérence",
    "REJ_ADR": "Rejet d'adressage",
    "REJ_CONT_B2G": "Rejet par les contrôles B2G",
    "REJ_REF_PJ": "Référence de pièce jointe erronée",
    "REJ_ASS_PJ": "Association de pièce jointe erronée",
    "IRR_VIDE_F": "Fichier vide",
    "IRR_TYPE_F": "Type de fichier erroné",
    "IRR_SYNTAX": "Syntaxe erronée",
    "IRR_TAILLE_PJ": "Pièce jointe trop volumineuse",
    "IRR_NOM_PJ": "Nom de pièce jointe erroné",
    "IRR_VID_PJ": "Pièce jointe vide",
    "IRR_EXT_DOC": "Extension de document erronée",
    "IRR_TAILLE_F": "Fichier trop volumineux",
    "IRR_ANTIVIRUS": "Fichier refusé par l'antivirus",
    "IRR_NOM_F": "Nom de fichier erroné",
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_B2B_REFUSAL = _words(
    "TX_TVA_ERR MONTANTTOTAL_ERR CALCUL_ERR NON_CONFORME DOUBLON DEST_ERR TRANSAC_INC EMMET_INC "
    "CONTRAT_TERM DOUBLE_FACT CMD_ERR ADR_ERR REF_CT_ABSENT"
)
# BR-FR-CDV-CL-09, one closed list per status (asserts MDT-113_200 .. MDT-113_221). A status
# missing here accepts any reason of REASON_LABELS.
REASONS_BY_CODE: Mapping[str, tuple[str, ...]] = {
    "200": ("NON_TRANSMISE",),
    "206": _words(
        "AUTRE CMD_ERR SIRET_ERR CODE_ROUTAGE_ERR REF_CT_ABSENT REF_ERR PU_ERR REM_ERR QTE_ERR "
        "ART_ERR MODPAI_ERR QUALITE_ERR LIVR_INCOMP"
    ),
    "207": _words(
        "AUTRE COORD_BANC_ERR TX_TVA_ERR MONTANTTOTAL_ERR CALCUL_ERR NON_CONFORME DOUBLON "
        "DEST_INC DEST_ERR TRANSAC_INC EMMET_INC CONTRAT_TERM DOUBLE_FACT CMD_ERR ADR_ERR "
        "SIRET_ERR CODE_ROUTAGE_ERR REF_CT_ABSENT REF_ERR PU_ERR REM_ERR QTE_ERR ART_ERR "
        "MODPAI_ERR QUALITE_ERR LIVR_INCOMP"
    ),
    "208": _words(
        "JUSTIF_ABS COORD_BANC_ERR CMD_ERR SIRET_ERR CODE_ROUTAGE_ERR REF_CT_ABSENT REF_ERR"
    ),
    "210": _B2B_REFUSAL,
    "213": _words(
        "MONTANTTOTAL_ERR CALCUL_ERR DOUBLON DEST_INC ADR_ERR REJ_SEMAN REJ_UNI REJ_COH REJ_ADR "
        "REJ_CONT_B2G REJ_REF_PJ REJ_ASS_PJ"
    ),
    "221": ("ROUTAGE_ERR",),
}
# MDT-113_210B2G: a refusal sent by Chorus Pro (sender 0238:9999) takes its reasons from this
# list instead (the B2G refusal reasons, new in 1.4.0).
B2G_REFUSAL_REASONS: tuple[str, ...] = (
    "RETRAIT_MAN_SERV",
    "ST_CT_NON_DECLAR",
    "SUPPR_COMP_AVOIR",
    "TRANSF_PMNT_REGIE",
    "AUTRE",
    "COORD_BANC_ERR",
    *_B2B_REFUSAL,
    "LIVR_INCOMP",
)
# BR-FR-CDV-CL-10: the action expected from the other party (MDT-121). Labels ours [I].
ACTION_LABELS: Mapping[str, str] = {
    "NOA": "Aucune action requise",
    "PIN": "Fournir une information",
    "NIN": "Émettre une nouvelle facture",
    "CNF": "Émettre un avoir total",
    "CNP": "Émettre un avoir partiel",
    "CNA": "Émettre un avoir du montant indiqué",
    "OTH": "Autre action",
}
# The platform identifier of Chorus Pro in the directory (scheme 0238): BR-FR-CDV-CL-09 accepts
# the B2G refusal reasons when the sender is this one.
CHORUS_PRO_PLATFORM_ID = "9999"


def reasons_for(code: str, *, b2g: bool = False) -> tuple[str, ...]:
    """The reasons the schematron accepts with status `code` (B2G: a refusal by Chorus Pro)."""
    if code == "210" and b2g:
        return B2G_REFUSAL_REASONS
    return REASONS_BY_CODE.get(code, tuple(REASON_LABELS))


def phase_of(code: str) -> Phase:
    return Phase.TRANSMISSION if code in TRANSMISSION_CODES else Phase.PROCESSING


@dataclass(frozen=True)
class ReformStatus:
    """The reform's status one Chorus Pro status is published as."""

    code: str  # MDT-105
    # The reason sent when the history row gives none the reform knows (208 requires one).
    default_reason: str = ""
    notes: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]


# Chorus Pro status (InvoiceStatus value) -> reform status; None: the reform has no equivalent,
# nothing is published. Every value of choeur.invoices.enums.InvoiceStatus is here (tested).
_WORKS_OR_VALIDATION = (
    "circuit de validation ou de travaux, que Chœur n'exécute pas : pas de code tant que ce "
    "circuit n'existe pas"
)
CHORUS_TO_REFORM: Mapping[str, ReformStatus | None] = {
    Status.BROUILLON: None,
    Status.DEPOSEE: ReformStatus("200", notes="contrôles de dépôt passés"),
    Status.EN_COURS_ACHEMINEMENT: ReformStatus("201", notes="transmise vers le destinataire [I]"),
    Status.MISE_A_DISPOSITION: ReformStatus("203"),
    Status.A_RECYCLER: ReformStatus(
        "221", default_reason="ROUTAGE_ERR", notes="mauvais destinataire, service ou engagement"
    ),
    Status.SUSPENDUE: ReformStatus(
        "208", default_reason="JUSTIF_ABS", notes="pièces justificatives manquantes"
    ),
    Status.COMPLETEE: ReformStatus("209"),
    Status.REJETEE: ReformStatus(
        "210", default_reason="AUTRE", notes="refus par l'acheteur public, motifs B2G"
    ),
    Status.SERVICE_FAIT: ReformStatus("205", notes="service fait certifié : facture approuvée [I]"),
    Status.MANDATEE: None,
    Status.MISE_A_DISPOSITION_COMPTABLE: None,
    Status.COMPTABILISEE: None,
    Status.MISE_EN_PAIEMENT: ReformStatus("211"),
    # The rest of the C.9 enumeration: statuses Chœur never sets.
    "ABANDONNEE": None,
    "SUPPRIMEE": None,
    "ASSOCIEE": None,
    "INTERPRETEE_OCR": None,
    "NON_CONFORME": None,
    "EN_COURS_TRAITEMENT_PIVOT_S": None,
    "TECHNIQUE_INCONNU": None,
    **{
        status: None
        for status in _words(
            "A_VALIDER_1 VALIDEE_1 REFUSEE_1 ABSENCE_VALIDATION_1_HORS_DELAI A_VALIDER_2 "
            "VALIDEE_2 REFUSEE_2 ABSENCE_VALIDATION_2_HORS_DELAI ERREUR_FOURNISSEUR_SUR_VALIDEUR "
            "ERREUR_COTRAITANT_SUR_VALIDEUR A_VALIDER_MOE REFUSEE_MOE ERREUR_FOURNISSEUR_SUR_MOE "
            "ERREUR_MOE_SUR_FOURNISSEUR ERREUR_MOA_SUR_FOURNISSEUR ERREUR_FOURNISSEUR_SUR_MOA "
            "ERREUR_MOE_SUR_MOA ERREUR_DESTINATAIRE_PD ERREUR_DESTINATAIRE_EA A_ASSOCIER_MOE "
            "ERREUR_DE_MOE MISE_A_DISPOSITION_MOE PRISE_EN_COMPTE_MOE A_ASSOCIER_MOA ERREUR_DE_MOA "
            "REFUSEE_MOA A_ASSOCIER_FOURNISSEUR REFUSEE_FOURNISSEUR A_COMPLETER TRANSMISE_MOA "
            "PRISE_EN_COMPTE_DESTINATAIRE MISE_A_DISPOSITION_MOA PRISE_EN_COMPTE_MOA "
            "REMPLACEE_PAR_A22 DUPLIQUE_APRES_REFUS ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE "
            "EN_ATTENTE_RECYCLAGE_FOURNISSEUR"
        )
    },
}
# Why the Chorus Pro statuses of Chœur's own circuit have no code (docs/lifecycle.md).
NO_EQUIVALENT_NOTES: Mapping[str, str] = {
    Status.BROUILLON: "pas encore déposée : aucun cycle de vie",
    Status.MANDATEE: "étape comptable interne de l'acheteur public",
    Status.MISE_A_DISPOSITION_COMPTABLE: "étape comptable interne de l'acheteur public",
    Status.COMPTABILISEE: "étape comptable interne de l'acheteur public",
}
OTHER_STATUSES_NOTE = _WORKS_OR_VALIDATION

# Chorus Pro's rejection reasons (choeur.lifecycle.enums.RejectionReason) <-> B2G refusal reasons.
REJECTION_TO_REFORM: Mapping[str, str] = {
    "MONTANT_ERRONE": "MONTANTTOTAL_ERR",
    "DOUBLON": "DOUBLON",
    "PRESTATION_NON_CONFORME": "LIVR_INCOMP",
    "MENTIONS_MANQUANTES": "NON_CONFORME",
    "FOURNISSEUR_ERRONE": "EMMET_INC",
    "COORDONNEES_BANCAIRES": "COORD_BANC_ERR",
    "AUTRE": "AUTRE",
}
REFORM_TO_REJECTION: Mapping[str, str] = {v: k for k, v in REJECTION_TO_REFORM.items()}


@dataclass(frozen=True)
class IncomingMove:
    """What a status received from the buyer's software does here: the Chorus Pro transition
    the portal's button would make, by the recipient."""

    to_status: Status
    notes: str = ""


# Reform code received -> Chorus Pro transition (always as the recipient). A code missing here
# is refused: the portal has no such button (204 Prise en charge, 206, 207...) or it is not the
# buyer's to send (200..203, 209, 212...).
REFORM_TO_CHORUS: Mapping[str, IncomingMove] = {
    "205": IncomingMove(Status.SERVICE_FAIT, notes="« Service fait »"),
    "208": IncomingMove(Status.SUSPENDUE, notes="« Suspendre », motif obligatoire"),
    "210": IncomingMove(Status.REJETEE, notes="« Rejeter », motif B2G obligatoire"),
    "211": IncomingMove(Status.MISE_EN_PAIEMENT, notes="« Mise en paiement »"),
    "221": IncomingMove(Status.A_RECYCLER, notes="« À recycler »"),
}


def reform_status_for(chorus_status: str) -> ReformStatus | None:
    """The reform status a Chorus Pro status is published as, or None."""
    return CHORUS_TO_REFORM.get(chorus_status)


def reform_reason_for(*, status: ReformStatus, rejection_reason: str = "") -> str:
    """The reason (MDT-113) sent with `status` for a history row carrying this Chorus Pro
    rejection reason (a RejectionReason value, or ""); "" when the status takes none."""
    if status.code == "210" and rejection_reason:
        return REJECTION_TO_REFORM.get(rejection_reason, status.default_reason)
    return status.default_reason
