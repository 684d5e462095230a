"""The status machine of a simple invoice: ONE pure table (reference C.9 and C.10).

No Django here (a test checks it): the table is data, read by the service that applies a
transition, by the pages that offer actions, and by the diagram in docs/lifecycle.md.

Each entry `(from, to) -> Rule` says who may make the move, whether a reason is required,
what it triggers, which optional statuses it skips, and whether it is a late update from an
accounting system that is recorded without moving the invoice back (`out_of_order`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """The statuses of a simple invoice; values equal `choeur.invoices.enums.InvoiceStatus`."""

    BROUILLON = "BROUILLON"
    DEPOSEE = "DEPOSEE"
    EN_COURS_ACHEMINEMENT = "EN_COURS_ACHEMINEMENT"
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION"
    A_RECYCLER = "A_RECYCLER"
    SUSPENDUE = "SUSPENDUE"
    COMPLETEE = "COMPLETEE"
    REJETEE = "REJETEE"
    SERVICE_FAIT = "SERVICE_FAIT"
    MANDATEE = "MANDATEE"
    MISE_A_DISPOSITION_COMPTABLE = "MISE_A_DISPOSITION_COMPTABLE"
    COMPTABILISEE = "COMPTABILISEE"
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT"
    # --- validator circuit (cadres A9, A12; reference C.3, C.9) ---
    A_VALIDER_1 = "A_VALIDER_1"
    VALIDEE_1 = "VALIDEE_1"
    REFUSEE_1 = "REFUSEE_1"
    ABSENCE_VALIDATION_1_HORS_DELAI = "ABSENCE_VALIDATION_1_HORS_DELAI"
    A_VALIDER_2 = "A_VALIDER_2"
    VALIDEE_2 = "VALIDEE_2"
    REFUSEE_2 = "REFUSEE_2"
    ABSENCE_VALIDATION_2_HORS_DELAI = "ABSENCE_VALIDATION_2_HORS_DELAI"
    ERREUR_FOURNISSEUR_SUR_VALIDEUR = "ERREUR_FOURNISSEUR_SUR_VALIDEUR"
    ERREUR_COTRAITANT_SUR_VALIDEUR = "ERREUR_COTRAITANT_SUR_VALIDEUR"
    # --- end of the validator circuit ---
    # --- works circuit (CCAG Travaux: cadres A4-A8, A14-A20, A22-A25; reference C.3, C.9) ---
    MISE_A_DISPOSITION_MOE = "MISE_A_DISPOSITION_MOE"
    A_VALIDER_MOE = "A_VALIDER_MOE"
    PRISE_EN_COMPTE_MOE = "PRISE_EN_COMPTE_MOE"
    A_COMPLETER = "A_COMPLETER"
    REFUSEE_MOE = "REFUSEE_MOE"
    ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE = "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE"
    TRANSMISE_MOA = "TRANSMISE_MOA"
    MISE_A_DISPOSITION_MOA = "MISE_A_DISPOSITION_MOA"
    PRISE_EN_COMPTE_MOA = "PRISE_EN_COMPTE_MOA"
    REFUSEE_MOA = "REFUSEE_MOA"
    # --- end of the works circuit ---


class Actor(StrEnum):
    """Who acts: the supplier, the recipient (ordonnateur), its accountant, or the platform."""

    SUPPLIER = "SUPPLIER"
    RECIPIENT = "RECIPIENT"
    ACCOUNTANT = "ACCOUNTANT"
    SYSTEM = "SYSTEM"
    # validator circuit: the prime contractor (A9) or the mandataire (A12) who accepts or
    # refuses before the recipient sees the invoice (espace « Factures à valider »).
    VALIDATOR = "VALIDATOR"
    # works circuit: the maîtrise d'œuvre and the maîtrise d'ouvrage named by the « fiche
    # identité du marché » (espace « Factures de travaux »).
    MOE = "MOE"
    MOA = "MOA"


class Effect(StrEnum):
    """What a transition triggers once committed."""

    # « Un courriel est envoyé à l'adresse de contact du fournisseur à chaque changement de
    # statut » (C.9, notifications).
    NOTIFY_SUPPLIER = "NOTIFY_SUPPLIER"
    # « L'entité destinataire reçoit un courriel quand un fournisseur dépose » (C.9), and when a
    # suspended invoice comes back completed.
    NOTIFY_RECIPIENT = "NOTIFY_RECIPIENT"
    # The supplier must acknowledge a rejection or a suspension (« acquitter », C.9).
    SUPPLIER_ACKNOWLEDGES = "SUPPLIER_ACKNOWLEDGES"
    # A recycled invoice goes through routing again (DEPOSEE -> MISE_A_DISPOSITION).
    ROUTE_AGAIN = "ROUTE_AGAIN"
    # validator circuit: the validator's users are told of an invoice to validate.
    NOTIFY_VALIDATOR = "NOTIFY_VALIDATOR"
    # works circuit: the MOE's, or the MOA's, users are told of a works invoice to process.
    NOTIFY_MOE = "NOTIFY_MOE"
    NOTIFY_MOA = "NOTIFY_MOA"


@dataclass(frozen=True)
class Rule:
    """One allowed move."""

    actors: frozenset[Actor]
    reason_required: bool = False
    mandat_number_required: bool = False
    effects: frozenset[Effect] = frozenset()
    # Optional statuses this move passes over, in order (C.9: « ces statuts sont facultatifs »).
    skips: tuple[Status, ...] = ()
    # A late update (C.9: statuses set after the invoice went to Hélios can arrive out of
    # sequence; « the transition guard should be soft »): accepted and written in the history,
    # but the invoice keeps its more advanced current status.
    out_of_order: bool = False
    notes: str = field(default="", compare=False)


# Statuses of the processing by the recipient and its accountant, in their normal order.
# SERVICE_FAIT .. COMPTABILISEE are optional: any of them may be skipped (C.9).
PROCESSING_ORDER: tuple[Status, ...] = (
    Status.MISE_A_DISPOSITION,
    Status.SERVICE_FAIT,
    Status.MANDATEE,
    Status.MISE_A_DISPOSITION_COMPTABLE,
    Status.COMPTABILISEE,
    Status.MISE_EN_PAIEMENT,
)
OPTIONAL_STATUSES: frozenset[Status] = frozenset(
    {
        Status.EN_COURS_ACHEMINEMENT,
        Status.SERVICE_FAIT,
        Status.MANDATEE,
        Status.MISE_A_DISPOSITION_COMPTABLE,
        Status.COMPTABILISEE,
    }
)

# Who sets each processing status (C.9 table): the ordonnateur certifies the service and
# issues the mandat; « mise à disposition comptable » and « comptabilisée » come from the
# recipient or its accountant; « mise en paiement » from the accountant (automatically from
# Hélios), or is entered by the recipient (`recupererEtatsPossiblesPourTraitement`, Pastell).
SETTERS: Mapping[Status, frozenset[Actor]] = {
    Status.SERVICE_FAIT: frozenset({Actor.RECIPIENT}),
    Status.MANDATEE: frozenset({Actor.RECIPIENT}),
    Status.MISE_A_DISPOSITION_COMPTABLE: frozenset({Actor.RECIPIENT, Actor.ACCOUNTANT}),
    Status.COMPTABILISEE: frozenset({Actor.RECIPIENT, Actor.ACCOUNTANT}),
    Status.MISE_EN_PAIEMENT: frozenset({Actor.RECIPIENT, Actor.ACCOUNTANT}),
}

# States from which the recipient may still suspend, reject (Pastell's connector accepts
# these current statuses) or send back for recycling.
OPEN_FOR_RECIPIENT: tuple[Status, ...] = (
    Status.MISE_A_DISPOSITION,
    Status.COMPLETEE,
    Status.SERVICE_FAIT,
    Status.MANDATEE,
)

_R = Actor.RECIPIENT
_NOTIFY_S = frozenset({Effect.NOTIFY_SUPPLIER})


def _processing_rules() -> dict[tuple[Status, Status], Rule]:
    """Forward moves between processing statuses (skipping optional ones), and late updates."""
    rules: dict[tuple[Status, Status], Rule] = {}
    # COMPLETEE is processed like MISE_A_DISPOSITION (Pastell accepts it as a current status).
    starts = (*PROCESSING_ORDER, Status.COMPLETEE)
    for source in starts:
        position = 0 if source is Status.COMPLETEE else PROCESSING_ORDER.index(source)
        for index, target in enumerate(PROCESSING_ORDER):
            if target is Status.MISE_A_DISPOSITION:
                continue
            if index > position:
                rules[(source, target)] = Rule(
                    actors=SETTERS[target],
                    mandat_number_required=target is Status.MANDATEE,
                    effects=_NOTIFY_S,
                    skips=PROCESSING_ORDER[position + 1 : index],
                )
            elif index < position:
                # The ordonnateur's statuses set after the accountant's (« MANDATEE après
                # MISE_EN_PAIEMENT », C.9), or the accountant's arriving late: recorded only.
                rules[(source, target)] = Rule(
                    actors=SETTERS[target] - {Actor.RECIPIENT}
                    if target in (Status.MISE_A_DISPOSITION_COMPTABLE, Status.COMPTABILISEE)
                    else SETTERS[target],
                    mandat_number_required=target is Status.MANDATEE,
                    out_of_order=True,
                    notes="mise à jour tardive, consignée sans faire reculer la facture",
                )
    return rules


def _build() -> dict[tuple[Status, Status], Rule]:
    table: dict[tuple[Status, Status], Rule] = {
        # Deposit and routing, by the platform (C.9: « CPP certifie l'intégration »).
        (Status.BROUILLON, Status.DEPOSEE): Rule(
            actors=frozenset({Actor.SUPPLIER, Actor.SYSTEM}), notes="envoi du brouillon"
        ),
        (Status.DEPOSEE, Status.EN_COURS_ACHEMINEMENT): Rule(actors=frozenset({Actor.SYSTEM})),
        (Status.EN_COURS_ACHEMINEMENT, Status.MISE_A_DISPOSITION): Rule(
            actors=frozenset({Actor.SYSTEM}),
            effects=frozenset({Effect.NOTIFY_SUPPLIER, Effect.NOTIFY_RECIPIENT}),
        ),
        (Status.DEPOSEE, Status.MISE_A_DISPOSITION): Rule(
            actors=frozenset({Actor.SYSTEM}),
            effects=frozenset({Effect.NOTIFY_SUPPLIER, Effect.NOTIFY_RECIPIENT}),
            skips=(Status.EN_COURS_ACHEMINEMENT,),
        ),
        # Supplier's answers: « Compléter » a suspended invoice (attachments and/or comment),
        # « Recycler » one with wrong routing data (destinataire, service, EJ; same number).
        (Status.SUSPENDUE, Status.COMPLETEE): Rule(
            actors=frozenset({Actor.SUPPLIER}),
            effects=frozenset({Effect.NOTIFY_RECIPIENT}),
            notes="compléter",
        ),
        (Status.A_RECYCLER, Status.DEPOSEE): Rule(
            actors=frozenset({Actor.SUPPLIER}),
            effects=frozenset({Effect.ROUTE_AGAIN}),
            notes="recycler",
        ),
        # A suspended invoice the supplier does not complete can still be rejected [I].
        (Status.SUSPENDUE, Status.REJETEE): Rule(
            actors=frozenset({_R}),
            reason_required=True,
            effects=frozenset({Effect.NOTIFY_SUPPLIER, Effect.SUPPLIER_ACKNOWLEDGES}),
        ),
    }
    for source in OPEN_FOR_RECIPIENT:
        table[(source, Status.SUSPENDUE)] = Rule(
            actors=frozenset({_R}),
            reason_required=True,
            effects=frozenset({Effect.NOTIFY_SUPPLIER, Effect.SUPPLIER_ACKNOWLEDGES}),
            notes="pièces justificatives manquantes",
        )
        table[(source, Status.REJETEE)] = Rule(
            actors=frozenset({_R}),
            reason_required=True,
            effects=frozenset({Effect.NOTIFY_SUPPLIER, Effect.SUPPLIER_ACKNOWLEDGES}),
            notes="définitif : le fournisseur refacture sous un nouveau numéro",
        )
        # Once a mandat is issued the routing was right: no recycling from MANDATEE.
        if source is not Status.MANDATEE:
            table[(source, Status.A_RECYCLER)] = Rule(
                actors=frozenset({_R}),
                effects=_NOTIFY_S,
                notes="erreur de destinataire, de service ou d'engagement",
            )
    table.update(_processing_rules())
    table.update(_validator_circuit_rules())
    table.update(_works_circuit_rules())
    return table


# --- validator circuit (cadres A9_FACTURE_SOUSTRAITANT, A12_FACTURE_COTRAITANT) -------------
# Reference C.3: a subcontractor's invoice (A9) is validated by the prime contractor, a
# co-contractor's (A12) by the mandataire, before the recipient sees it; the validator has
# 15 days, after which the validation is tacit (ABSENCE_VALIDATION_..._HORS_DELAI). Under
# co-contracting a subcontractor's invoice goes through two levels: the co-contractor (1),
# then the mandataire (2). A validator who is not the right one says so (ERREUR_..._SUR_VALIDEUR:
# level 1 named by the supplier, level 2 by the co-contractor for the supplier, [I]) and the
# supplier corrects the validator (`corriger/valideur/facture`); a refusal is final: the
# supplier invoices again under a new number, as after a rejection [I].
VALIDATION_LEVELS: Mapping[int, tuple[Status, Status, Status, Status, Status]] = {
    # level: (to validate, validated, refused, tacit, wrong validator)
    1: (
        Status.A_VALIDER_1,
        Status.VALIDEE_1,
        Status.REFUSEE_1,
        Status.ABSENCE_VALIDATION_1_HORS_DELAI,
        Status.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
    ),
    2: (
        Status.A_VALIDER_2,
        Status.VALIDEE_2,
        Status.REFUSEE_2,
        Status.ABSENCE_VALIDATION_2_HORS_DELAI,
        Status.ERREUR_COTRAITANT_SUR_VALIDEUR,
    ),
}
VALIDATION_DELAY_DAYS = 15


def _validator_circuit_rules() -> dict[tuple[Status, Status], Rule]:
    system, validator = frozenset({Actor.SYSTEM}), frozenset({Actor.VALIDATOR})
    to_validator = frozenset({Effect.NOTIFY_SUPPLIER, Effect.NOTIFY_VALIDATOR})
    to_recipient = frozenset({Effect.NOTIFY_SUPPLIER, Effect.NOTIFY_RECIPIENT})
    rules: dict[tuple[Status, Status], Rule] = {
        (Status.DEPOSEE, Status.A_VALIDER_1): Rule(
            actors=system, effects=to_validator, notes="cadre A9 ou A12 : au valideur"
        ),
        # A flux (EDI, API deposer/flux) names no validator, or one that cannot validate: the
        # supplier names the right one (`corriger/valideur/facture`).
        (Status.DEPOSEE, Status.ERREUR_FOURNISSEUR_SUR_VALIDEUR): Rule(
            actors=system, effects=_NOTIFY_S, notes="valideur absent ou inconnu"
        ),
    }
    for level, (waiting, validated, refused, tacit, wrong) in VALIDATION_LEVELS.items():
        rules[(waiting, validated)] = Rule(actors=validator, effects=_NOTIFY_S)
        rules[(waiting, refused)] = Rule(
            actors=validator,
            reason_required=True,
            effects=frozenset({Effect.NOTIFY_SUPPLIER, Effect.SUPPLIER_ACKNOWLEDGES}),
            notes="définitif : le fournisseur refacture sous un nouveau numéro",
        )
        rules[(waiting, tacit)] = Rule(
            actors=system,
            effects=_NOTIFY_S,
            notes=f"validation tacite après {VALIDATION_DELAY_DAYS} jours",
        )
        rules[(waiting, wrong)] = Rule(
            actors=validator,
            reason_required=True,
            effects=_NOTIFY_S,
            notes="le valideur n'est pas le bon",
        )
        rules[(wrong, waiting)] = Rule(
            actors=frozenset({Actor.SUPPLIER}),
            effects=frozenset({Effect.NOTIFY_VALIDATOR}),
            notes="corriger le valideur",
        )
        for done in (validated, tacit):
            rules[(done, Status.MISE_A_DISPOSITION)] = Rule(actors=system, effects=to_recipient)
            if level == 1:
                rules[(done, Status.A_VALIDER_2)] = Rule(
                    actors=system, effects=to_validator, notes="second niveau : le mandataire"
                )
    return rules


# --- end of the validator circuit ------------------------------------------------------------


# --- works circuit (CCAG Travaux; choeur/works/) ---------------------------------------------
# Reference C.3: supplier -> maîtrise d'œuvre (MOE) -> maîtrise d'ouvrage (MOA) -> paying
# service. A supplier's projet de décompte (A4 mensuel, A7/A14 final) is put at the MOE's
# disposal; the MOE takes it into account, asks for it to be completed (A_COMPLETER: the
# supplier completes it, it comes back À valider), refuses it, or issues its état d'acompte /
# projet de décompte général (A15-A18, A24, A25) and transmits it to the MOA. A deposit made
# to the MOA directly (A5, A22; a contract without MOE) and a projet the MOE left unanswered
# past the regulatory delay reach the MOA too. The MOA takes it into account, refuses it, or
# validates it (A19, A20) and transmits it to the paying service, where the ordinary
# processing follows (« Factures reçues »). Without the MOA's answer past its delay the
# décompte becomes tacit (A23) and reaches the paying service all the same. Refusals are
# final: the supplier deposits again under a new number [I]. Delays: choeur/works/delays.py.
WORKS_MOE_OPEN: tuple[Status, ...] = (
    Status.MISE_A_DISPOSITION_MOE,
    Status.A_VALIDER_MOE,
    Status.PRISE_EN_COMPTE_MOE,
)
WORKS_MOA_OPEN: tuple[Status, ...] = (
    Status.TRANSMISE_MOA,
    Status.MISE_A_DISPOSITION_MOA,
    Status.PRISE_EN_COMPTE_MOA,
)


def _works_circuit_rules() -> dict[tuple[Status, Status], Rule]:
    system, moe, moa = (
        frozenset({Actor.SYSTEM}),
        frozenset({Actor.MOE}),
        frozenset({Actor.MOA}),
    )
    to_moe = frozenset({Effect.NOTIFY_SUPPLIER, Effect.NOTIFY_MOE})
    to_moa = frozenset({Effect.NOTIFY_SUPPLIER, Effect.NOTIFY_MOA})
    refused = frozenset({Effect.NOTIFY_SUPPLIER, Effect.SUPPLIER_ACKNOWLEDGES})
    rules: dict[tuple[Status, Status], Rule] = {
        (Status.DEPOSEE, Status.MISE_A_DISPOSITION_MOE): Rule(
            actors=system, effects=to_moe, notes="projet de décompte : à la MOE du marché"
        ),
        (Status.DEPOSEE, Status.MISE_A_DISPOSITION_MOA): Rule(
            actors=system, effects=to_moa, notes="dépôt adressé à la MOA (A5, A22, marché sans MOE)"
        ),
        (Status.A_COMPLETER, Status.A_VALIDER_MOE): Rule(
            actors=frozenset({Actor.SUPPLIER}),
            effects=frozenset({Effect.NOTIFY_MOE}),
            notes="compléter",
        ),
        (Status.PRISE_EN_COMPTE_MOE, Status.TRANSMISE_MOA): Rule(
            actors=moe,
            effects=to_moa,
            notes="avec l'état d'acompte ou le (projet de) décompte général de la MOE",
        ),
        (Status.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE, Status.MISE_A_DISPOSITION_MOA): Rule(
            actors=system, effects=to_moa, notes="procédure tacite : le projet va à la MOA"
        ),
        (Status.PRISE_EN_COMPTE_MOA, Status.MISE_A_DISPOSITION): Rule(
            actors=frozenset({Actor.MOA, Actor.SYSTEM}),
            effects=frozenset({Effect.NOTIFY_SUPPLIER, Effect.NOTIFY_RECIPIENT}),
            notes="validée par la MOA (A19, A20) ou tacitement : au service payeur",
        ),
    }
    for source in (Status.MISE_A_DISPOSITION_MOE, Status.A_VALIDER_MOE):
        rules[(source, Status.PRISE_EN_COMPTE_MOE)] = Rule(actors=moe, effects=_NOTIFY_S)
    for source in WORKS_MOE_OPEN:
        rules[(source, Status.A_COMPLETER)] = Rule(
            actors=moe, reason_required=True, effects=_NOTIFY_S, notes="pièces à compléter"
        )
        rules[(source, Status.REFUSEE_MOE)] = Rule(
            actors=moe, reason_required=True, effects=refused, notes="définitif"
        )
        rules[(source, Status.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE)] = Rule(
            actors=system, effects=_NOTIFY_S, notes="délai réglementaire de la MOE dépassé"
        )
    for source in (Status.TRANSMISE_MOA, Status.MISE_A_DISPOSITION_MOA):
        rules[(source, Status.PRISE_EN_COMPTE_MOA)] = Rule(actors=moa, effects=_NOTIFY_S)
        rules[(source, Status.MISE_A_DISPOSITION)] = Rule(
            actors=system,
            effects=frozenset({Effect.NOTIFY_SUPPLIER, Effect.NOTIFY_RECIPIENT}),
            notes="délai réglementaire de la MOA dépassé : décompte tacite",
        )
    for source in WORKS_MOA_OPEN:
        rules[(source, Status.REFUSEE_MOA)] = Rule(
            actors=moa, reason_required=True, effects=refused, notes="définitif"
        )
    # A subcontractor's (A10, A11) or a co-contractor's (A13, A14) projet de décompte is first
    # accepted by the titulaire, resp. the mandataire (the validator circuit above, one or two
    # levels), explicitly or tacitly; then it enters the works circuit like the titulaire's.
    for level, (_waiting, validated, _refused, tacit, _wrong) in VALIDATION_LEVELS.items():
        for done in (validated, tacit):
            rules[(done, Status.MISE_A_DISPOSITION_MOE)] = Rule(
                actors=system,
                effects=to_moe,
                notes=f"projet validé (niveau {level}) : à la MOE du marché",
            )
            rules[(done, Status.MISE_A_DISPOSITION_MOA)] = Rule(
                actors=system,
                effects=to_moa,
                notes=f"projet validé (niveau {level}), marché sans MOE : à la MOA",
            )
    return rules


# Statuses of an invoice held in the validator or the works circuit: its recipient (the paying
# service) does not see it yet, and is told of it only when it reaches MISE_A_DISPOSITION.
WORKS_STATUSES: frozenset[Status] = frozenset(
    {
        *WORKS_MOE_OPEN,
        *WORKS_MOA_OPEN,
        Status.A_COMPLETER,
        Status.REFUSEE_MOE,
        Status.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE,
        Status.REFUSEE_MOA,
    }
)
HELD_FROM_RECIPIENT: frozenset[Status] = WORKS_STATUSES | frozenset(
    status for statuses in VALIDATION_LEVELS.values() for status in statuses
)

# --- end of the works circuit ----------------------------------------------------------------


TRANSITIONS: Mapping[tuple[Status, Status], Rule] = _build()


class TransitionRefused(Exception):
    """A move the table does not allow; `message` is French and shown as is."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


