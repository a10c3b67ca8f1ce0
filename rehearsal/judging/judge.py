"""The judge: one reply in, a Verdict out (gratitude, feedback request, tone, door open).

Rules and phrase lists find the evidence: every finding quotes the words that made it, and
look-alikes that were ruled out ("thanks for nothing", "I'd appreciate any feedback") are kept as
rejected evidence so tips can quote them. A learned reader (learned.py) then makes the final
call on gratitude, the feedback request and tone from the reply's n-grams, the rules' findings
and the manager's line before the reply; where it overrules the rules it quotes the words that
weighed most. Typed text and recognizer transcripts go through the same normalisation
(normalize.py), so both are judged alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rehearsal.judging import door, gratitude, learned, request, tone
from rehearsal.judging.learned import LearnedReader
from rehearsal.judging.learned import load as learned_reader
from rehearsal.judging.features import context_ask, context_features, context_flags, context_words, signal_features, text_features, window_features
from rehearsal.judging.normalize import Normalized, normalize
from rehearsal.judging.verdict import Detection, Evidence, Tone, Verdict
from rehearsal.dimensions import PHRASED

if TYPE_CHECKING:  # pydantic is slow to import; `rehearsal score` never needs it
    from rehearsal.judging.features import TextFeature
    from rehearsal.scenario.model import Phrases


def _silent(text: str) -> Verdict:
    nothing = Detection(False, 0.0)
    return Verdict(text, nothing, nothing, Tone("neutral", 0.0), nothing, silent=True)


@dataclass
class _Rules:
    thanks: gratitude.GratitudeFinding
    asks: request.RequestFinding
    door: list[Evidence]
    door_rejected: list[Evidence]
    tone: Tone


class Judge:
    """`learned=False` gives the rules alone (as before the learned reader; also its baseline);
    a LearnedReader given here is used instead of the stored one (training, learning curves)."""

    def __init__(self, extra_phrases: Phrases | None = None, learned: bool | LearnedReader = True) -> None:
        self._extra = {
            dim: _phrase_pattern(getattr(extra_phrases, dim, None) or [])
            for dim in PHRASED
        }
        if isinstance(learned, LearnedReader):
            self._reader: LearnedReader | None = learned
        else:
            self._reader = learned_reader() if learned else None

    def judge(self, text: str, context: str | None = None) -> Verdict:
        """Judge a reply; `context` is the manager's line it answers, when known."""
        if not text or not text.strip():
            return _silent(text or "")
        norm = normalize(text)
        if not norm.words:  # only punctuation or noise
            return _silent(text)
        flags = context_flags(context)
        rules = self._rules(norm, flags, context)
        if self._reader is None:
            return _verdict(text, rules, rules.tone)
        feats = text_features(norm, chars=self._reader.chars)
        windows = window_features(norm) if self._reader.windows else None
        decisions = self._reader.read(norm, feats, _signals(norm, rules, flags, context), windows)
        return _hybrid(text, norm, rules, decisions, flags)

    def learned_inputs(self, text: str, context: str | None = None) -> tuple[Normalized, list[TextFeature], list[str]]:
        """What the learned reader sees of a reply (for training: scripts/train_judge.py)."""
        norm = normalize(text)
        flags = context_flags(context)
        return norm, text_features(norm, chars=True), _signals(norm, self._rules(norm, flags, context), flags, context)

    def _rules(self, norm: Normalized, flags: list[str], context: str | None = None) -> _Rules:
        thanks = gratitude.find(norm, self._extra["gratitude"])
        asks = request.find(norm, self._extra["feedback_request"])
        if not asks.asks:
            follow_up = context_ask(norm, flags, context_words(context))  # "Why?" right after "we went with someone else"
            if follow_up is not None:
                asks.asks.append(follow_up)
        door_found, door_rejected = door.find(norm, self._extra["door_open"])
        verdict_tone = tone.judge(norm, thanks, door_found, asks.asks)
        if verdict_tone.label == "negative":
            _drop_rhetorical(asks, verdict_tone.evidence)
            # "Apply again next year? Sure, I'll get right on that.": a door mocked is not opened.
            mocked = [d for d in door_found if _inside_any(d, verdict_tone.evidence)]
            door_found = [d for d in door_found if d not in mocked]
            door_rejected += [Evidence(d.text, d.start, d.end, "the door closed") for d in mocked]
        return _Rules(thanks, asks, door_found, door_rejected, verdict_tone)


