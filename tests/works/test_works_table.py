"""The works circuit's part of the transition table (CCAG Travaux, reference C.3/C.9).

`WORKS_EXPECTED` is written out by hand from the reference and docs/works.md, independently of
how transitions.py builds the block; tests/lifecycle/test_transitions.py adds it to the
expectation it checks for every pair of statuses and every actor.
"""

from __future__ import annotations

import pytest

from choeur.lifecycle.transitions import (
    TRANSITIONS,
    Actor,
    Effect,
    Status,
    TransitionRefused,
    check,
    final_statuses,
    rule_for,
    targets_for,
)

S, E, W, P = Actor.SUPPLIER, Actor.MOE, Actor.MOA, Actor.SYSTEM
MAD = "MISE_A_DISPOSITION"
MAD_MOE = "MISE_A_DISPOSITION_MOE"
AV_MOE = "A_VALIDER_MOE"
PEC_MOE = "PRISE_EN_COMPTE_MOE"
AC = "A_COMPLETER"
REF_MOE = "REFUSEE_MOE"
TACIT_MOE = "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE"
TR_MOA = "TRANSMISE_MOA"
MAD_MOA = "MISE_A_DISPOSITION_MOA"
PEC_MOA = "PRISE_EN_COMPTE_MOA"
REF_MOA = "REFUSEE_MOA"

WORKS_EXPECTED: dict[tuple[str, str], set[Actor]] = {
    ("DEPOSEE", MAD_MOE): {P},
    ("DEPOSEE", MAD_MOA): {P},
    # the MOE
    (MAD_MOE, PEC_MOE): {E},
    (AV_MOE, PEC_MOE): {E},
    (MAD_MOE, AC): {E},
    (AV_MOE, AC): {E},
    (PEC_MOE, AC): {E},
    (MAD_MOE, REF_MOE): {E},
    (AV_MOE, REF_MOE): {E},
    (PEC_MOE, REF_MOE): {E},
    (PEC_MOE, TR_MOA): {E},
    (AC, AV_MOE): {S},
    # the MOE's regulatory delay
    (MAD_MOE, TACIT_MOE): {P},
    (AV_MOE, TACIT_MOE): {P},
    (PEC_MOE, TACIT_MOE): {P},
    (TACIT_MOE, MAD_MOA): {P},
    # the MOA
    (TR_MOA, PEC_MOA): {W},
    (MAD_MOA, PEC_MOA): {W},
    (TR_MOA, REF_MOA): {W},
    (MAD_MOA, REF_MOA): {W},
    (PEC_MOA, REF_MOA): {W},
    (PEC_MOA, MAD): {W, P},
    # the MOA's regulatory delay: tacit décompte, to the paying service
    (TR_MOA, MAD): {P},
    (MAD_MOA, MAD): {P},
    # a subcontractor's (A10, A11) or co-contractor's (A13, A14) projet accepted by the titulaire
    # (the mandataire), explicitly or tacitly, at its last level: to the MOE, or the MOA
    ("VALIDEE_1", MAD_MOE): {P},
    ("ABSENCE_VALIDATION_1_HORS_DELAI", MAD_MOE): {P},
    ("VALIDEE_2", MAD_MOE): {P},
    ("ABSENCE_VALIDATION_2_HORS_DELAI", MAD_MOE): {P},
    ("VALIDEE_1", MAD_MOA): {P},
    ("ABSENCE_VALIDATION_1_HORS_DELAI", MAD_MOA): {P},
    ("VALIDEE_2", MAD_MOA): {P},
    ("ABSENCE_VALIDATION_2_HORS_DELAI", MAD_MOA): {P},
}
WORKS_NOTIFIES_RECIPIENT = {(PEC_MOA, MAD), (TR_MOA, MAD), (MAD_MOA, MAD)}
WORKS_REASON_REQUIRED = {AC, REF_MOE, REF_MOA}
WORKS_FINAL = {Status.REFUSEE_MOE, Status.REFUSEE_MOA}
WORKS_STATUSES = {
    MAD_MOE,
    AV_MOE,
    PEC_MOE,
    AC,
    REF_MOE,
    TACIT_MOE,
    TR_MOA,
    MAD_MOA,
    PEC_MOA,
    REF_MOA,
}


def test_block_is_exactly_the_expectation():
    block = {
        (s.value, t.value): set(r.actors)
        for (s, t), r in TRANSITIONS.items()
        if s.value in WORKS_STATUSES or t.value in WORKS_STATUSES
    }
    assert block == WORKS_EXPECTED


