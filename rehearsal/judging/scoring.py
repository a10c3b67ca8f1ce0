"""Turn and call scores from a verdict and the scenario's rubric, with a tip for each miss."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from rehearsal.judging.delivery import PACE_BAND_WPM, Delivery
from rehearsal.judging.verdict import Verdict
from rehearsal.dimensions import PHRASED
from rehearsal.scenario.model import Weights

TONE_CREDIT = {"positive": 1.0, "neutral": 0.6, "negative": 0.0}
MAX_FILLERS_PER_MIN = 4.0
MAX_LATENCY_S = 3.0
MAX_PAUSE_S = 2.5


@dataclass(frozen=True, slots=True)
class TurnScore:
    score: float  # 0..100
    parts: dict[str, float]  # dimension -> 0..1 credit
    missed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def delivery_credit(delivery: Delivery) -> float:
    """0..1: pace in the band, few fillers, a prompt start, no long silences."""
    checks: list[float] = []
    if delivery.wpm is not None:
        low, high = PACE_BAND_WPM
        if low <= delivery.wpm <= high:
            checks.append(1.0)
        else:
            off = low - delivery.wpm if delivery.wpm < low else delivery.wpm - high
            checks.append(max(0.0, 1.0 - off / 60.0))
    if delivery.fillers_per_min is not None:
        checks.append(1.0 if delivery.fillers_per_min <= MAX_FILLERS_PER_MIN else 0.0)
    if delivery.latency_s is not None:
        checks.append(1.0 if delivery.latency_s <= MAX_LATENCY_S else 0.0)
    checks.append(1.0 if delivery.longest_pause_s <= MAX_PAUSE_S else 0.0)
    return sum(checks) / len(checks)


def dimension_credit(verdict: Verdict, dimension: str) -> float:
    if dimension == "tone":
        return 0.0 if verdict.silent else TONE_CREDIT[verdict.tone.label]
    if dimension == "contact":
        return 1.0 if verdict.contact is not None and verdict.contact.detected else 0.0
    return 1.0 if getattr(verdict, dimension).detected else 0.0


UNPROMPTED = PHRASED  # good things a turn did not ask for still earn credit


def score_turn(
    verdict: Verdict,
    expects: Iterable[str],
    weights: Weights,
    delivery: Delivery | None = None,
    asked_before: bool = False,
) -> TurnScore:
    """Score one reply on what its turn expects.

    Tone always counts: every reply on this call should stay gracious. Good things the turn
    did not ask for (thanks, a feedback request, keeping the door open) are credited too, so
    a caller who asks for feedback in their opener sees it counted. A caller who already
    asked for feedback is not expected to ask again. A verdict with a `contact` finding (a turn
    that requires a way to reach the caller) is scored on it too, as the "contact" part.
    """
    expects = list(expects)
    if verdict.contact is not None and "contact" not in expects:
        expects.append("contact")
    bonus = [d for d in UNPROMPTED if d not in expects and getattr(verdict, d).detected]
    dims = list(dict.fromkeys([*expects, "tone", *bonus]))
    parts = {d: dimension_credit(verdict, d) for d in dims}
    if asked_before and "feedback_request" in parts:
        parts["feedback_request"] = 1.0
    if delivery is not None and delivery.words:
        parts["delivery"] = delivery_credit(delivery)
    total_weight = sum(getattr(weights, d) for d in parts)
    if total_weight == 0:
        score = 100.0 * sum(parts.values()) / len(parts)
    else:
        score = 100.0 * sum(getattr(weights, d) * c for d, c in parts.items()) / total_weight
    expected = set(expects)
    missed = [d for d, c in parts.items() if c < 1.0 and (d in expected or d == "delivery" or c == 0.0)]
    return TurnScore(score=round(score, 1), parts=parts, missed=missed)


def call_score(turn_scores: Iterable[float]) -> float:
    scores = list(turn_scores)
    return round(sum(scores) / len(scores), 1) if scores else 0.0
