"""The validator circuit's part of the transition table (cadres A9 and A12, reference C.3/C.9).

`VALIDATOR_EXPECTED` is written out by hand from the reference, independently of how
transitions.py builds the block; test_transitions.py adds it to the expectation it checks for
every pair of statuses and every actor.
"""

from __future__ import annotations

import pytest

from choeur.lifecycle.transitions import (
    TRANSITIONS,
    VALIDATION_DELAY_DAYS,
    Actor,
    Effect,
    Status,
    TransitionRefused,
    check,
    final_statuses,
    rule_for,
    targets_for,
)

S, V, P = Actor.SUPPLIER, Actor.VALIDATOR, Actor.SYSTEM
MAD = "MISE_A_DISPOSITION"

VALIDATOR_EXPECTED: dict[tuple[str, str], set[Actor]] = {
    ("DEPOSEE", "A_VALIDER_1"): {P},
    ("DEPOSEE", "ERREUR_FOURNISSEUR_SUR_VALIDEUR"): {P},
    # level 1: the prime contractor (A9), the mandataire (A12) or the co-contractor (A9 under
    # co-contracting)
    ("A_VALIDER_1", "VALIDEE_1"): {V},
    ("A_VALIDER_1", "REFUSEE_1"): {V},
    ("A_VALIDER_1", "ABSENCE_VALIDATION_1_HORS_DELAI"): {P},
    ("A_VALIDER_1", "ERREUR_FOURNISSEUR_SUR_VALIDEUR"): {V},
    ("ERREUR_FOURNISSEUR_SUR_VALIDEUR", "A_VALIDER_1"): {S},
    ("VALIDEE_1", MAD): {P},
    ("ABSENCE_VALIDATION_1_HORS_DELAI", MAD): {P},
    ("VALIDEE_1", "A_VALIDER_2"): {P},
    ("ABSENCE_VALIDATION_1_HORS_DELAI", "A_VALIDER_2"): {P},
    # level 2: the mandataire
    ("A_VALIDER_2", "VALIDEE_2"): {V},
    ("A_VALIDER_2", "REFUSEE_2"): {V},
    ("A_VALIDER_2", "ABSENCE_VALIDATION_2_HORS_DELAI"): {P},
    ("A_VALIDER_2", "ERREUR_COTRAITANT_SUR_VALIDEUR"): {V},
    ("ERREUR_COTRAITANT_SUR_VALIDEUR", "A_VALIDER_2"): {S},
    ("VALIDEE_2", MAD): {P},
    ("ABSENCE_VALIDATION_2_HORS_DELAI", MAD): {P},
    # a works projet of a subcontractor (A10, A11) or co-contractor (A13, A14), once validated
    # at its last level, enters the works circuit (tests/works/test_works_table.py)
    **{
        (done, works): {P}
        for done in (
            "VALIDEE_1",
            "ABSENCE_VALIDATION_1_HORS_DELAI",
            "VALIDEE_2",
            "ABSENCE_VALIDATION_2_HORS_DELAI",
        )
        for works in ("MISE_A_DISPOSITION_MOE", "MISE_A_DISPOSITION_MOA")
    },
}
# The moves after which the recipient is told of a new invoice to process.
VALIDATOR_NOTIFIES_RECIPIENT = {
    ("VALIDEE_1", MAD),
    ("ABSENCE_VALIDATION_1_HORS_DELAI", MAD),
    ("VALIDEE_2", MAD),
    ("ABSENCE_VALIDATION_2_HORS_DELAI", MAD),
}
# Targets a validator reaches only with a reason (a refusal, « je ne suis pas le valideur »).
VALIDATOR_REASON_REQUIRED = {
    "REFUSEE_1",
    "REFUSEE_2",
    "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
    "ERREUR_COTRAITANT_SUR_VALIDEUR",
}
VALIDATOR_FINAL = {Status.REFUSEE_1, Status.REFUSEE_2}
VALIDATOR_STATUSES = {
    "A_VALIDER_1",
    "VALIDEE_1",
    "REFUSEE_1",
    "ABSENCE_VALIDATION_1_HORS_DELAI",
    "A_VALIDER_2",
    "VALIDEE_2",
    "REFUSEE_2",
    "ABSENCE_VALIDATION_2_HORS_DELAI",
    "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
    "ERREUR_COTRAITANT_SUR_VALIDEUR",
}


