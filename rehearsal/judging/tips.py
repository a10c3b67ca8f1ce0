"""A concrete tip for each missed expectation, and a short cue to show during the call."""

from __future__ import annotations

from rehearsal.judging.delivery import PACE_BAND_WPM, Delivery
from rehearsal.judging.scoring import MAX_FILLERS_PER_MIN, MAX_LATENCY_S, MAX_PAUSE_S, TurnScore
from rehearsal.judging.verdict import Evidence, Verdict
from rehearsal.dimensions import PHRASED

_TIPS = {
    "gratitude": "Open with thanks: \"Thank you for taking my call, and thanks again for the interview.\"",
    "feedback_request": "Ask for feedback plainly: \"Would you be willing to share any feedback that could help me in future interviews?\"",
    "door_open": "Take the hint and keep the door open: \"I will keep an eye on your postings, and I'd love to be considered for future roles.\"",
    "tone": "Stay gracious and upbeat, even if the answer is vague: \"I appreciate you being candid, that's really helpful.\"",
    "contact": "Say how to reach you: your number, slowly, twice (or your email, spelled out), "
    "and when you're easiest to reach.",
    "silence": "Say something, even briefly: \"Thanks for picking up — do you have a minute?\"",
}


# Why a look-alike did not count, in words for the learner (keyed by the judge's notes).
_WHY_NOT = {
    "sarcastic": "sounds sarcastic, so it does not count as thanks",
    "a refusal, not thanks": "declines something, so it does not count as thanks",
    "negated": "says you do not appreciate it",
    "a request, not thanks": "asks for a favour; thanks are for what they have already done",
    "a complaint, not thanks": "says what they should have done, so it reads as a complaint, not thanks",
    "feedback refused, not asked for": "turns feedback down",
    "mentioned, not asked for": "mentions feedback but does not ask for it",
    "the door closed": "closes the door",
}
_TONE_FIX = {
    "pleading": "Pleading makes it harder for them to help; stay composed: "
    "\"I understand. If anything changes, I'd love to hear from you.\"",
    "sarcastic": "Sarcasm lands as hostility on a call; say it straight: "
    "\"I was hoping for something more specific — is there one thing I could work on?\"",
}


def tips_for(verdict: Verdict, score: TurnScore, delivery: Delivery | None = None) -> list[str]:
    if verdict.silent:
        return [_TIPS["silence"]]
    tips: list[str] = []
    for dim in score.missed:
        if dim == "delivery" and delivery is not None:
            tips.extend(_delivery_tips(delivery))
        elif dim == "tone":
            tips.append(_tone_tip(verdict))
        elif dim in PHRASED:
            tips.append(_quoted(getattr(verdict, dim).rejected) + _TIPS[dim])
        elif dim in _TIPS:
            tips.append(_TIPS[dim])
    return tips


def _quoted(rejected: list[Evidence]) -> str:
    """ "“Thanks for nothing” sounds sarcastic, ..." for the first look-alike, or nothing."""
    if not rejected:
        return ""
    first = rejected[0]
    return f"\u201c{first.text}\u201d {_WHY_NOT.get(first.note, 'did not count')}. "


def _tone_tip(verdict: Verdict) -> str:
    if verdict.tone.label != "negative" or not verdict.tone.evidence:
        return "Add some warmth: \"I really appreciate you taking the time — it helps a lot.\""
    quote = verdict.tone.evidence[0]
    fix = _TONE_FIX.get(quote.note, _TIPS["tone"])
    return f"\u201c{quote.text}\u201d sounds {quote.note or 'upset'}. {fix}"


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
    if verdict.contact is not None and verdict.contact.detected:
        good.append("left a way to reach you")
    tone = {"positive": "warm tone", "neutral": "calm tone", "negative": "tone slipped"}[verdict.tone.label]
    parts = good + [tone]
    return f"{score.score:.0f} · " + ", ".join(parts)
