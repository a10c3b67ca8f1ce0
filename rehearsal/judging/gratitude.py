"""Gratitude: sincere thanks or appreciation, told apart from its look-alikes.

The look-alikes the scoring guide rules out, each kept as rejected evidence with a note:
sarcastic thanks ("thanks for nothing"), refusals ("no thanks"), negated appreciation
("I don't appreciate being ghosted"), and appreciation conditional on a favour not yet done
("I'd appreciate any feedback" is a request, not thanks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rehearsal.judging import lexicon as lx
from rehearsal.judging.normalize import Normalized, Word
from rehearsal.judging.verdict import Evidence, drop_contained

# Thanks with something to it ("thanks so much", "thank you for...", "I appreciate") sound warm;
# a bare "thanks" is matter-of-fact.
_FULL_AFTER = re.compile(r"^ (?:for|again|everyone|all|to you|so much|very much|personally|heaps|kindly|a million)\b")
_FULL_INSIDE = re.compile(r"\b(?:so much|very much|a lot|heaps|a ton|many|thousand)\b")
_WARM_BEFORE = frozenset("to proper big huge massive special heartfelt sincere sincerely really truly".split())
_THANKS_FOR_SOMETHING = re.compile(r"^ (?:so much |very much |a lot |again )?(?:for|to you)\b|^ (?:so|very) much\b")
_AUXILIARIES = frozenset("can do am will is are was were would could should did have has why".split())

WARM = 1.0
BARE = 0.4


@dataclass
class GratitudeFinding:
    sincere: list[Evidence] = field(default_factory=list)
    rejected: list[Evidence] = field(default_factory=list)
    warmth: float = 0.0  # how much the thanks adds to a positive tone
    sarcastic: list[Evidence] = field(default_factory=list)  # count against the tone
    negated: list[Evidence] = field(default_factory=list)  # likewise
    polite_requests: list[Evidence] = field(default_factory=list)  # "I'd appreciate...": warm, not thanks


def find(norm: Normalized, extra: re.Pattern[str] | None = None) -> GratitudeFinding:
    found = GratitudeFinding()
    for pattern, kind in ((lx.THANKS, "thanks"), (lx.APPRECIATION, "appreciation")):
        for m in pattern.finditer(norm.text):
            _judge_one(norm, m.start(), m.end(), kind, found)
    if extra is not None:
        for m in extra.finditer(norm.text):
            if not _negated(norm, m.start(), m.end()):
                found.sincere.append(norm.evidence(m.start(), m.end(), "scenario phrase"))
                found.warmth = max(found.warmth, WARM)
    found.sincere = drop_contained(_not_beside_sarcasm(norm, found))
    return found


def _not_beside_sarcasm(norm: Normalized, found: GratitudeFinding) -> list[Evidence]:
    """ "Thanks for nothing, seriously, thanks.": a thanks next to sarcastic thanks is sarcastic too."""
    if not found.sarcastic:
        return found.sincere
    soured = {norm.words[norm.word_from_original(e.start)].sentence for e in found.sarcastic}
    kept = []
    for ev in found.sincere:
        if norm.words[norm.word_from_original(ev.start)].sentence in soured:
            found.rejected.append(Evidence(ev.text, ev.start, ev.end, "sarcastic"))
        else:
            kept.append(ev)
    return kept


def _judge_one(norm: Normalized, start: int, end: int, kind: str, found: GratitudeFinding) -> None:
    text = norm.text
    first = norm.word_at(start)
    before = [w.text for w in _window_before(norm, first, 4)]
    after = _after(text, end)
    bare_thank = text[start:end] == "thank"  # the verb, or a recognizer's "thanks" without the s
    blame = text[start:end] == "thanks" and lx.THANKS_TO_BLAME.match(after)
    if kind == "thanks" and (lx.NOT_THANKS_AFTER.match(after) or blame):
        return  # "thank god", "don't thank me", "thanks to your recruiter, I..." are not thanks
    if kind == "thanks" and _refusal(norm, first, before, after):
        found.rejected.append(norm.evidence(start, end, "a refusal, not thanks"))
        return
    held_back = lx.THANKS_HELD_BACK.search(text[max(0, start - 40) : start].rstrip()) and after.startswith(" but ")
    if kind == "thanks" and text[start:end].startswith("thank") and (held_back or _refused(norm, first)):
        ev = norm.evidence(start, end, "negated")
        found.rejected.append(ev)
        found.negated.append(ev)  # "I'm not going to thank you for that" is ungracious
        return
    if (kind == "appreciation" or bare_thank) and _negated(norm, start, end):
        ev = norm.evidence(start, end, "negated")
        found.rejected.append(ev)
        if kind == "appreciation":  # "I don't appreciate..." is ungracious; "I didn't thank them" is not
            found.negated.append(ev)
        return
    sarcasm_end = _sarcastic(norm, first, end)
    if sarcasm_end is not None:
        ev = norm.evidence(start, max(end, sarcasm_end), "sarcastic")  # quote "thanks for nothing" whole
        found.rejected.append(ev)
        found.sarcastic.append(ev)
        return
    if kind == "appreciation" and ["would", "have"] in (before[-2:], before[-3:-1]):
        # "I would have appreciated a heads-up": a complaint about what was not done, not thanks.
        would = norm.offsets[first - len(before) + before.index("would")]
        found.rejected.append(norm.evidence(would, end, "a complaint, not thanks"))
        return
    if _conditional(kind, before, after):
        ask = start  # quote from the "would": "I'd appreciate", "I would be grateful"
        if "would" in before:
            ask = norm.offsets[first - len(before) + before.index("would")]
        ev = norm.evidence(ask, end, "a request, not thanks")
        found.rejected.append(ev)
        found.polite_requests.append(ev)
        return
    found.sincere.append(norm.evidence(start, end))
    full = kind == "appreciation" or _FULL_AFTER.match(after) or _FULL_INSIDE.search(text[start:end])
    full = full or bool(set(before[-1:]) & _WARM_BEFORE)  # "I wanted to thank you", "a big thank you"
    found.warmth = max(found.warmth, WARM if full else BARE)


def _after(text: str, end: int, words: int = 8) -> str:
    """The text after a match, up to `words` words: every look-ahead here spans fewer, and a
    bounded window keeps a reply's cost linear (slicing to the end for each "thanks" was not)."""
    stop = end
    for _ in range(words):
        stop = text.find(" ", stop + 1)
        if stop < 0:
            return text[end:]
    return text[end : stop + 1]


