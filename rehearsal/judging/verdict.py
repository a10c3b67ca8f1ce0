"""What the judge says about one reply. Plain data, with one JSON shape.

`Verdict.to_dict()` is the only serialisation: `rehearsal score --json`, a stored turn, a
results bundle and an export all hold it. `Verdict.from_dict()` reads it back from a file
that may come from a stranger: it trusts no type, and keeps evidence only where its offsets
fall inside the reply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

from rehearsal.untrusted import field_bool, field_dict, field_int, field_list, field_number, field_text

ToneLabel = Literal["positive", "neutral", "negative"]
TONE_LABELS: tuple[ToneLabel, ...] = get_args(ToneLabel)
Clean = Callable[[str], str]


def as_is(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words in the reply that earned (or lost) a point, with their character span."""

    text: str
    start: int
    end: int
    note: str = ""  # e.g. "sarcastic thanks", "conditional: a request, not thanks"

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "note": self.note}

    @classmethod
    def list_from(cls, items: list, reply: str, clean: Clean = as_is) -> list[Evidence]:
        """The items that are evidence with a span inside `reply`; the rest are dropped."""
        out = []
        for item in items:
            start, end = field_int(item, "start"), field_int(item, "end")
            if start is None or end is None or not 0 <= start <= end <= len(reply):
                continue
            out.append(cls(clean(field_text(item, "text")), start, end, clean(field_text(item, "note"))))
        return out


@dataclass(frozen=True, slots=True)
class Detection:
    detected: bool
    score: float  # 0..1 confidence that the reply does this
    evidence: list[Evidence] = field(default_factory=list)
    # Spans that looked like the thing but were ruled out (negated, sarcastic, ...)
    rejected: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"detected": self.detected, "score": self.score,
                "evidence": [e.to_dict() for e in self.evidence], "rejected": [e.to_dict() for e in self.rejected]}

    @classmethod
    def from_dict(cls, data: object, reply: str, clean: Clean = as_is) -> Detection:
        return cls(
            detected=field_bool(data, "detected"),
            score=field_number(data, "score", 0.0) or 0.0,
            evidence=Evidence.list_from(field_list(data, "evidence"), reply, clean),
            rejected=Evidence.list_from(field_list(data, "rejected"), reply, clean),
        )


@dataclass(frozen=True, slots=True)
class Tone:
    label: ToneLabel
    score: float  # -1 (negative) .. 1 (positive)
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict:
        # "notes" repeats each evidence's note: the shape `rehearsal score --json` documents.
        return {"label": self.label, "score": self.score, "evidence": [e.to_dict() for e in self.evidence],
                "notes": [e.note for e in self.evidence]}

    @classmethod
    def from_dict(cls, data: object, reply: str, clean: Clean = as_is) -> Tone:
        label = field_text(data, "label")
        return cls(
            label=label if label in TONE_LABELS else "neutral",  # type: ignore[arg-type]
            score=field_number(data, "score", 0.0) or 0.0,
            evidence=Evidence.list_from(field_list(data, "evidence"), reply, clean),
        )


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
        """The verdict without its text (it travels beside the reply it judges)."""
        data = {
            "gratitude": self.gratitude.to_dict(),
            "feedback_request": self.feedback_request.to_dict(),
            "tone": self.tone.to_dict(),
            "door_open": self.door_open.to_dict(),
            "silent": self.silent,
        }
        if self.contact is not None:  # verdicts of other turns keep their old shape
            data["contact"] = self.contact.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: object, reply: str, clean: Clean = as_is) -> Verdict:
        """A verdict read back from `to_dict()` output, or from anything else without failing:
        a missing or malformed part reads as not found. `clean` is applied to every string."""
        contact = data.get("contact") if isinstance(data, dict) else None  # only turns that ask have one
        return cls(
            text=reply,
            gratitude=Detection.from_dict(field_dict(data, "gratitude"), reply, clean),
            feedback_request=Detection.from_dict(field_dict(data, "feedback_request"), reply, clean),
            tone=Tone.from_dict(field_dict(data, "tone"), reply, clean),
            door_open=Detection.from_dict(field_dict(data, "door_open"), reply, clean),
            silent=field_bool(data, "silent", not reply.strip()),
            contact=Detection.from_dict(contact, reply, clean) if isinstance(contact, dict) else None,
        )


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
