"""The quoted evidence in a stored verdict, as spans of the reply: for reports and replay."""

from __future__ import annotations

from dataclasses import dataclass

from rehearsal.store.models import DIMENSION_LABELS

_DETECTIONS = ("gratitude", "feedback_request", "door_open", "contact")

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
LEGEND = (("gratitude", "gratitude"), ("feedback_request", "feedback request"), ("door_open", "door open"),
          ("warm", "warm"), ("negative", "tone slipped"), ("rejected", "did not count"))


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str  # a dimension, "warm" / "negative" (tone), or "rejected" (looked like it, did not count)
    note: str = ""


def spans(verdict: dict, text: str) -> list[Span]:
    """Non-overlapping evidence spans inside `text`, in order. Bad offsets are dropped, not trusted."""
    found: list[Span] = []
    for dim in _DETECTIONS:
        detection = _dict(verdict, dim)
        found.extend(_span(ev, dim) for ev in _list(detection, "evidence"))
        found.extend(_span(ev, "rejected") for ev in _list(detection, "rejected"))
    tone = _dict(verdict, "tone")
    tone_kind = {"negative": "negative", "positive": "warm"}.get(tone.get("label"))
    kept = _non_overlapping(found, text)
    if tone_kind == "negative":
        # What made the tone slip matters more than any other highlight.
        negative = _non_overlapping([_span(ev, "negative") for ev in _list(tone, "evidence")], text)
        kept = _non_overlapping(negative + [s for s in kept if not any(_overlap(s, n) for n in negative)], text)
    elif tone_kind == "warm":
        warm = [w for w in _non_overlapping([_span(ev, "warm") for ev in _list(tone, "evidence")], text)
                if not any(_overlap(w, k) for k in kept)]
        kept = _non_overlapping(kept + warm, text)
    return kept


def _non_overlapping(found: list[Span | None], text: str) -> list[Span]:
    found = [s for s in found if s is not None and 0 <= s.start < s.end <= len(text)]
    found.sort(key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    for s in found:
        if not kept or s.start >= kept[-1].end:
            kept.append(s)
    return kept


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def segments(verdict: dict, text: str) -> list[tuple[str, Span | None]]:
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


def what_counted(verdict: dict) -> list[tuple[str, list[str]]]:
    """(dimension label, quoted words) for each dimension with evidence, for text reports."""
    lines = []
    for dim in _DETECTIONS:
        detection = _dict(verdict, dim)
        quotes = [str(ev.get("text", "")) for ev in _list(detection, "evidence") if isinstance(ev, dict)]
        if detection.get("detected") and quotes:
            lines.append((DIMENSION_LABELS[dim], quotes))
    tone = _dict(verdict, "tone")
    quotes = [str(ev.get("text", "")) for ev in _list(tone, "evidence") if isinstance(ev, dict)]
    if isinstance(tone.get("label"), str):
        lines.append((f"tone ({tone['label']})", quotes))
    return lines


# Verdicts may come from a bundle someone else made: read them without trusting their shape.
def _dict(data: dict, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _span(ev: object, kind: str) -> Span | None:
    if not isinstance(ev, dict):
        return None
    start, end = ev.get("start"), ev.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    return Span(start, end, kind, str(ev.get("note") or ""))