def _refusal(norm: Normalized, first: int, before: list[str], after: str) -> bool:
    """ "No thanks", "thanks but no", "I don't need feedback, thanks, I'm good": declining, not thanking."""
    if lx.THANKS_BUT_NO.match(after):
        return True
    if _THANKS_FOR_SOMETHING.match(after):
        # "No. Thank you so much for your time.", heard as "no thank you so much for your time", and
        # "no I'm good, thank you for the call": thanks with an object thanks for it (session judge5).
        return False
    if before[-1:] and before[-1] in lx.REFUSAL_BEFORE:
        return True
    if first > 0 and norm.words[first - 1].text in lx.REFUSAL_BEFORE:
        if norm.words[first - 1].sentence == norm.words[first].sentence:
            return True  # "No, thank you."
    wider = norm.text[norm.offsets[max(0, first - 6)] : norm.offsets[first]]
    return bool(lx.DECLINE_BEFORE.search(wider) or lx.DECLINE_AFTER.match(after))


def _window_before(norm: Normalized, first: int, size: int) -> list[Word]:
    clause = norm.words[first].clause
    return [w for w in norm.words[max(0, first - size) : first] if w.clause == clause]


def _negated(norm: Normalized, start: int, end: int) -> bool:
    first = norm.word_at(start)
    before = _window_before(norm, first, 4)
    if not any(w.text in lx.NEGATORS for w in before):
        return False
    lo = norm.offsets[first - len(before)] if before else start
    return not lx.NEGATION_EXCEPTIONS.search(norm.text[lo : end + 30])


