"""The sollicitation status machine: one pure table, no database access.

`TRANSITIONS[(status, action, side)]` gives the status the action leads to, the kind of the
thread entry it writes, whether only the agent the ticket is assigned to may take it, and
whether a message is required. Anything absent from the table is refused.
docs/sollicitations.md shows the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

from choeur.sollicitations.enums import Action, MessageKind, Side, Status


@dataclass(frozen=True)
class Rule:
    to: Status
    kind: MessageKind
    # Reference D: an agent must assign the ticket to himself before answering it.
    assignee_only: bool = False
    message_required: bool = False


S, R = Side.SENDER, Side.RECIPIENT
A = Action

TRANSITIONS: dict[tuple[Status, Action, Side], Rule] = {
    # The sender sends his draft: it lands in the recipient's « Tickets à traiter ».
    (Status.BROUILLON, A.SEND, S): Rule(Status.NOUVEAU, MessageKind.SENT),
    # An agent takes the ticket: new, sent back, transferred to support, or a colleague's.
    (Status.NOUVEAU, A.ASSIGN, R): Rule(Status.AFFECTE, MessageKind.ASSIGNED),
    (Status.RENVOYE, A.ASSIGN, R): Rule(Status.AFFECTE, MessageKind.ASSIGNED),
    (Status.TRANSFERE_SUPPORT, A.ASSIGN, R): Rule(Status.AFFECTE, MessageKind.ASSIGNED),
    (Status.AFFECTE, A.ASSIGN, R): Rule(Status.AFFECTE, MessageKind.ASSIGNED),
    # The assigned agent answers, asks for more, hands over to support, or closes.
    (Status.AFFECTE, A.ANSWER, R): Rule(
        Status.REPONDU, MessageKind.ANSWER, assignee_only=True, message_required=True
    ),
    (Status.AFFECTE, A.REQUEST_INFORMATION, R): Rule(
        Status.ATTENTE_COMPLEMENT,
        MessageKind.INFORMATION_REQUEST,
        assignee_only=True,
        message_required=True,
    ),
    (Status.AFFECTE, A.TRANSFER, R): Rule(
        Status.TRANSFERE_SUPPORT, MessageKind.TRANSFERRED, assignee_only=True, message_required=True
    ),
    (Status.AFFECTE, A.CLOSE, R): Rule(Status.CLOTURE, MessageKind.CLOSED, assignee_only=True),
    # After an answer the sender may stay silent: the agent closes.
    (Status.REPONDU, A.CLOSE, R): Rule(Status.CLOTURE, MessageKind.CLOSED, assignee_only=True),
    # The sender answers a request for information: back to the agent's queue.
    (Status.ATTENTE_COMPLEMENT, A.ADD_INFORMATION, S): Rule(
        Status.AFFECTE, MessageKind.INFORMATION, message_required=True
    ),
    # He may also add information while the ticket waits for the other side.
    **{
        (status, A.ADD_INFORMATION, S): Rule(status, MessageKind.INFORMATION, message_required=True)
        for status in (
            Status.NOUVEAU,
            Status.AFFECTE,
            Status.RENVOYE,
            Status.TRANSFERE_SUPPORT,
        )
    },
    # Unsatisfied by the answer, the sender sends it back.
    (Status.REPONDU, A.SEND_BACK, S): Rule(
        Status.RENVOYE, MessageKind.SENT_BACK, message_required=True
    ),
    # The sender may close his ticket at any time once sent.
    **{
        (status, A.CLOSE, S): Rule(Status.CLOTURE, MessageKind.CLOSED)
        for status in (
            Status.NOUVEAU,
            Status.AFFECTE,
            Status.ATTENTE_COMPLEMENT,
            Status.REPONDU,
            Status.RENVOYE,
            Status.TRANSFERE_SUPPORT,
        )
    },
}


def rule_for(status: str, action: str, side: str) -> Rule | None:
    """The rule letting `side` take `action` on a ticket in `status`, or None if refused."""
    return TRANSITIONS.get((Status(status), Action(action), Side(side)))


def allowed_actions(status: str, side: str) -> list[Action]:
    """Actions `side` may take on a ticket in `status`, in the order of `Action`."""
    return [action for action in Action if rule_for(status, action, side) is not None]


def markdown_table() -> str:
    """The table as Markdown, for docs/sollicitations.md (a test keeps the two in step)."""
    lines = [
        "| Statut | Action | Par | Nouveau statut | Agent en charge seulement | Message obligatoire |",
        "|---|---|---|---|---|---|",
    ]
    for (status, action, side), rule in TRANSITIONS.items():
        lines.append(
            f"| {status.value} | {action.value} | {side.value} | {rule.to.value} | "
            f"{'oui' if rule.assignee_only else 'non'} | "
            f"{'oui' if rule.message_required else 'non'} |"
        )
    return "\n".join(lines)
