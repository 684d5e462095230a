"""The transition table, checked exhaustively: every pair of statuses, every actor.

The expectation below is written out by hand from reference C.9/C.10, independently of how
transitions.py builds its table, so a wrong edit of the table fails here.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

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
from tests.lifecycle.test_validation_circuit_table import (
    VALIDATOR_EXPECTED,
    VALIDATOR_FINAL,
    VALIDATOR_NOTIFIES_RECIPIENT,
    VALIDATOR_REASON_REQUIRED,
)
from tests.works.test_works_table import (
    WORKS_EXPECTED,
    WORKS_FINAL,
    WORKS_NOTIFIES_RECIPIENT,
    WORKS_REASON_REQUIRED,
)

S, R, A, P = Actor.SUPPLIER, Actor.RECIPIENT, Actor.ACCOUNTANT, Actor.SYSTEM
MAD = "MISE_A_DISPOSITION"
SF = "SERVICE_FAIT"
MAN = "MANDATEE"
MADC = "MISE_A_DISPOSITION_COMPTABLE"
CPT = "COMPTABILISEE"
MEP = "MISE_EN_PAIEMENT"

# (from, to) -> actors allowed, for the moves that change the current status.
EXPECTED: dict[tuple[str, str], set[Actor]] = {
    ("BROUILLON", "DEPOSEE"): {S, P},
    ("DEPOSEE", "EN_COURS_ACHEMINEMENT"): {P},
    ("EN_COURS_ACHEMINEMENT", MAD): {P},
    ("DEPOSEE", MAD): {P},
    ("SUSPENDUE", "COMPLETEE"): {S},
    ("A_RECYCLER", "DEPOSEE"): {S},
    ("SUSPENDUE", "REJETEE"): {R},
}
for _source in (MAD, "COMPLETEE", SF, MAN):
    EXPECTED[(_source, "SUSPENDUE")] = {R}
    EXPECTED[(_source, "REJETEE")] = {R}
for _source in (MAD, "COMPLETEE", SF):
    EXPECTED[(_source, "A_RECYCLER")] = {R}
_SETTERS = {SF: {R}, MAN: {R}, MADC: {R, A}, CPT: {R, A}, MEP: {R, A}}
_FORWARD = {
    MAD: [SF, MAN, MADC, CPT, MEP],
    "COMPLETEE": [SF, MAN, MADC, CPT, MEP],
    SF: [MAN, MADC, CPT, MEP],
    MAN: [MADC, CPT, MEP],
    MADC: [CPT, MEP],
    CPT: [MEP],
}
for _source, _targets in _FORWARD.items():
    for _target in _targets:
        EXPECTED[(_source, _target)] = _SETTERS[_target]

# The validator circuit (A9, A12), written out in its own test module.
EXPECTED.update(VALIDATOR_EXPECTED)
# The works circuit (CCAG Travaux), written out in tests/works/test_works_table.py; the MOA's
# validation and its tacit counterpart both lead from PRISE_EN_COMPTE_MOA to the paying service.
EXPECTED.update(WORKS_EXPECTED)

# Late updates (C.9, Hélios): recorded, the current status stays.
EXPECTED_LATE: dict[tuple[str, str], set[Actor]] = {
    (MAN, SF): {R},
    (MADC, SF): {R},
    (MADC, MAN): {R},
    (CPT, SF): {R},
    (CPT, MAN): {R},
    (CPT, MADC): {A},
    (MEP, SF): {R},
    (MEP, MAN): {R},
    (MEP, MADC): {A},
    (MEP, CPT): {A},
}

ALL_CASES = list(itertools.product(Status, Status, Actor))


def _reason_for(target: str) -> str:
    needs = ("SUSPENDUE", "REJETEE", *VALIDATOR_REASON_REQUIRED, *WORKS_REASON_REQUIRED)
    return "Bon de livraison manquant" if target in needs else ""


@pytest.mark.parametrize(("source", "target", "actor"), ALL_CASES, ids=lambda v: str(v))
def test_every_pair_and_actor_is_allowed_exactly_as_the_reference_says(source, target, actor):
    allowed = EXPECTED.get((source, target), set()) | EXPECTED_LATE.get((source, target), set())
    kwargs = {
        "from_status": source,
        "to_status": target,
        "actor": actor,
        "reason": _reason_for(target),
        "mandat_number": "MDT-1" if target == MAN else "",
    }
    if actor in allowed:
        rule = check(**kwargs)
        assert rule.out_of_order is ((source, target) in EXPECTED_LATE)
    else:
        with pytest.raises(TransitionRefused) as refused:
            check(**kwargs)
        assert refused.value.message  # a French sentence, shown as is
        expected_code = (
            "SAME_STATUS"
            if source == target
            else "NOT_ALLOWED"
            if (source, target) not in EXPECTED and (source, target) not in EXPECTED_LATE
            else "WRONG_ACTOR"
        )
        assert refused.value.code == expected_code


def test_table_has_no_entry_the_expectation_lacks():
    expected = set(EXPECTED) | set(EXPECTED_LATE)
    assert {(s.value, t.value) for s, t in TRANSITIONS} == expected


@pytest.mark.parametrize("target", ["SUSPENDUE", "REJETEE"])
def test_suspension_and_rejection_need_a_reason(target):
    with pytest.raises(TransitionRefused) as refused:
        check(from_status=MAD, to_status=target, actor=R, reason="   ")
    assert refused.value.code == "REASON_REQUIRED"
    assert "motif est obligatoire" in refused.value.message
    assert check(from_status=MAD, to_status=target, actor=R, reason="Pièce manquante")


def test_only_suspension_and_rejection_require_a_reason():
    required = {(s.value, t.value) for (s, t), r in TRANSITIONS.items() if r.reason_required}
    needs = ("SUSPENDUE", "REJETEE", *VALIDATOR_REASON_REQUIRED, *WORKS_REASON_REQUIRED)
    assert required and all(t in needs for _, t in required)
    assert all(
        r.reason_required for (_, t), r in TRANSITIONS.items() if t in ("SUSPENDUE", "REJETEE")
    )


def test_mandatee_needs_the_mandat_number():
    with pytest.raises(TransitionRefused) as refused:
        check(from_status=SF, to_status=MAN, actor=R)
    assert refused.value.code == "MANDAT_NUMBER_REQUIRED"
    assert check(from_status=SF, to_status=MAN, actor=R, mandat_number="2026-000123")


def test_unknown_status_is_refused_clearly():
    with pytest.raises(TransitionRefused) as refused:
        check(from_status=MAD, to_status="PAYEE", actor=R)
    assert refused.value.code == "UNKNOWN_STATUS"
    assert "PAYEE" in refused.value.message
    with pytest.raises(TransitionRefused):
        check(from_status="ABANDONNEE", to_status=SF, actor=R)


def test_wrong_actor_message_names_who_may():
    with pytest.raises(TransitionRefused) as refused:
        check(from_status="SUSPENDUE", to_status="COMPLETEE", actor=R)
    assert refused.value.message == "Le passage au statut « Complétée » est réservé au fournisseur."


def test_skipped_optional_statuses_are_listed_in_order():
    assert rule_for(MAD, MEP).skips == (SF, MAN, MADC, CPT)
    assert rule_for(SF, CPT).skips == (MAN, MADC)
    assert rule_for(MAD, SF).skips == ()
    assert rule_for("DEPOSEE", MAD).skips == ("EN_COURS_ACHEMINEMENT",)


def test_status_changes_made_by_others_notify_the_supplier():
    for (source, target), rule in TRANSITIONS.items():
        by_supplier_only = rule.actors == {S}
        routing = target in ("DEPOSEE", "EN_COURS_ACHEMINEMENT")
        if rule.out_of_order or by_supplier_only or routing:
            assert Effect.NOTIFY_SUPPLIER not in rule.effects, (source, target)
        else:
            assert Effect.NOTIFY_SUPPLIER in rule.effects, (source, target)


def test_recipient_is_told_of_new_and_completed_invoices():
    notified = {
        (s.value, t.value)
        for (s, t), r in TRANSITIONS.items()
        if Effect.NOTIFY_RECIPIENT in r.effects
    }
    assert notified == {
        ("EN_COURS_ACHEMINEMENT", MAD),
        ("DEPOSEE", MAD),
        ("SUSPENDUE", "COMPLETEE"),
        *VALIDATOR_NOTIFIES_RECIPIENT,
        *WORKS_NOTIFIES_RECIPIENT,
    }


def test_final_statuses():
    assert final_statuses() == {
        Status.REJETEE,
        Status.MISE_EN_PAIEMENT,
        *VALIDATOR_FINAL,
        *WORKS_FINAL,
    }


def test_targets_for_the_recipient_from_mise_a_disposition():
    # recupererEtatsPossiblesPourTraitement's example answer (C.9), minus the no-op.
    assert set(targets_for(MAD, R)) == {
        "SUSPENDUE",
        "REJETEE",
        "A_RECYCLER",
        SF,
        MAN,
        MADC,
        CPT,
        MEP,
    }
    assert targets_for(MEP, R) == []
    assert set(targets_for(MEP, R, include_late=True)) == {SF, MAN}
    assert targets_for("nonsense", R) == []


def test_statuses_match_the_invoices_enum():
    from choeur.invoices.enums import InvoiceStatus

    assert {s.value for s in Status} <= set(InvoiceStatus.values)


@pytest.mark.parametrize("module", ["choeur.lifecycle.transitions", "choeur.lifecycle.diagram"])
def test_pure_modules_import_no_django(module):
    code = f"import sys, {module}; sys.exit(1 if any(m.split('.')[0] == 'django' for m in sys.modules) else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