def _signals(norm: Normalized, rules: _Rules, flags: list[str], context: str | None) -> list[str]:
    return signal_features(rules.thanks, rules.asks, rules.door, rules.tone) + context_features(norm, flags, context)


def _verdict(text: str, rules: _Rules, final_tone: Tone) -> Verdict:
    return Verdict(
        text=text,
        gratitude=_detection(rules.thanks.sincere, rules.thanks.rejected),
        feedback_request=_detection(rules.asks.asks, rules.asks.rejected),
        tone=final_tone,
        door_open=_detection(rules.door, rules.door_rejected),
    )


def _hybrid(text: str, norm: Normalized, rules: _Rules, decisions: dict[str, learned.Decision], flags: list[str]) -> Verdict:
    """The rules' evidence where the reader agrees with them; its own reasons where it does not."""
    whole = Evidence(text, 0, len(text))  # the last resort: the reader found no single words
    grat = _overrule(rules.thanks.sincere, rules.thanks.rejected, decisions["gratitude"], "not read as sincere thanks", whole)
    asks = _overrule(rules.asks.asks, rules.asks.rejected, decisions["feedback_request"], "not read as a feedback request", whole)
    if not asks.detected and any(_stands(a, flags) for a in rules.asks.asks):
        # An explicit ask ("Would you be open to sharing any feedback?") stands: the reader reads the
        # reply as one bag of words, and a long reply about other things can outweigh one clear ask.
        asks = _detection(rules.asks.asks, rules.asks.rejected)
    final = decisions["tone"]
    if final.label == rules.tone.label:
        verdict_tone = rules.tone
    else:
        p = final.probabilities
        if final.label == "negative":
            score = -max(0.05, p["negative"])
        elif final.label == "positive":
            score = max(0.05, p["positive"])
        else:
            score = round(0.3 * (p["positive"] - p["negative"]), 2)
        evidence = final.why or [Evidence(whole.text, 0, len(text), f"learned: reads as {final.label}")]
        verdict_tone = Tone(final.label, round(score, 2), evidence)  # type: ignore[arg-type]
    return Verdict(
        text=text,
        gratitude=grat,
        feedback_request=asks,
        tone=verdict_tone,
        door_open=_detection(rules.door, rules.door_rejected),
    )


def _stands(ask: Evidence, flags: list[str]) -> bool:
    """An ask the reader may not take away: an explicit one, or a question about the caller right
    after the manager gave a reason ("Could you give me an example of one that ran long?")."""
    return ask.note in _STANDING_ASKS or (ask.note == "asks about the candidacy" and "c:reason" in flags)


_STANDING_ASKS = frozenset({"asks", "asks for the reasons (after the manager's line)", "takes up the offer of feedback"})


def _overrule(found: list[Evidence], rejected: list[Evidence], decision: learned.Decision, why_not: str, whole: Evidence) -> Detection:
    yes = decision.label == "yes"
    if yes == bool(found) or any(e.note == "scenario phrase" for e in found):  # the scenario's own words count
        return _detection(found, rejected)
    if yes:  # the reader hears what the rules missed ("Whatever you'd have me do differently, I'm listening.")
        evidence = decision.why or [Evidence(whole.text, whole.start, whole.end, "learned: reads as yes")]
        return Detection(True, decision.probability, evidence, rejected)
    overruled = [Evidence(e.text, e.start, e.end, f"{why_not} (learned)") for e in found]
    return Detection(False, round(1.0 - decision.probability, 2), [], rejected + overruled + decision.why)


# Asks that rest on a question alone; a sneer inside one makes it rhetorical ("So my ten years
# count for nothing?", "Why would I thank you?"). Asks with a request frame are kept.
_WEAK_ASKS = frozenset({"asks about the candidacy", "asks (a question)"})


def _drop_rhetorical(asks: request.RequestFinding, negative: list[Evidence]) -> None:
    asks.asks = [a for a in asks.asks if not _rhetorical(a, negative)]


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
