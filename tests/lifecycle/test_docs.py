from __future__ import annotations

from choeur.lifecycle import diagram
from choeur.lifecycle.transitions import TRANSITIONS, Status


def test_docs_lifecycle_is_generated_from_the_current_table():
    text = diagram.DOC_PATH.read_text(encoding="utf-8")
    assert diagram.render_doc(text) == text, (
        "docs/lifecycle.md est périmé : lancez « python -m choeur.lifecycle.diagram »."
    )


def test_diagram_shows_every_status_and_every_in_sequence_move():
    text = diagram.mermaid()
    assert text.startswith("```mermaid\nstateDiagram-v2")
    for status in Status:
        assert f" as {status.value}" in text
    for (source, target), rule in TRANSITIONS.items():
        assert (f"    {source.value} --> {target.value} :" in text) is (not rule.out_of_order)


def test_table_lists_late_updates_too():
    rows = diagram.table().splitlines()[2:]
    assert len(rows) == len(TRANSITIONS)
    assert (
        "| MISE_EN_PAIEMENT | MANDATEE | destinataire | n° de mandat obligatoire" in diagram.table()
    )
