"""The transition table as Markdown: a Mermaid state diagram and a table (docs/lifecycle.md).

Pure like the table. `python -m choeur.lifecycle.diagram` rewrites the generated part of the
doc; a test fails when the doc and the table disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from choeur.lifecycle.transitions import (
    ACTOR_LABELS,
    LABELS,
    TRANSITIONS,
    Actor,
    Effect,
    Rule,
    Status,
)

BEGIN = "<!-- BEGIN GENERATED: python -m choeur.lifecycle.diagram -->"
END = "<!-- END GENERATED -->"
DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"

_ACTOR_HELP = {
    Actor.SUPPLIER: "la structure qui a déposé la facture",
    Actor.RECIPIENT: "l'ordonnateur de la structure destinataire (espace « Factures reçues »)",
    Actor.ACCOUNTANT: "son comptable ou son système comptable (Hélios)",
    Actor.SYSTEM: "Chœur lui-même (dépôt, acheminement)",
    Actor.VALIDATOR: "le titulaire (A9) ou le mandataire (A12), espace « Factures à valider »",
    Actor.MOE: "la maîtrise d'œuvre du marché de travaux, espace « Factures de travaux »",
    Actor.MOA: "la maîtrise d'ouvrage du marché de travaux, espace « Factures de travaux »",
}
_EFFECT_LABELS = {
    Effect.NOTIFY_SUPPLIER: "courriel au fournisseur",
    Effect.NOTIFY_RECIPIENT: "courriel au destinataire",
    Effect.SUPPLIER_ACKNOWLEDGES: "à acquitter par le fournisseur",
    Effect.ROUTE_AGAIN: "nouvel acheminement",
    Effect.NOTIFY_VALIDATOR: "courriel au valideur",
    Effect.NOTIFY_MOE: "courriel à la MOE",
    Effect.NOTIFY_MOA: "courriel à la MOA",
}


def _actors(rule: Rule) -> str:
    return ", ".join(ACTOR_LABELS[actor] for actor in Actor if actor in rule.actors)


def mermaid() -> str:
    """A `stateDiagram-v2` of the moves that change the current status (late updates aside)."""
    lines = ["```mermaid", "stateDiagram-v2"]
    for status in Status:
        lines.append(f'    state "{LABELS[status]}" as {status.value}')
    lines.append(f"    [*] --> {Status.BROUILLON.value}")
    for (source, target), rule in TRANSITIONS.items():
        if rule.out_of_order:
            continue
        label = _actors(rule)
        if rule.reason_required:
            label += " (motif)"
        if rule.mandat_number_required:
            label += " (n° de mandat)"
        lines.append(f"    {source.value} --> {target.value} : {label}")
    lines.append(f"    {Status.REJETEE.value} --> [*]")
    lines.append(f"    {Status.MISE_EN_PAIEMENT.value} --> [*]")
    for final in (Status.REFUSEE_1, Status.REFUSEE_2):  # validator circuit
        lines.append(f"    {final.value} --> [*]")
    lines.append("```")
    return "\n".join(lines)


def table() -> str:
    """Every entry of the table, late updates included, as a Markdown table."""
    rows = [
        "| de | vers | qui | motif | déclenche | statuts facultatifs sautés | hors séquence |",
        "|---|---|---|---|---|---|---|",
    ]
    for (source, target), rule in TRANSITIONS.items():
        effects = ", ".join(_EFFECT_LABELS[e] for e in Effect if e in rule.effects) or "—"
        skips = ", ".join(s.value for s in rule.skips) or "—"
        reason = "obligatoire" if rule.reason_required else "—"
        if rule.mandat_number_required:
            reason = "n° de mandat obligatoire"
        late = "oui : consignée, statut courant inchangé" if rule.out_of_order else "—"
        rows.append(
            f"| {source.value} | {target.value} | {_actors(rule)} | {reason} | {effects} "
            f"| {skips} | {late} |"
        )
    return "\n".join(rows)


def generated_block() -> str:
    legend = " ; ".join(f"{ACTOR_LABELS[a]} : {_ACTOR_HELP[a]}" for a in Actor)
    return "\n\n".join([BEGIN, mermaid(), f"Acteurs — {legend}.", table(), END])


def render_doc(text: str) -> str:
    """`text` with its generated part replaced by the current table."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + generated_block() + text[end:]


def main() -> int:
    text = DOC_PATH.read_text(encoding="utf-8")
    DOC_PATH.write_text(render_doc(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
