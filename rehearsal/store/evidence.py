"""The quoted evidence in a stored verdict, as spans of the reply: for reports and replay."""

from __future__ import annotations

from dataclasses import dataclass

from rehearsal.store.models import DIMENSION_LABELS

_DETECTIONS = ("gratitude", "feedback_request", "door_open")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str  # a dimension, "negative" (tone slipped) or "rejected" (looked like it, did not count)
    note: str = ""


def spans(verdict: dict, text: str) -> list[Span]:
    """Non-overlapping evidence spans inside `text`, in order. Bad offsets are dropped, not trusted."""
    found: list[Span] = []
    for dim in _DETECTIONS:
        detection = _dict(verdict, dim)
        found.extend(_span(ev, dim) for ev in _list(detection, "evidence"))
        found.extend(_span(ev, "rejected") for ev in _list(detection, "rejected"))
    tone = _dict(verdict, "tone")
    if tone.get("label") == "negative":
        found.extend(_span(ev, "negative") for ev in _list(tone, "evidence"))
    found = [s for s in found if s is not None and 0 <= s.start < s.end <= len(text)]
    found.sort(key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    for s in found:
        if not kept or s.start >= kept[-1].end:
            kept.append(s)
    return kept


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
