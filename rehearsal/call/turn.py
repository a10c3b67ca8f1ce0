"""One turn of a call: the line, the reply, the verdict, the score. One type, one JSON shape.

The live call makes a `TurnRecord`; the store keeps `to_dict()` as the turn's row; a results
bundle and a JSON export hold the same dict; `from_dict()` reads it back from any of them into
an equal `TurnRecord`, so every screen shows a stored turn exactly as it showed the live one.
A turn revised by a second recognizer (rehearsal.conversation.revision) holds the revised words,
verdict and score, and in `revision` what was heard live: the call's path was taken on those.
Bundles come from other people: `from_dict()` trusts no type and passes every string through
`clean` (the bundle reader makes control characters printable there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rehearsal.judging.delivery import Delivery, transcript_text
from rehearsal.judging.scoring import TurnScore
from rehearsal.judging.verdict import Clean, Verdict, as_is
from rehearsal.media import Word
from rehearsal.dimensions import DIMENSIONS
from rehearsal.untrusted import field_bool, field_dict, field_int, field_list, field_number, field_text


@dataclass(frozen=True, slots=True)
class Revision:
    """What a second pass changed: who heard the reply again, and what the live recognizer had heard.

    The record holding it shows the revised words and marks; the branch the call took (its
    `next_turn`) was decided on `live_reply` and is never changed after the fact."""

    by: str  # the revising engine, as it names itself ("Whisper tiny.en")
    live_reply: str
    live_score: float
    seconds: float = 0.0  # from the reply being final (its ReplyHeard) to the revision landing

    def to_dict(self) -> dict:
        return {"by": self.by, "live_reply": self.live_reply, "live_score": self.live_score,
                "seconds": self.seconds}

    @classmethod
    def from_dict(cls, data: object, clean: Clean = as_is) -> Revision | None:
        if not isinstance(data, dict):
            return None  # a turn from before the second pass, or one it never revised
        return cls(by=clean(field_text(data, "by")), live_reply=clean(field_text(data, "live_reply")),
                   live_score=field_number(data, "live_score", 0.0) or 0.0,
                   seconds=field_number(data, "seconds", 0.0) or 0.0)


@dataclass(frozen=True, slots=True)
class TurnRecord:
    index: int
    turn_id: str
    manager_text: str
    reply: str
    verdict: Verdict
    score: TurnScore
    tips: list[str]
    cue: str
    next_turn: str | None
    expects: list[str]
    delivery: Delivery | None = None
    words: list[Word] = field(default_factory=list)
    skipped: bool = False
    revision: Revision | None = None  # set when a second recognizer heard the reply again

    def to_dict(self) -> dict:
        """The turn as JSON. The score is flat (`score`, `parts`, `missed`), as every stored
        turn and every bundle has had it."""
        out = {
            "index": self.index,
            "turn_id": self.turn_id,
            "manager_text": self.manager_text,
            "reply": self.reply,
            "expects": list(self.expects),
            "verdict": self.verdict.to_dict(),
            "score": self.score.score,
            "parts": dict(self.score.parts),
            "missed": list(self.score.missed),
            "tips": list(self.tips),
            "cue": self.cue,
            "next_turn": self.next_turn,
            "delivery": self.delivery.to_dict() if self.delivery else None,
            "words": [{"text": w.text, "start": w.start, "end": w.end, "conf": w.conf} for w in self.words],
            "skipped": self.skipped,
        }
        if self.revision is not None:  # only then: every turn kept before the second pass reads the same
            out["revision"] = self.revision.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: object, *, index: int | None = None, clean: Clean = as_is) -> TurnRecord:
        """A turn from `to_dict()` output, or from an older or hostile copy of it: a field of the
        wrong type reads as empty. `index`, when given, overrides the one in the data."""
        reply = clean(field_text(data, "reply"))
        words = _words(field_list(data, "words"), clean)
        next_turn = field_text(data, "next_turn", None)  # type: ignore[arg-type]
        return cls(
            index=index if index is not None else max(0, field_int(data, "index") or 0),
            turn_id=clean(field_text(data, "turn_id")),
            manager_text=clean(field_text(data, "manager_text")),
            reply=reply,
            verdict=Verdict.from_dict(field_dict(data, "verdict"), reply, clean),
            score=TurnScore(
                score=field_number(data, "score", 0.0) or 0.0,
                parts=_parts(field_dict(data, "parts"), clean),
                missed=[clean(d) for d in field_list(data, "missed") if isinstance(d, str)],
            ),
            tips=[clean(t) for t in field_list(data, "tips") if isinstance(t, str)],
            cue=clean(field_text(data, "cue")),
            next_turn=None if next_turn is None else clean(next_turn),
            expects=[d for d in field_list(data, "expects") if d in DIMENSIONS],
            delivery=Delivery.from_dict(data.get("delivery") if isinstance(data, dict) else None,
                                        transcript_text(words) if words else reply, clean),
            words=words,
            skipped=field_bool(data, "skipped"),
            revision=Revision.from_dict(data.get("revision") if isinstance(data, dict) else None, clean),
        )


def _parts(data: dict, clean: Clean) -> dict[str, float]:
    out: dict[str, float] = {}
    for key in data:
        value = field_number(data, key)
        if isinstance(key, str) and value is not None:
            out[clean(key)] = value
    return out


def _words(items: list, clean: Clean) -> list[Word]:
    out = []
    for item in items:
        start, end = field_number(item, "start"), field_number(item, "end")
        if start is not None and end is not None:
            out.append(Word(clean(field_text(item, "text")), start, end, field_number(item, "conf", 1.0) or 0.0))
    return out