def _refused(norm: Normalized, first: int) -> bool:
    """ "I'm not going to thank you", "why would I thank you": thanks withheld, in so many words."""
    lo = max(0, first - 6)
    before = norm.text[norm.offsets[lo] : norm.offsets[first]].rstrip()
    return bool(lx.THANKS_REFUSED_BEFORE.search(before)) and not lx.NEGATION_EXCEPTIONS.search(
        norm.text[norm.offsets[lo] : norm.offsets[first] + 20]
    )


def _sarcastic(norm: Normalized, first: int, end: int) -> int | None:
    """None for sincere thanks; otherwise where the sarcasm ends (to quote it with the thanks)."""
    if any(lx.SARCASM_OPENER.fullmatch(w.text) for w in norm.words[max(0, first - 3) : first]):
        return end  # "Gee, thanks..."
    sentence = norm.words[first].sentence
    # "Oh sure, a better fit. Very helpful, thanks.": a sarcastic opener shortly before (this or
    # the previous sentence) sours the thanks.
    lo_prev = norm.sentence_ranges.get(sentence - 1, norm.sentence_ranges[sentence])[0]
    window_lo = max(lo_prev, first - 10)
    if lx.SARCASM_BEFORE.search(norm.text[norm.offsets[window_lo] : norm.offsets[first]]):
        return end
    lo, hi = norm.sentence_ranges[sentence]
    if sentence in norm.questions and hi - lo <= 2:
        return end  # "Thanks? For what?"
    if [w.text for w in norm.words[max(lo, hi - 2) : hi]] == ["i", "guess"]:
        return end  # "Thank you for your consideration, I guess."
    nlo, nhi = norm.sentence_ranges.get(sentence + 1, (0, 0))
    if nhi - nlo == 1 and norm.words[nlo].text in ("really", "not"):
        return end  # "Thanks a lot. Really."
    last = norm.word_at(end - 1)
    following = [w.text for w in norm.words[last + 1 : last + 11] if w.sentence == sentence]
    if "but" in following:
        following = following[: following.index("but")]
    following = _own_object(following)
    m = lx.SARCASTIC_OBJECT.search(" ".join(following))
    if m:
        upto = last + len(" ".join(following)[: m.end()].split())
        return norm.offsets[upto] + len(norm.words[upto].text)
    words = norm.words
    # "Wow, thanks, that's super helpful. Not." — a final lone "not" takes the thanks back.
    if len(words) > 1 and words[-1].text == "not" and words[-2].text not in _AUXILIARIES:
        return end
    return None


# Thanks for the call, then a new clause: what follows is not what the thanks is for. The recognizer
# drops the full stop in "Thanks for letting me know. I guess it wasn't meant to be.", and the words
# after it ("i guess", "nothing else", "the automated email") must not make the thanks sarcastic
# (session judge5).
_SINCERE_OBJECT = re.compile(
    r"for (?:calling|ringing|phoning|the call|the update|your time|letting me know|getting back to me"
    r"|calling me back|ringing me back|picking up|explaining|being honest|your honesty)"
)
_NEW_CLAUSE = frozenset("i it the we you a honestly nothing my this".split())


def _own_object(following: list[str]) -> list[str]:
    """The words after a thanks up to the end of its object, when a new clause starts after a plain one."""
    if following[:1] != ["for"]:
        return following
    for n in range(2, 6):
        if _SINCERE_OBJECT.fullmatch(" ".join(following[:n])) and len(following) > n:
            nxt = following[n]
            if nxt in _NEW_CLAUSE or following[n : n + 2] == ["for", "what"]:
                return following[:n]
    return following


def _conditional(kind: str, before: list[str], after: str) -> bool:
    if kind == "thanks":
        return after.startswith(" in advance")
    return any(w in lx.CONDITIONAL_BEFORE for w in before) or bool(lx.CONDITIONAL_AFTER.match(after))
