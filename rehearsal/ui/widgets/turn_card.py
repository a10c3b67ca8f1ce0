"""One turn on the scorecard: the exchange, the evidence highlighted, scores, delivery, tips."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from rehearsal.printable import printable
from rehearsal.call.engine import TurnRecord
from rehearsal.store.evidence import LEGEND, RICH_STYLE, segments
from rehearsal.store.models import DIMENSION_LABELS

HIGHLIGHT = RICH_STYLE
LABEL = DIMENSION_LABELS  # one vocabulary: the scorecard, replay, reports and the CLI say the same words


def legend() -> Text:
    text = Text("Highlights: ")
    for key, name in LEGEND:
        text.append(f" {name} ", style=RICH_STYLE[key])
        text.append(" ")
    return text


def highlighted_reply(record: TurnRecord) -> Text:
    if not record.reply:
        return Text("(no reply)" if not record.skipped else "(skipped)", style="dim italic")
    return highlighted_text(record.verdict.to_dict(), record.reply)


def highlighted_text(verdict: dict, reply: str) -> Text:
    text = Text()
    for piece, span in segments(verdict, reply):
        text.append(printable(piece), style=RICH_STYLE[span.kind] if span else "")
    return text


def mark(ok: bool) -> tuple[str, str]:
    return ("✓", "bold green") if ok else ("✗", "bold red")


def scores_line(record: TurnRecord) -> Text:
    """A mark for each dimension, from the credit the turn score gave it."""
    v = record.verdict
    parts = record.score.parts
    text = Text()
    optional = [d for d in ("door_open", "contact") if d in parts or d in record.expects]
    for dim in ["gratitude", "feedback_request", "tone", *optional]:
        if dim not in parts:
            text.append(f"{LABEL[dim]} –  ", style="dim")  # not asked for here: no mark against it
            continue
        if dim == "tone":
            text.append(f"tone {v.tone.label} ")
            text.append(*mark(parts[dim] > 0))
        else:
            earlier = dim == "feedback_request" and parts[dim] >= 1 and not v.feedback_request.detected
            text.append(f"{LABEL[dim]}{' (asked earlier)' if earlier else ''} ")
            text.append(*mark(parts[dim] >= 1))
        text.append("  ")
    text.append(f"turn score {record.score.score:.0f}", style="bold")
    return text


def delivery_line(record: TurnRecord) -> Text | None:
    d = record.delivery
    if d is None:
        return None
    parts = [f"pace {d.wpm:.0f} wpm" if d.wpm is not None else "pace -"]
    parts.append(f"fillers {d.fillers_per_min:.1f}/min" if d.fillers_per_min is not None else f"fillers {len(d.fillers)}")
    parts.append(f"longest pause {d.longest_pause_s:.1f} s")
    if d.latency_s is not None:
        parts.append(f"latency {d.latency_s:.1f} s")
    return Text(" · ".join(parts), style="italic")


def card_text(manager_name: str, record: TurnRecord) -> Text:
    text = Text()
    text.append(f"{record.index + 1}. {manager_name}: ", style="bold")
    text.append(record.manager_text)
    text.append("\nYou: ", style="bold")
    text.append_text(highlighted_reply(record))
    text.append("\n")
    text.append_text(scores_line(record))
    delivery = delivery_line(record)
    if delivery is not None:
        text.append("\n")
        text.append_text(delivery)
    for tip in record.tips:
        text.append(f"\n→ {tip}")
    return text


class TurnCard(Static, can_focus=True):
    """Focusable so `r` can retry the turn that has focus."""

    def __init__(self, manager_name: str, record: TurnRecord) -> None:
        super().__init__(card_text(manager_name, record), classes="turn-card")
        self.record = record
