"""The quoted evidence in a verdict, as spans of the reply: for the scorecard, replay and reports."""

from __future__ import annotations

from dataclasses import dataclass

from rehearsal.judging.verdict import Detection, Evidence, Verdict
from rehearsal.dimensions import DETECTED, label

# Rich styles for each kind of span, shared by the terminal scorecard, the app and replay.
# Backgrounds with dark text read the same in light and dark themes.
RICH_STYLE = {
    "gratitude": "black on green",
    "feedback_request": "black on cyan",
    "door_open": "black on yellow",
    "contact": "black on orange1",
    "warm": "black on plum1",
    "negative": "white on red",
    "rejected": "strike",
}
LEGEND = (("gratitude", label("gratitude")), ("feedback_request", label("feedback_request")),
          ("door_open", label("door_open")), ("warm", "warm"), ("negative", "tone slipped"),
          ("rejected", "did not count"))


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str  # a dimension, "warm" / "negative" (tone), or "rejected" (looked like it, did not count)
    note: str = ""


def _detection(verdict: Verdict, dim: str) -> Detection | None:
    return getattr(verdict, dim)


def spans(verdict: Verdict, text: str) -> list[Span]:
    """Non-overlapping evidence spans inside `text`, in order. Offsets outside it are dropped."""
    found: list[Span] = []
    for dim in DETECTED:
        detection = _detection(verdict, dim)
        if detection is not None:
            found.extend(_span(ev, dim) for ev in detection.evidence)
            found.extend(_span(ev, "rejected") for ev in detection.rejected)
    tone_kind = {"negative": "negative", "positive": "warm"}.get(verdict.tone.label)
    kept = _non_overlapping(found, text)
    if tone_kind == "negative":
        # What made the tone slip matters more than any other highlight.
        negative = _non_overlapping([_span(ev, "negative") for ev in verdict.tone.evidence], text)
        kept = _non_overlapping(negative + [s for s in kept if not any(_overlap(s, n) for n in negative)], text)
    elif tone_kind == "warm":
        warm = [w for w in _non_overlapping([_span(ev, "warm") for ev in verdict.tone.evidence], text)
                if not any(_overlap(w, k) for k in kept)]
        kept = _non_overlapping(kept + warm, text)
    return kept


def _non_overlapping(found: list[Span], text: str) -> list[Span]:
    found = [s for s in found if 0 <= s.start < s.end <= len(text)]
    found.sort(key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    for s in found:
        if not kept or s.start >= kept[-1].end:
            kept.append(s)
    return kept


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def segments(verdict: Verdict, text: str) -> list[tuple[str, Span | None]]:
    """The reply cut into plain and highlighted pieces, covering all of it."""
    out: list[tuple[str, Span | None]] = []
    at = 0
    for s in spans(verdict, text):
        if s.start > at:
            out.append((text[at:s.start], None))
        out.append((text[s.start:s.end], s))
        at = s.end
    if at < len(text):
        out.append((text[at:], None))
    return out


def what_counted(verdict: Verdict) -> list[tuple[str, list[str]]]:
    """(dimension label, quoted words) for each dimension with evidence, for text reports."""
    lines = []
    for dim in DETECTED:
        detection = _detection(verdict, dim)
        if detection is not None and detection.detected and detection.evidence:
            lines.append((label(dim), [ev.text for ev in detection.evidence]))
    lines.append((f"tone ({verdict.tone.label})", [ev.text for ev in verdict.tone.evidence]))
    return lines


def _span(ev: Evidence, kind: str) -> Span:
    return Span(ev.start, ev.end, kind, ev.note)
