"""One turn as a card: the exchange, the evidence highlighted, scores, delivery, tips.

The scorecard (a turn just played) and replay (a turn from the store or a bundle) both show
this card, from the one view of a turn in rehearsal.store.view.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from rehearsal.call.turn import TurnRecord
from rehearsal.printable import printable
from rehearsal.store.evidence import LEGEND, RICH_STYLE
from rehearsal.store.view import ShownTurn, shown

HIGHLIGHT = RICH_STYLE


def legend() -> Text:
    text = Text("Highlights: ")
    for key, name in LEGEND:
        text.append(f" {name} ", style=RICH_STYLE[key])
        text.append(" ")
    return text


def _shown(turn: TurnRecord | ShownTurn) -> ShownTurn:
    return turn if isinstance(turn, ShownTurn) else shown(turn)


def highlighted_reply(turn: TurnRecord | ShownTurn) -> Text:
    view = _shown(turn)
    if view.empty is not None:
        return Text(view.empty, style="dim italic")
    text = Text()
    for piece, span in view.pieces:
        text.append(printable(piece), style=RICH_STYLE[span.kind] if span else "")
    return text


def mark(ok: bool) -> tuple[str, str]:
    return ("✓", "bold green") if ok else ("✗", "bold red")


def scores_line(turn: TurnRecord | ShownTurn) -> Text:
    """A mark for each dimension, from the credit the turn score gave it."""
    view = _shown(turn)
    text = Text()
    for m in view.marks:
        if m.ok is None:
            text.append(f"{m.text} –  ", style="dim")  # not asked for here: no mark against it
            continue
        text.append(f"{m.text} ")
        text.append(*mark(m.ok))
        text.append("  ")
    text.append(f"turn score {view.score:.0f}", style="bold")
    return text


def card_text(manager_name: str, record: TurnRecord) -> Text:
    view = shown(record)
    text = Text()
    text.append(f"{view.number}. {printable(manager_name)}: ", style="bold")
    text.append(printable(view.manager_text))
    text.append("\nYou: ", style="bold")
    text.append_text(highlighted_reply(view))
    if view.revised is not None:
        text.append(f"\n{printable(view.revised)}", style="dim")
    text.append("\n")
    text.append_text(scores_line(view))
    if view.delivery is not None:
        text.append(f"\n{view.delivery}", style="italic")
    for tip in view.tips:
        text.append(f"\n→ {printable(tip)}")
    return text


class TurnCard(Static, can_focus=True):
    """Focusable so `r` can retry the turn that has focus."""

    def __init__(self, manager_name: str, record: TurnRecord) -> None:
        super().__init__(card_text(manager_name, record), classes="turn-card")
        self.record = record
