"""A concrete tip for each missed expectation, and a short cue to show during the call."""

from __future__ import annotations

from rehearsal.judging.delivery import PACE_BAND_WPM, Delivery
from rehearsal.judging.scoring import MAX_FILLERS_PER_MIN, MAX_LATENCY_S, MAX_PAUSE_S, TurnScore
from rehearsal.judging.verdict import Verdict

_TIPS = {
    "gratitude": "Open with thanks: \"Thank you for taking my call, and thanks again for the interview.\"",
    "feedback_request": "Ask for feedback plainly: \"Would you be willing to share any feedback that could help me in future interviews?\"",
    "door_open": "Take the hint and keep the door open: \"I will keep an eye on your postings, and I'd love to be considered for future roles.\"",
    "tone": "Stay gracious and upbeat, even if the answer is vague: \"I appreciate you being candid, that's really helpful.\"",
    "silence": "Say something, even briefly: \"Thanks for picking up — do you have a minute?\"",
}


def tips_for(verdict: Verdict, score: TurnScore, delivery: Delivery | None = None) -> list[str]:
    if verdict.silent:
        return [_TIPS["silence"]]
    tips: list[str] = []
    for dim in score.missed:
        if dim == "delivery" and delivery is not None:
            tips.extend(_delivery_tips(delivery))
        elif dim == "gratitude" and verdict.gratitude.rejected:
            quote = verdict.gratitude.rejected[0]
            tips.append(f"\"{quote.text}\" did not count as thanks ({quote.note or 'not sincere thanks'}). " + _TIPS["gratitude"])
        elif dim == "tone" and verdict.tone.label == "negative" and verdict.tone.evidence:
            quote = verdict.tone.evidence[0]
            tips.append(f"\"{quote.text}\" sounds {quote.note or 'upset'}. " + _TIPS["tone"])
        elif dim in _TIPS:
            tips.append(_TIPS[dim])
    return tips


def _delivery_tips(d: Delivery) -> list[str]:
    tips = []
    low, high = PACE_BAND_WPM
    if d.wpm is not None and d.wpm > high:
        tips.append(f"You spoke at {d.wpm:.0f} words a minute; slow down to {low:.0f}-{high:.0f} so it sounds calm.")
    elif d.wpm is not None and d.wpm < low:
        tips.append(f"You spoke at {d.wpm:.0f} words a minute; a little brisker ({low:.0f}-{high:.0f}) sounds more confident.")
    if d.fillers_per_min is not None and d.fillers_per_min > MAX_FILLERS_PER_MIN:
        words = ", ".join(sorted({f.text for f in d.fillers})) or "fillers"
        tips.append(f"{d.fillers_per_min:.0f} filler words a minute ({words}); pause silently instead.")
    if d.latency_s is not None and d.latency_s > MAX_LATENCY_S:
        tips.append(f"You took {d.latency_s:.1f} s to start; have your opening sentence ready.")
    if d.longest_pause_s > MAX_PAUSE_S:
        tips.append(f"A {d.longest_pause_s:.1f} s pause mid-reply; keep a short note of your points.")
    return tips


def cue_for(verdict: Verdict, score: TurnScore) -> str:
    """One short line for during the call; the detail waits for the scorecard."""
    if verdict.silent:
        return "No reply heard."
    good = []
    if verdict.gratitude.detected:
        good.append("thanked")
    if verdict.feedback_request.detected:
        good.append("asked for feedback")
    if verdict.door_open.detected:
        good.append("kept the door open")
    tone = {"positive": "warm tone", "neutral": "calm tone", "negative": "tone slipped"}[verdict.tone.label]
    parts = good + [tone]
    return f"{score.score:.0f} · " + ", ".join(parts)