def test_moe_and_moa_act_only_at_their_stage():
    for (source, _target), rule in TRANSITIONS.items():
        if E in rule.actors:
            assert source.value in (MAD_MOE, AV_MOE, PEC_MOE)
        if W in rule.actors:
            assert source.value in (TR_MOA, MAD_MOA, PEC_MOA)
    assert set(targets_for(MAD_MOE, E)) == {PEC_MOE, AC, REF_MOE}
    assert set(targets_for(PEC_MOE, E)) == {AC, REF_MOE, TR_MOA}
    assert set(targets_for(PEC_MOA, W)) == {REF_MOA, MAD}
    assert targets_for(MAD, E) == [] and targets_for(MAD, W) == []
    # the paying service has nothing to do before the MOA transmits
    for status in WORKS_STATUSES:
        assert targets_for(status, Actor.RECIPIENT) == []


def test_someone_else_is_told_who_may():
    with pytest.raises(TransitionRefused) as refused:
        check(from_status=MAD_MOE, to_status=PEC_MOE, actor=W)
    assert refused.value.message == (
        "Le passage au statut « Prise en compte par la MOE » est réservé à la maîtrise d'œuvre."
    )
    with pytest.raises(TransitionRefused) as refused:
        check(from_status=TR_MOA, to_status=PEC_MOA, actor=Actor.RECIPIENT)
    assert refused.value.code == "WRONG_ACTOR"
    # the MOE cannot jump to the paying service
    with pytest.raises(TransitionRefused) as refused:
        check(from_status=PEC_MOE, to_status=MAD, actor=E)
    assert refused.value.code == "NOT_ALLOWED"


@pytest.mark.parametrize(
    ("source", "target", "actor"),
    [(MAD_MOE, AC, E), (PEC_MOE, REF_MOE, E), (PEC_MOA, REF_MOA, W)],
    ids=str,
)
def test_completion_requests_and_refusals_need_a_reason(source, target, actor):
    with pytest.raises(TransitionRefused) as refused:
        check(from_status=source, to_status=target, actor=actor, reason="  ")
    assert refused.value.code == "REASON_REQUIRED"
    assert check(from_status=source, to_status=target, actor=actor, reason="Métré manquant")


def test_reasons_required_exactly_there():
    required = {
        t.value
        for (s, t), r in TRANSITIONS.items()
        if r.reason_required and (s.value in WORKS_STATUSES or t.value in WORKS_STATUSES)
    }
    assert required == WORKS_REASON_REQUIRED


def test_effects_tell_the_next_party():
    assert Effect.NOTIFY_MOE in rule_for("DEPOSEE", MAD_MOE).effects
    assert Effect.NOTIFY_MOE in rule_for(AC, AV_MOE).effects
    assert Effect.NOTIFY_MOA in rule_for(PEC_MOE, TR_MOA).effects
    assert Effect.NOTIFY_MOA in rule_for(TACIT_MOE, MAD_MOA).effects
    assert Effect.NOTIFY_MOA in rule_for("DEPOSEE", MAD_MOA).effects
    assert Effect.NOTIFY_MOE in rule_for("VALIDEE_1", MAD_MOE).effects
    assert Effect.NOTIFY_MOE in rule_for("ABSENCE_VALIDATION_2_HORS_DELAI", MAD_MOE).effects
    assert Effect.NOTIFY_MOA in rule_for("VALIDEE_2", MAD_MOA).effects
    assert Effect.NOTIFY_RECIPIENT not in rule_for("VALIDEE_1", MAD_MOE).effects
    assert Effect.SUPPLIER_ACKNOWLEDGES in rule_for(PEC_MOA, REF_MOA).effects
    notified = {
        (s.value, t.value)
        for (s, t), r in TRANSITIONS.items()
        if Effect.NOTIFY_RECIPIENT in r.effects
        and (s.value in WORKS_STATUSES or t.value in WORKS_STATUSES)
    }
    assert notified == WORKS_NOTIFIES_RECIPIENT


def test_held_statuses_are_every_circuit_status_before_the_payer():
    from choeur.lifecycle.transitions import HELD_FROM_RECIPIENT

    held = {s.value for s in HELD_FROM_RECIPIENT}
    assert held >= WORKS_STATUSES
    assert {"A_VALIDER_1", "VALIDEE_2", "ERREUR_COTRAITANT_SUR_VALIDEUR"} <= held
    assert not held & {"DEPOSEE", MAD, "SUSPENDUE", "COMPLETEE", "MISE_EN_PAIEMENT"}


def test_refusals_are_final_and_the_rest_goes_on():
    finals = final_statuses()
    assert finals >= WORKS_FINAL
    assert not (finals & {Status(s) for s in WORKS_STATUSES - {REF_MOE, REF_MOA}})
