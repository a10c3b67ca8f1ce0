"""Helpers for the scenario tests: verdicts made to order, and a judge that replays them."""

from __future__ import annotations

from itertools import product

from rehearsal.judging.verdict import Detection, Tone, Verdict

TONE_SCORE = {"positive": 0.6, "neutral": 0.0, "negative": -0.6}


def verdict(
    *, thanks: bool = False, asks: bool = False, door: bool = False, tone: str = "neutral", silent: bool = False
) -> Verdict:
    return Verdict(
        text="",
        gratitude=Detection(thanks, 0.9 if thanks else 0.1),
        feedback_request=Detection(asks, 0.9 if asks else 0.1),
        tone=Tone(tone, TONE_SCORE[tone]),  # type: ignore[arg-type]
        door_open=Detection(door, 0.9 if door else 0.1),
        silent=silent,
    )


SILENCE = verdict(silent=True)
# Every kind of reply a branch can tell apart.
ALL_VERDICTS = [SILENCE] + [
    verdict(thanks=t, asks=a, door=d, tone=tone)
    for t, a, d, tone in product([False, True], [False, True], [False, True], ["positive", "neutral", "negative"])
]
