"""Stepping the end-of-turn policy through scripted word timings, as the listening loop does
(every 20 ms of a reply): shared by tests/test_turn_policy.py and benchmarks/bench_turn_policy.py."""

from __future__ import annotations

from rehearsal.conversation.turn_end import TurnPolicy, TurnSignals, TurnState, unmet_expectations
from rehearsal.judging.judge import Judge

STEP_MS = 20
WORD_S = 0.3  # each word's length in the scripted replies (about 200 wpm with no gaps)
LAG_S = 0.15  # the recogniser shows a word this long after it ends


def timed(*parts: str | float) -> list[tuple[str, float, float]]:
    """Words (0.3 s each) and pauses (seconds) -> (word, start, end) in reply time."""
    out, t = [], 0.0
    for part in parts:
        if isinstance(part, float):
            t += part
            continue
        for word in part.split():
            out.append((word, t, t + WORD_S))
            t += WORD_S
    return out


def first_end(words, *, policy=None, expects=(), judge=None, lag_s=LAG_S, until_s=None):
    """Step through the reply every 20 ms as the listening loop does; return the END decision's
    time (seconds after the reply's first word) and reason, or None if it never ends."""
    policy = policy or TurnPolicy()
    judge = judge or Judge()
    last = words[-1][2]
    t = 0.0
    judged: dict[str, tuple[str, ...]] = {}  # the listening loop judges a text once, too
    until_s = until_s if until_s is not None else last + policy.cap_ms / 1000 + 0.5
    while t <= until_s:
        spoken = [w for w in words if w[1] < t]
        if spoken:
            end_of_speech = max(w[2] for w in spoken)
            silence_ms = int(max(0.0, t - end_of_speech) * 1000) if t > end_of_speech else 0
            text = " ".join(w[0] for w in words if w[2] + lag_s <= t)
            if expects and text not in judged:
                judged[text] = unmet_expectations(judge.judge(text), expects)
            unmet = judged.get(text, ())
            decision = policy.decide(TurnSignals(silence_ms, text, end_of_speech - words[0][1], unmet))
            if silence_ms > 0 and decision.state is TurnState.END:
                return round(t, 3), decision.reason
        t = round(t + STEP_MS / 1000, 3)
    return None
