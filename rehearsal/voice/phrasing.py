"""How a line is cut into spoken sentences, so a neural voice says it the way a person would.

A person on the phone leaves a short breath between sentences, and says "Hmm." or "Right."
as a thinking noise that runs into what follows, not as a sentence of its own with the
falling pitch of an announcement. So an interjection is joined to the next sentence with
a comma, and the engine puts `SENTENCE_PAUSE_S` between the sentences that remain.
"""

from __future__ import annotations

import re

SENTENCE_PAUSE_S = 0.3
# Thinking noises and one-word acknowledgements a manager opens a sentence with.
INTERJECTIONS = frozenset({
    "hmm", "hm", "mm", "mhm", "uh", "um", "er", "ah", "oh", "right", "okay", "ok", "alright", "well",
    "sure", "so", "yes", "yeah", "no", "anyway", "ah well", "oh right", "oh sure", "i see", "got it", "of course",
})
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def sentences(text: str) -> list[str]:
    """The line's sentences, interjections joined to the sentence they open."""
    parts = [p.strip() for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    out: list[str] = []
    carry = ""
    for part in parts:
        if is_interjection(part):
            carry = f"{carry}{_as_lead_in(part)} "
            continue
        out.append(carry + (_lower_first(part) if carry else part))
        carry = ""
    if carry:  # the line ends on an interjection ("Right."): say it as it is written
        out.append(carry.strip().rstrip(",") + ".")
    return out


def is_interjection(sentence: str) -> bool:
    words = re.sub(r"[^\w\s']", " ", sentence.lower()).split()
    return 0 < len(words) <= 2 and " ".join(words) in INTERJECTIONS and not sentence.rstrip().endswith("?")


def _lower_first(part: str) -> str:
    """'Well, I wish' after 'Okay,' -> 'well, I wish': the sentence now runs on."""
    word = part.split(" ", 1)[0]
    if word.startswith("I") and (len(word) == 1 or not word[1].isalpha()):
        return part  # "I", "I'm", "I'd"
    return part[:1].lower() + part[1:] if word[1:2].islower() else part


def _as_lead_in(part: str) -> str:
    """'Hmm.' -> 'Hmm,'; 'Okay...' stays a trailing-off 'Okay...' (already unfinished)."""
    stripped = part.rstrip()
    if stripped.endswith(("...", "…")):
        return stripped
    return stripped.rstrip(".!") + ","
