"""What the judge says about one reply. Plain data, JSON-ready."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

ToneLabel = Literal["positive", "neutral", "negative"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words in the reply that earned (or lost) a point, with their character span."""

    text: str
    start: int
    end: int
    note: str = ""  # e.g. "sarcastic thanks", "conditional: a request, not thanks"


@dataclass(frozen=True, slots=True)
class Detection:
    detected: bool
    score: float  # 0..1 confidence that the reply does this
    evidence: list[Evidence] = field(default_factory=list)
    # Spans that looked like the thing but were ruled out (negated, sarcastic, ...)
    rejected: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Tone:
    label: ToneLabel
    score: float  # -1 (negative) .. 1 (positive)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Verdict:
    text: str
    gratitude: Detection
    feedback_request: Detection
    tone: Tone
    door_open: Detection
    silent: bool = False
    # Only for turns with `requires_contact`: did the reply leave a phone number or email?
    contact: Detection | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("text")
        if data["contact"] is None:
            data.pop("contact")  # verdicts of other turns keep their old shape
        return data


def drop_contained(items: list[Evidence]) -> list[Evidence]:
    """Evidence in reading order, without spans that sit inside (or repeat) an earlier one."""
    out: list[Evidence] = []
    reach = -1
    for ev in sorted(items, key=lambda e: (e.start, -e.end)):
        if ev.end <= reach:
            continue
        out.append(ev)
        reach = ev.end
    return out
