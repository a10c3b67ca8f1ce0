"""Tone: positive, neutral or negative, from weighted cues.

Negative cues (upset, arguing, blaming, sarcasm, pleading) outweigh warmth, as the scoring
guide asks: "thank you for calling, but this process was completely unfair" is negative.
Calm disappointment carries no weight either way; warmth, a learning frame, sincere thanks
and a forward look make a reply positive.
"""

from __future__ import annotations

from rehearsal.judging import lexicon_request as lx
from rehearsal.judging import tone_cues as cues
from rehearsal.judging.gratitude import BARE, GratitudeFinding
from rehearsal.judging.normalize import Normalized
from rehearsal.judging.tone_courteous import COURTEOUS_CUES
from rehearsal.judging.verdict import Evidence, Tone, drop_contained

_UPSET_NEGATORS = frozenset({"not", "never", "no"})


def judge(norm: Normalized, thanks: GratitudeFinding, door: list[Evidence], asks: list[Evidence] | None = None) -> Tone:
    """`asks`: the feedback requests found; a polite "I'd appreciate ..." is warm only when it asks
    for feedback (the guide: asking politely for something else is neutral). None: count them all."""
    negative = _negative(norm, thanks)
    if negative:
        weight = len(negative)
        return Tone("negative", round(-min(1.0, 0.5 + 0.25 * weight), 2), negative)
    positive, weight = _positive(norm, thanks, door, asks)
    if weight >= 1.0:
        return Tone("positive", round(min(1.0, 0.4 + 0.2 * weight), 2), positive)
    return Tone("neutral", round(min(0.3, 0.2 * weight), 2), positive)


def _negative(norm: Normalized, thanks: GratitudeFinding) -> list[Evidence]:
    found: list[Evidence] = []
    for pattern, note in cues.NEGATIVE_CUES + COURTEOUS_CUES:
        for m in pattern.finditer(norm.text):
            if thanks.sincere and _said_of_others(norm, m.start()):
                continue
            found.append(norm.evidence(m.start(), m.end(), note))
    for m in cues.UPSET_WORDS.finditer(norm.text):
        first = norm.word_at(m.start())
        if not {w.text for w in norm.words[max(0, first - 2) : first]} & _UPSET_NEGATORS:
            found.append(norm.evidence(m.start(), m.end(), "upset"))
    found += _contrast_complaints(norm)
    found += _echo_rebuttal(norm)
    found += _mock_praise(norm, thanks)
    lone_not = _lone_not(norm)
    if lone_not is not None:
        found.append(lone_not)
    found += [Evidence(e.text, e.start, e.end, "sarcastic") for e in thanks.sarcastic]
    found += [Evidence(e.text, e.start, e.end, "ungracious") for e in thanks.negated]
    return drop_contained(found)


def _said_of_others(norm: Normalized, start: int) -> bool:
    """ "Thanks for calling, most places don't even send an email": about others, not the listener."""
    first = norm.word_at(start)
    clause = norm.words[first].clause
    before = [w.text for w in norm.words[max(0, first - 3) : first] if w.clause == clause]
    return bool(before) and before[0] in cues.THIRD_PARTY or bool(before[-1:]) and before[-1] in cues.THIRD_PARTY


def _echo_rebuttal(norm: Normalized) -> list[Evidence]:
    """ "Keep applying, you say? I've applied six times already.": the listener's advice handed back
    as a short question (no question word), then argued with. Typed text only: it needs the "?"."""
    for s, (lo, hi) in norm.sentence_ranges.items():
        if not 2 <= hi - lo <= 5:
            continue
        nlo, nhi = norm.sentence_ranges.get(s + 1, (0, 0))
        if s not in norm.questions:  # "Not enough leadership. Sure. I managed a team of twelve."
            if nhi - nlo != 1 or norm.words[nlo].text not in cues.ECHO_INTERJECTIONS:
                continue
            nlo, nhi = norm.sentence_ranges.get(s + 2, (0, 0))
        if nhi <= nlo or norm.words[nlo].sentence in norm.questions:
            continue  # a question after the echo asks; it does not argue
        question = norm.text[norm.offsets[lo] : norm.offsets[hi - 1] + len(norm.words[hi - 1].text)]
        if lx.QUESTION_START.match(question) or cues.ECHO_NOT.match(question):
            continue
        reply = norm.text[norm.offsets[nlo] : norm.offsets[nhi - 1] + len(norm.words[nhi - 1].text)]
        if cues.ECHO_REBUTTAL.match(reply):
            return [norm.evidence(norm.offsets[lo], norm.offsets[nhi - 1] + len(norm.words[nhi - 1].text), "argumentative")]
    return []


