"""What a turn shows, whether it was just played or read back from the store or a bundle.

The scorecard, replay, the reports and the terminal all take their words from here, so a
stored turn reads exactly as it did live. Plain data: each view styles it its own way.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearsal.call.turn import TurnRecord
from rehearsal.judging.delivery import Delivery
from rehearsal.dimensions import label
from rehearsal.store.evidence import Span, segments

OPTIONAL = ("door_open", "contact")  # shown only on the turns that ask for them (or earned them)


@dataclass(frozen=True, slots=True)
class Mark:
    """One dimension of a turn: its name and whether it earned its credit (None: not asked for here)."""

    dimension: str
    text: str
    ok: bool | None


@dataclass(frozen=True, slots=True)
class ShownTurn:
    number: int  # from 1
    manager_text: str
    reply: str
    pieces: list[tuple[str, Span | None]]  # the reply, cut into plain and highlighted pieces
    empty: str | None  # "(no reply)" or "(skipped)" when nothing was said
    marks: list[Mark]
    score: float
    delivery: str | None
    tips: list[str]
    revised: str | None = None  # how a second pass changed the reply, for a revised turn


def revision_line(record: TurnRecord) -> str | None:
    """One sentence for a revised turn: who heard it again, and what was heard live (the call went on from that)."""
    rev = record.revision
    if rev is None:
        return None
    if rev.live_reply == record.reply:
        return f"Checked by {rev.by}: the same words as heard live."
    live = f"“{rev.live_reply}”" if rev.live_reply else "nothing"
    return (f"Revised by {rev.by}; heard live as {live} (score {rev.live_score:.0f}), "
            "which is what the call went on from.")


def shown(record: TurnRecord) -> ShownTurn:
    return ShownTurn(
        number=record.index + 1,
        manager_text=record.manager_text,
        reply=record.reply,
        pieces=segments(record.verdict, record.reply) if record.reply else [],
        empty=None if record.reply else ("(skipped)" if record.skipped else "(no reply)"),
        marks=marks(record),
        score=record.score.score,
        delivery=delivery_line(record.delivery),
        tips=list(record.tips),
        revised=revision_line(record),
    )


def marks(record: TurnRecord) -> list[Mark]:
    """A mark for each dimension, from the credit the turn score gave it."""
    parts = record.score.parts
    optional = [d for d in OPTIONAL if d in parts or d in record.expects]
    out = []
    for dim in ["gratitude", "feedback_request", "tone", *optional]:
        if dim not in parts:
            out.append(Mark(dim, label(dim), None))
        elif dim == "tone":
            out.append(Mark(dim, f"tone {record.verdict.tone.label}", parts[dim] > 0))
        else:
            earlier = dim == "feedback_request" and parts[dim] >= 1 and not record.verdict.feedback_request.detected
            out.append(Mark(dim, label(dim) + (" (asked earlier)" if earlier else ""), parts[dim] >= 1))
    return out


def delivery_line(delivery: Delivery | None) -> str | None:
    """The delivery figures in words, or None for a reply with no spoken words (a typed one)."""
    if delivery is None or not delivery.words:
        return None
    bits = []
    if delivery.wpm is not None:
        bits.append(f"{delivery.wpm:.0f} words/min")
    if delivery.fillers_per_min is not None:
        bits.append(f"{delivery.fillers_per_min:.1f} fillers/min")
    bits.append(f"longest pause {delivery.longest_pause_s:.1f} s")
    if delivery.latency_s is not None:
        bits.append(f"started after {delivery.latency_s:.1f} s")
    return ", ".join(bits)