LABELS: Mapping[Status, str] = {
    Status.BROUILLON: "Brouillon",
    Status.DEPOSEE: "Déposée",
    Status.EN_COURS_ACHEMINEMENT: "En cours d'acheminement",
    Status.MISE_A_DISPOSITION: "Mise à disposition",
    Status.A_RECYCLER: "À recycler",
    Status.SUSPENDUE: "Suspendue",
    Status.COMPLETEE: "Complétée",
    Status.REJETEE: "Rejetée",
    Status.SERVICE_FAIT: "Service fait",
    Status.MANDATEE: "Mandatée",
    Status.MISE_A_DISPOSITION_COMPTABLE: "Mise à disposition comptable",
    Status.COMPTABILISEE: "Comptabilisée",
    Status.MISE_EN_PAIEMENT: "Mise en paiement",
    # validator circuit
    Status.A_VALIDER_1: "À valider (1)",
    Status.VALIDEE_1: "Validée (1)",
    Status.REFUSEE_1: "Refusée (1)",
    Status.ABSENCE_VALIDATION_1_HORS_DELAI: "Validée tacitement (1)",
    Status.A_VALIDER_2: "À valider (2)",
    Status.VALIDEE_2: "Validée (2)",
    Status.REFUSEE_2: "Refusée (2)",
    Status.ABSENCE_VALIDATION_2_HORS_DELAI: "Validée tacitement (2)",
    Status.ERREUR_FOURNISSEUR_SUR_VALIDEUR: "Erreur du fournisseur sur le valideur",
    Status.ERREUR_COTRAITANT_SUR_VALIDEUR: "Erreur du cotraitant sur le valideur",
    # works circuit
    Status.MISE_A_DISPOSITION_MOE: "Mise à disposition de la MOE",
    Status.A_VALIDER_MOE: "À valider par la MOE",
    Status.PRISE_EN_COMPTE_MOE: "Prise en compte par la MOE",
    Status.A_COMPLETER: "À compléter",
    Status.REFUSEE_MOE: "Refusée par la MOE",
    Status.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE: "Sans réponse de la MOE dans le délai",
    Status.TRANSMISE_MOA: "Transmise à la MOA",
    Status.MISE_A_DISPOSITION_MOA: "Mise à disposition de la MOA",
    Status.PRISE_EN_COMPTE_MOA: "Prise en compte par la MOA",
    Status.REFUSEE_MOA: "Refusée par la MOA",
}
ACTOR_LABELS: Mapping[Actor, str] = {
    Actor.SUPPLIER: "fournisseur",
    Actor.RECIPIENT: "destinataire",
    Actor.ACCOUNTANT: "comptable",
    Actor.SYSTEM: "plateforme",
    Actor.VALIDATOR: "valideur",
    Actor.MOE: "maîtrise d'œuvre",
    Actor.MOA: "maîtrise d'ouvrage",
}
_RESERVED_TO: Mapping[Actor, str] = {
    Actor.SUPPLIER: "au fournisseur",
    Actor.RECIPIENT: "au destinataire",
    Actor.ACCOUNTANT: "au comptable",
    Actor.SYSTEM: "à la plateforme",
    Actor.VALIDATOR: "au valideur",
    Actor.MOE: "à la maîtrise d'œuvre",
    Actor.MOA: "à la maîtrise d'ouvrage",
}