def _mock_praise(norm: Normalized, thanks: GratitudeFinding) -> list[Evidence]:
    """ "Right, so another 'we went with someone more experienced'. Great.": the reason handed back,
    then a lone word of praise at the very end, is sarcasm. Not after sincere thanks or a promise."""
    last = norm.words[-1]
    if last.text not in cues.MOCK_PRAISE or len(norm.words) < 4 or thanks.sincere:
        return []
    if len(norm.words) > 1 and norm.words[-2].text in cues.PRAISE_LINKS:
        return []  # "that sounds great", "the team seemed brilliant"
    body = norm.text[: norm.offsets[len(norm.words) - 1]]
    if cues.REJECTION_REASON.search(body) and not cues.MOCK_PRAISE_SINCERE.search(body):
        return [Evidence(norm.original[last.start : last.end], last.start, last.end, "sarcastic")]
    return []


def _contrast_complaints(norm: Normalized) -> list[Evidence]:
    """ "Thanks for calling, but I was never given a chance": a complaint after a contrast."""
    found: list[Evidence] = []
    if " but " not in norm.text and "though" not in norm.text and "however" not in norm.text:
        return found
    for c in cues.CONTRAST.finditer(norm.text):
        first = norm.word_at(c.start())
        sentence = norm.words[first].sentence
        words = [w for w in norm.words[first + 1 : first + 17] if w.sentence == sentence]
        if not words:
            continue
        lo = norm.offsets[first + 1]
        hi = norm.offsets[first + len(words)] + len(words[-1].text)
        for m in cues.CONTRAST_COMPLAINT.finditer(norm.text[lo:hi]):
            found.append(norm.evidence(lo + m.start(), lo + m.end(), "aggrieved"))
            break
    return found


def _positive(
    norm: Normalized, thanks: GratitudeFinding, door: list[Evidence], asks: list[Evidence] | None
) -> tuple[list[Evidence], float]:
    found: list[Evidence] = []
    asked = None if asks is None else {_sentence(norm, a.start) for a in asks}
    for pattern, note in cues.POSITIVE_CUES:
        for m in pattern.finditer(norm.text):
            ev = norm.evidence(m.start(), m.end(), note)
            if asked is not None and cues.POLITE_FRAME.fullmatch(m.group()) and _sentence(norm, ev.start) not in asked:
                continue  # "I'd appreciate a call back on this number": polite, not warm
            found.append(ev)
    weight = float(len(drop_contained(found)))
    warmth = thanks.warmth
    if cues.FLAT_OPENER.match(norm.text):
        warmth = min(warmth, BARE)  # "Okay, thanks for letting me know." is matter-of-fact
    if thanks.sincere:
        found += [Evidence(e.text, e.start, e.end, "thanks") for e in thanks.sincere]
    polite = thanks.polite_requests
    if asked is not None:
        polite = [e for e in polite if _sentence(norm, e.start) in asked]
    if polite and not any(ev.note == "warm" for ev in found):
        found += [Evidence(e.text, e.start, e.end, "warm") for e in polite]
        warmth += 1.0
    weight += warmth
    for ev in door:
        if not _is_question(norm, norm.word_from_original(ev.start)):  # "Can I reapply?" promises nothing
            found.append(Evidence(ev.text, ev.start, ev.end, "forward-looking"))
            weight += 1.0
    return drop_contained(found), weight


def _sentence(norm: Normalized, original_start: int) -> int:
    return norm.words[norm.word_from_original(original_start)].sentence


def _lone_not(norm: Normalized) -> Evidence | None:
    """A final "Not." on its own takes back what came before ("that clears it up. Not.")."""
    last = norm.words[-1]
    if last.text == "not" and len(norm.words) > 1 and norm.words[-2].sentence != last.sentence:
        return Evidence(norm.original[last.start : last.end], last.start, last.end, "sarcastic")
    return None


def _is_question(norm: Normalized, word: int) -> bool:
    sentence = norm.words[word].sentence
    if sentence in norm.questions:
        return True
    # Transcripts have no "?": a question word shortly before counts.
    lo = max(0, word - 10)
    while lo < word and norm.words[lo].sentence != sentence:
        lo += 1
    window = norm.text[norm.offsets[lo] : norm.offsets[word]]
    if lo > 0 and norm.words[lo - 1].sentence == sentence:
        window = "_ " + window  # mid-sentence: the window's first word does not start anything
    return bool(lx.QUESTION_START.search(window))
