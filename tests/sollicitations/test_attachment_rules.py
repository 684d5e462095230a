from __future__ import annotations

from choeur.invoices.services.rules import attachment_problems
from choeur.sollicitations.attachments import MAX_SIZE, attachment_error


def test_ticket_attachments_follow_exactly_the_invoice_rules() -> None:
    cases = [
        ("note.pdf", 1),
        ("note.pdf", 0),
        ("note.exe", 10),
        ("x" * 47 + ".pdf", 10),
        ("note.pdf", MAX_SIZE - 1),
        ("note.pdf", MAX_SIZE),
    ]
    for name, size in cases:
        refused_for_ticket = attachment_error(name, size) is not None
        refused_for_invoice = bool(attachment_problems([(name, size)]))
        assert refused_for_ticket == refused_for_invoice, (name, size)


def test_a_file_of_exactly_10_mo_is_refused_with_a_clear_message() -> None:
    message = attachment_error("devis.pdf", MAX_SIZE)
    assert message is not None
    assert "10 Mo" in message
