from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from choeur.sollicitations.enums import Action, Side, Status
from choeur.sollicitations.transitions import (
    TRANSITIONS,
    allowed_actions,
    markdown_table,
    rule_for,
)

ALL = list(itertools.product(Status, Action, Side))


@pytest.mark.parametrize(("status", "action", "side"), ALL)
def test_only_the_table_allows_a_transition(status: Status, action: Action, side: Side) -> None:
    rule = rule_for(status, action, side)
    assert (rule is not None) == ((status, action, side) in TRANSITIONS)


def test_a_closed_ticket_is_final() -> None:
    for side in Side:
        assert allowed_actions(Status.CLOTURE, side) == []


def test_a_draft_can_only_be_sent_by_its_sender() -> None:
    assert allowed_actions(Status.BROUILLON, Side.SENDER) == [Action.SEND]
    assert allowed_actions(Status.BROUILLON, Side.RECIPIENT) == []


def test_an_agent_must_assign_a_new_ticket_before_anything_else() -> None:
    assert allowed_actions(Status.NOUVEAU, Side.RECIPIENT) == [Action.ASSIGN]
    assert allowed_actions(Status.RENVOYE, Side.RECIPIENT) == [Action.ASSIGN]
    assert allowed_actions(Status.TRANSFERE_SUPPORT, Side.RECIPIENT) == [Action.ASSIGN]


def test_answers_are_reserved_to_the_assigned_agent_and_need_a_message() -> None:
    for action in (Action.ANSWER, Action.REQUEST_INFORMATION, Action.TRANSFER):
        rule = rule_for(Status.AFFECTE, action, Side.RECIPIENT)
        assert rule is not None
        assert rule.assignee_only
        assert rule.message_required


def test_the_sender_answering_a_request_puts_the_ticket_back_with_the_agent() -> None:
    rule = rule_for(Status.ATTENTE_COMPLEMENT, Action.ADD_INFORMATION, Side.SENDER)
    assert rule is not None
    assert rule.to == Status.AFFECTE


def test_only_an_answered_ticket_can_be_sent_back() -> None:
    for status in Status:
        allowed = rule_for(status, Action.SEND_BACK, Side.SENDER) is not None
        assert allowed == (status == Status.REPONDU)


def test_the_sender_cannot_act_as_the_agent() -> None:
    for status in Status:
        for action in (Action.ASSIGN, Action.ANSWER, Action.REQUEST_INFORMATION, Action.TRANSFER):
            assert rule_for(status, action, Side.SENDER) is None


def test_the_sender_may_close_any_sent_open_ticket() -> None:
    for status in Status:
        expected = status not in (Status.BROUILLON, Status.CLOTURE)
        assert (rule_for(status, Action.CLOSE, Side.SENDER) is not None) == expected


def test_docs_show_the_current_table() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "sollicitations.md").read_text()
    assert markdown_table() in doc