def test_block_is_exactly_the_expectation():
    block = {
        (s.value, t.value): set(r.actors)
        for (s, t), r in TRANSITIONS.items()
        if s.value in VALIDATOR_STATUSES or t.value in VALIDATOR_STATUSES
    }
    assert block == VALIDATOR_EXPECTED


def test_the_validator_acts_only_on_invoices_to_validate():
    for (source, _target), rule in TRANSITIONS.items():
        if V in rule.actors:
            assert source.value in ("A_VALIDER_1", "A_VALIDER_2")
    assert set(targets_for("A_VALIDER_1", V)) == {
        "VALIDEE_1",
        "REFUSEE_1",
        "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
    }
    assert targets_for(MAD, V) == []
    # the recipient has nothing to do on an invoice still in validation
    for status in VALIDATOR_STATUSES:
        assert targets_for(status, Actor.RECIPIENT) == []


@pytest.mark.parametrize(
    "target", ["REFUSEE_1", "ERREUR_FOURNISSEUR_SUR_VALIDEUR"], ids=lambda v: str(v)
)
def test_refusing_needs_a_reason(target):
    with pytest.raises(TransitionRefused) as refused:
        check(from_status="A_VALIDER_1", to_status=target, actor=V, reason=" ")
    assert refused.value.code == "REASON_REQUIRED"
    assert check(from_status="A_VALIDER_1", to_status=target, actor=V, reason="Travaux non faits")


def test_validation_by_someone_else_names_the_validator():
    with pytest.raises(TransitionRefused) as refused:
        check(from_status="A_VALIDER_1", to_status="VALIDEE_1", actor=Actor.RECIPIENT)
    assert refused.value.message == "Le passage au statut « Validée (1) » est réservé au valideur."
    with pytest.raises(TransitionRefused) as refused:
        check(from_status="A_VALIDER_1", to_status="ABSENCE_VALIDATION_1_HORS_DELAI", actor=V)
    assert refused.value.code == "WRONG_ACTOR"


def test_reasons_required_exactly_on_refusals():
    required = {
        (s.value, t.value)
        for (s, t), r in TRANSITIONS.items()
        if r.reason_required and t.value in VALIDATOR_STATUSES
    }
    assert {t for _, t in required} == VALIDATOR_REASON_REQUIRED
    assert not rule_for("DEPOSEE", "ERREUR_FOURNISSEUR_SUR_VALIDEUR").reason_required


def test_effects():
    assert Effect.NOTIFY_VALIDATOR in rule_for("DEPOSEE", "A_VALIDER_1").effects
    assert Effect.NOTIFY_VALIDATOR in rule_for("VALIDEE_1", "A_VALIDER_2").effects
    assert (
        Effect.NOTIFY_VALIDATOR
        in rule_for("ERREUR_FOURNISSEUR_SUR_VALIDEUR", "A_VALIDER_1").effects
    )
    assert Effect.SUPPLIER_ACKNOWLEDGES in rule_for("A_VALIDER_2", "REFUSEE_2").effects
    notified = {
        (s.value, t.value)
        for (s, t), r in TRANSITIONS.items()
        if Effect.NOTIFY_RECIPIENT in r.effects
        and (s.value in VALIDATOR_STATUSES or t.value in VALIDATOR_STATUSES)
    }
    assert notified == VALIDATOR_NOTIFIES_RECIPIENT


def test_refusals_are_final_and_the_delay_is_fifteen_days():
    assert final_statuses() >= VALIDATOR_FINAL
    assert VALIDATION_DELAY_DAYS == 15
