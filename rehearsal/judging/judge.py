"""The judge: one reply in, a Verdict out (gratitude, feedback request, tone, door open).

Rules and phrase lists, no model: every decision quotes the words that made it, and look-alikes
that were ruled out ("thanks for nothing", "I'd appreciate any feedback") are kept as rejected
evidence so tips can quote them. Typed text and recognizer transcripts go through the same
normalisation (normalize.py), so both are judged alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rehearsal.judging import door, gratitude, request, tone
from rehearsal.judging.normalize import normalize
from rehearsal.judging.verdict import Detection, Evidence, Tone, Verdict

if TYPE_CHECKING:  # pydantic is slow to import; `rehearsal score` never needs it
    from rehearsal.scenario.model import Phrases


def _silent(text: str) -> Verdict:
    nothing = Detection(False, 0.0)
    return Verdict(text, nothing, nothing, Tone("neutral", 0.0), nothing, silent=True)


class Judge:
    def __init__(self, extra_phrases: Phrases | None = None) -> None:
        self._extra = {
            dim: _phrase_pattern(getattr(extra_phrases, dim, None) or [])
            for dim in ("gratitude", "feedback_request", "door_open")
        }

    def judge(self, text: str) -> Verdict:
        if not text or not text.strip():
            return _silent(text or "")
        norm = normalize(text)
        if not norm.words:  # only punctuation or noise
            return _silent(text)
        thanks = gratitude.find(norm, self._extra["gratitude"])
        asks = request.find(norm, self._extra["feedback_request"])
        door_found, door_rejected = door.find(norm, self._extra["door_open"])
        verdict_tone = tone.judge(norm, thanks, door_found)
        if verdict_tone.label == "negative":
            asks.asks = [a for a in asks.asks if not _rhetorical(a, verdict_tone.evidence)]
            # "Apply again next year? Sure, I'll get right on that.": a door mocked is not opened.
            mocked = [d for d in door_found if _inside_any(d, verdict_tone.evidence)]
            door_found = [d for d in door_found if d not in mocked]
            door_rejected += [Evidence(d.text, d.start, d.end, "the door closed") for d in mocked]
        return Verdict(
            text=text,
            gratitude=_detection(thanks.sincere, thanks.rejected),
            feedback_request=_detection(asks.asks, asks.rejected),
            tone=verdict_tone,
            door_open=_detection(door_found, door_rejected),
        )


# Asks that rest on a question alone; a sneer inside one makes it rhetorical ("So my ten years
# count for nothing?", "Why would I thank you?"). Asks with a request frame are kept.
_WEAK_ASKS = frozenset({"asks about the candidacy", "asks (a question)"})


def _rhetorical(ask: Evidence, negative: list[Evidence]) -> bool:
    # The sneer inside the question, or just before it ("You're telling me it came down to one slide?").
    return ask.note in _WEAK_ASKS and any(ask.start - 60 <= n.start < ask.end for n in negative)


def _inside_any(ev: Evidence, spans: list[Evidence]) -> bool:
    return any(s.start <= ev.start and ev.end <= s.end for s in spans)


def _detection(evidence: list[Evidence], rejected: list[Evidence]) -> Detection:
    if evidence:
        return Detection(True, round(min(1.0, 0.75 + 0.1 * len(evidence)), 2), evidence, rejected)
    return Detection(False, 0.15 if rejected else 0.0, [], rejected)


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """A scenario's extra phrases, normalised like replies so "I'd" matches "id" and "I would"."""
    forms = sorted({normalize(p).text for p in phrases if p.strip()} - {""}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b")