def _status(value: str) -> Status | None:
    try:
        return Status(value)
    except ValueError:
        return None


def rule_for(from_status: str, to_status: str) -> Rule | None:
    """The rule of one move, or None when the table does not have it."""
    source, target = _status(from_status), _status(to_status)
    if source is None or target is None:
        return None
    return TRANSITIONS.get((source, target))


def check(
    *,
    from_status: str,
    to_status: str,
    actor: Actor,
    reason: str = "",
    mandat_number: str = "",
) -> Rule:
    """The rule allowing this move by this actor, or TransitionRefused saying why not."""
    target = _status(to_status)
    if target is None:
        raise TransitionRefused(f"Statut inconnu : « {to_status} ».", code="UNKNOWN_STATUS")
    target_label = LABELS[target]
    source = _status(from_status)
    source_label = LABELS[source] if source is not None else from_status
    if source is target:
        raise TransitionRefused(
            f"La facture est déjà au statut « {target_label} ».", code="SAME_STATUS"
        )
    rule = rule_for(from_status, to_status)
    if rule is None:
        raise TransitionRefused(
            f"Une facture au statut « {source_label} » ne peut pas passer au statut "
            f"« {target_label} ».",
            code="NOT_ALLOWED",
        )
    if actor not in rule.actors:
        who = " ou ".join(_RESERVED_TO[a] for a in Actor if a in rule.actors)
        raise TransitionRefused(
            f"Le passage au statut « {target_label} » est réservé {who}.", code="WRONG_ACTOR"
        )
    if rule.reason_required and not reason.strip():
        raise TransitionRefused(
            f"Un motif est obligatoire pour passer la facture au statut « {target_label} ».",
            code="REASON_REQUIRED",
        )
    if rule.mandat_number_required and not mandat_number.strip():
        raise TransitionRefused(
            "Le numéro de mandat est obligatoire pour marquer la facture « Mandatée ».",
            code="MANDAT_NUMBER_REQUIRED",
        )
    return rule


def targets_for(from_status: str, actor: Actor, *, include_late: bool = False) -> list[Status]:
    """The statuses `actor` may move an invoice to from `from_status`, in the table's order."""
    source = _status(from_status)
    if source is None:
        return []
    return [
        target
        for (start, target), rule in TRANSITIONS.items()
        if start is source and actor in rule.actors and (include_late or not rule.out_of_order)
    ]


def final_statuses() -> frozenset[Status]:
    """Statuses with no move forward left (REJETEE; MISE_EN_PAIEMENT but for late updates)."""
    return frozenset(
        status
        for status in Status
        if not any(start is status and not r.out_of_order for (start, _), r in TRANSITIONS.items())
    )
