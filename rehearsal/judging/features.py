"""What the learned reader sees of a reply: word n-grams, the rules' findings, and the manager's line.

Two kinds of feature. Text features are word n-grams of the normalised reply (so typed text and
transcripts give the same ones), each remembering the words it came from, so the reader can
quote the words that weighed most. Signal features are the rules' findings (thanks found, a
sarcastic thanks, a negative cue and its kind, an ask and its kind, ...) and what the manager
just said (bad news, a question, a reason, advice), crossed with the reply's shape ("Why?" right
after the bad news is a request for reasons).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rehearsal.judging.normalize import Normalized, normalize
from rehearsal.judging.verdict import Evidence

_NUMBER = re.compile(r"^\d[\d,.]*$")
# Word classes that carry tone whatever the word: "five weeks", "three emails", "eleven days later".
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred".split())
_TIME_WORDS = frozenset("minutes hours days weeks months years evenings nights weekends minute hour day week month year".split())
# Common words that say nothing about what a reply echoes from the manager's line.
_STOP = frozenset(
    "i you we they he she it a an the and or but so to of in on at for with that this is was were are be been am do did does have has had "
    "not no yes my your our me us them their what which who how why when would could should will can just very really about as if then".split()
)


WINDOW = 12  # words in one stretch the reader scores on its own (features.window_features)


class TextFeature(NamedTuple):
    name: str
    first: int  # first word (index into norm.words)
    last: int  # last word, inclusive


def text_features(norm: Normalized, chars: bool = False) -> list[TextFeature]:
    """Unigrams, bigrams and trigrams of the canonical words, with the reply's edges marked
    ("<s> why", "noted </s>"). Each name appears once, at its first place. `chars` adds the
    character 3- and 4-grams of each word ("g:<app", "g:reci"), which carry a word's stem to its
    other forms and to the recognizer's near-misses ("apreciate", "reconsidered")."""
    toks = _tokens(norm)
    seen = _grams(toks)
    n = len(toks)
    seen[f"len:{_length_bucket(n)}"] = TextFeature(f"len:{_length_bucket(n)}", -1, -1)
    classes = ["<n>" if t == "<num>" or t in _NUMBER_WORDS else "<time>" if t in _TIME_WORDS else "" for t in toks]
    for i in range(n - 1):
        if classes[i] == "<n>" and classes[i + 1] == "<time>":
            seen.setdefault("k:<n> <time>", TextFeature("k:<n> <time>", i, i + 1))
        elif classes[i] == "<n>" and toks[i + 1] not in _STOP:
            seen.setdefault("k:<n> <thing>", TextFeature("k:<n> <thing>", i, i + 1))
    if chars:
        for i, t in enumerate(toks):
            if len(t) < 4 or t.startswith("<"):
                continue  # short words are whole-word features already
            padded = f"<{t}>"
            for size in (3, 4):
                for j in range(len(padded) - size + 1):
                    seen.setdefault(f"g:{padded[j : j + size]}", TextFeature(f"g:{padded[j : j + size]}", i, i))
    return list(seen.values())


def window_features(norm: Normalized, size: int = WINDOW, stride: int = WINDOW // 2) -> list[list[str]]:
    """The word n-grams of each stretch of `size` words (every `stride` words), for replies longer
    than one stretch: the learned reader scores each, so one ask inside a long reply is read on its
    own instead of being diluted by the rest. Built from words only, so both forms give the same."""
    toks = _tokens(norm)
    if len(toks) <= size:
        return []
    starts = list(range(0, len(toks) - size + 1, stride))
    if starts[-1] != len(toks) - size:
        starts.append(len(toks) - size)
    return [list(_grams(toks[s : s + size], edges=(s == 0, s + size == len(toks)))) for s in starts]


def _tokens(norm: Normalized) -> list[str]:
    return ["<num>" if _NUMBER.match(w.text) else w.text for w in norm.words]


def _grams(toks: list[str], edges: tuple[bool, bool] = (True, True)) -> dict[str, TextFeature]:
    n = len(toks)
    padded = [*(["<s>"] if edges[0] else ["<w>"]), *toks, *(["</s>"] if edges[1] else ["</w>"])]
    seen: dict[str, TextFeature] = {}
    for size, tag in ((1, "w"), (2, "b"), (3, "t")):
        for i in range(len(padded) - size + 1):
            gram = padded[i : i + size]
            if size == 1 and gram[0] in ("<s>", "</s>", "<w>", "</w>"):
                continue
            if "<w>" in gram or "</w>" in gram:
                continue  # a window's cut edge is no edge of the reply
            name = f"{tag}:{' '.join(gram)}"
            if name not in seen:
                first = max(0, i - 1)
                last = min(n - 1, i + size - 2)
                seen[name] = TextFeature(name, first, max(first, last))
    return seen


def _length_bucket(n: int) -> str:
    return "1-3" if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"


# What the manager's line before the reply did. Written against the normalised form.
_BAD_NEWS = re.compile(
    r"\b(?:unfortunately|regret|sorry to (?:say|tell)|not (?:be )?(?:moving|progressing|taking|going) (?:\w+ )?(?:forward|further|ahead)"
    r"|went with|gone with|go with|going with|another candidate|other candidates?|someone else|decided|decision|not successful|unsuccessful"
    r"|not (?:been )?(?:selected|shortlisted|chosen)|offered the (?:role|job|position)|filled|not (?:be )?offering|no longer"
    # session judge4: "it's not good news", "we've chosen another applicant", "a different direction"
    r"|not good news|bad news|another (?:applicant|person)|(?:chosen|chose|picked|hired) (?:another|someone|somebody|a different)"
    r"|(?:a different|another) direction|it is a no|a no from)\b"
)
_REASON = re.compile(
    r"\b(?:because|the reason|came down to|the panel|we felt|they felt|the team felt|stronger|more experience|lacked|lacking"
    r"|concern|not quite|fell short|gap|weaker|did not (?:quite )?(?:show|demonstrate|come across)"
    r"|(?:better|right|stronger|closer) fit|(?:were|was|are) looking for (?:a bit |a little |slightly |much )?(?:more|less|someone|somebody)|overqualified|underqualified"
    r"|some of your|(?:a bit|a little|slightly|quite) (?:too )?(?:rehearsed|nervous|quiet|long|short|vague|junior|senior|general|generic)"
    r"|you (?:came across|seemed|were a|did not|lacked|could have|ran|went)|your (?:answers|examples|presentation|salary|technical|test|references|answer)"
    # "We were after someone with more client-facing time", "It was mainly the second half" (session judge4)
    r"|(?:were|was) after (?:someone|somebody)|wanted (?:someone|somebody) (?:with|who)|it (?:was|came) (?:mainly|mostly|largely|partly) )\b"
)
_ADVICE = re.compile(
    r"\b(?:suggest|recommend|advise|advice|would work on|i would (?:focus|practise|practice|brush)|keep an eye|postings|apply again"
    r"|encourage you|next time|tip|feedback)\b"
)
_QUESTION = re.compile(r"\b(?:any questions|anything else|is there anything|what can i|how can i|can i help|do you have)\b")
# The manager offers feedback, or asks leave to be frank: "yes please" then accepts it.
_OFFER = re.compile(
    r"\b(?:would you like|do you want|shall i|should i|can i|could i|i can|i could|happy to|glad to|i would be happy to|i am happy to|want me to"
    r"|would it help if i|would it be (?:useful|helpful) if i|would it help to)"
    r" (?:\w+ ){0,7}(?:feedback|notes|thoughts|share|send|go through|walk you through|talk you through|mention|run through|pointers|scoring|scores?|scorecard|sheet|honest|candid|frank|blunt|comments)\b"
    r"|\bdo you mind if i (?:am|was|be|give|share) (?:\w+ )?(?:candid|honest|frank|blunt|some|my)\b|\bcan i be (?:honest|frank|candid|blunt)\b"
    r"|\bbe gentle\b|\bone more thing i (?:could|can|should|would) mention\b|\bwant to be too harsh\b|\bhappy to share\b"
)
# The manager names a reason without giving it: "there were two main issues", "one thing counted against you".
_TEASE = re.compile(
    r"\b(?:there (?:were|was|are|is) (?:a few|two|three|some|one|a couple of) (?:main )?(?:\w+ )?(?:things?|issues?|areas?|points?|reasons?|concerns?))"
    r"|\bone thing (?:that )?(?:counted|went|stood|worked)\b|\b(?:others|other candidates|they) were stronger\b"
    r"|\b(?:left|leave|had|made|wrote|gave|noted) (?:some|a few|a couple of|two|three|several) (?:\w+ )?(?:comments|notes|remarks|observations|thoughts)\b"
    r"|\b(?:some|a few|a couple of) (?:concerns|reservations|doubts|questions)\b|\bnot able to go into\b|\bwere (?:solid|strong|good|fine)\b"
)
# Replies that ask for the reasons, or for more of them, right after the news: "Why?", "Such as?", "How so?".
_FOLLOW_UP = re.compile(
    r"^(?:so |but |and |um |well |okay |ok |really |sorry |right |then |like |oh |ah |hmm |yeah |i see |fair enough |oh dear "
    r"|that is a shame |what a shame |shame )*(?:why|how come|(?:\w+ ){0,4}(?:on|in) what(?: exactly| though| sense| way| respect| areas?)?$|what (?:direction|sense|way)$|how (?:much|many|far) (?:more|less|longer|further|better|off|short)|which (?:bit|bits|part|parts|section|sections|question|questions|answers?|stage|round)|what happened|what went wrong|what was it|what was the reason"
    r"|for what reason|on what basis|based on what|can i ask why|may i ask why|such as|like what|which (?:was|were|ones?|areas?|one|things?)"
    r"|(?:they|that|those|it) (?:were|was|being)|what (?:were|was|are|is) (?:they|it|that|those)|in what (?:way|sense|respect)|how so"
    r"|meaning what|meaning|what do you mean|what does that mean|anything else|what else|for example|for instance|tell me more|go on|such as what"
    r"|about what|and the rest|what about the rest|what did (?:they|he|she|you|it|the panel|the team|the committee|the interviewers?) (?:\w+ )?(?:say|think|mention|write|note|flag|put)"
    r"|what (?:were|are) the (?:comments|notes|concerns|issues)|which ones|anything (?:general|more|at all)|(?:in )?what (?:areas?|respects?|sense|way))\b"
)
# Replies that take up an offer of feedback: "Yes please.", "Go ahead.", "I'd like that."
_ACCEPT = re.compile(
    r"^(?:oh |well |um |okay |ok |right )*(?:yes|yeah|yep|sure|please|go on|go ahead|fire away|i would (?:like|love|welcome|appreciate) (?:that|it|them|those)"
    r"|please do|both|absolutely|definitely|of course|not at all|by all means|that would be (?:\w+ )?(?:great|helpful|useful|good|lovely|brilliant|perfect|amazing|fantastic|wonderful|kind|appreciated)|be as"
    r"|that would (?:\w+ )?help|(?:by |over |on )?e ?mail|(?:over |on )?the phone|phone (?:is )?(?:fine|good|please)|(?:right )?now(?: is)? (?:fine|good|great|perfect|okay|ok|works|please)"
    r"|either|whichever|that works)\b"
)


def context_flags(context: str | None) -> list[str]:
    """What the manager's previous line did: "c:bad" (bad news), "c:reason", "c:advice", "c:q"
    (asked the caller something), "c:offer" (offered feedback), "c:tease" (named reasons without
    giving them); "c:none" when there is no line."""
    if not context or not context.strip():
        return ["c:none"]
    norm = normalize(context)
    flags = [
        flag
        for flag, pattern in (
            ("c:bad", _BAD_NEWS), ("c:reason", _REASON), ("c:advice", _ADVICE), ("c:q", _QUESTION), ("c:offer", _OFFER), ("c:tease", _TEASE),
        )
        if pattern.search(norm.text)
    ]
    if "?" in context and "c:q" not in flags:
        flags.append("c:q")
    return flags or ["c:other"]


def context_ask(norm: Normalized, flags: list[str], said: frozenset[str] | None = None) -> Evidence | None:
    """A short reply that is a feedback request because of the manager's line before it: "Why?" or
    "Such as?" after the news or a reason, "Yes please." after an offer of feedback; `said` is the
    manager's content words, for a word handed back as a question ("Overqualified how?")."""
    if not norm.words or len(norm.words) > 20 or re.search(r"\b(?:no|not now|not really)$", norm.text):
        return None
    if "c:offer" in flags:
        # Taking it up may come with a reason ("By email, if that's alright, I'm on the train.").
        m = _ACCEPT.match(norm.text) if len(norm.words) <= 12 else None
        if m is None and not _TURNED_DOWN.search(norm.text):
            m = _ACCEPT_IN.search(norm.text)  # "That's very generous, thank you, I'd really appreciate hearing them."
        if m is not None and not norm.text.startswith("no "):
            return norm.evidence(m.start(), m.end(), "takes up the offer of feedback")
    if len(norm.words) > 10:
        return None
    if {"c:bad", "c:reason", "c:tease", "c:offer"} & set(flags):
        m = _FOLLOW_UP.match(norm.text)
        if m is not None:
            return norm.evidence(m.start(), m.end(), "asks for the reasons (after the manager's line)")
        if said is not None:
            m = _ECHO_ASK.match(norm.text)
            if m is None or m.group(1) not in said:
                m = _ECHO_ASK2.match(norm.text)
            if m is not None and m.group(1) in said:  # "Overqualified how?" after "we felt you were overqualified"
                return norm.evidence(m.start(), m.end(), "asks for the reasons (after the manager's line)")
    return None


# Taking up an offer later in a reply; the offer turned down ("I'd rather not hear them") is not.
_ACCEPT_IN = re.compile(
    r"\bi would (?:\w+ )?(?:like|love|appreciate|welcome|value) (?:\w+ )?(?:hearing|to hear|that|it|them|those|the notes|the feedback|the comments)\b"
    r"|\b(?:yes please|please do|please go ahead|go ahead|fire away|please send)\b"
)
_TURNED_DOWN = re.compile(r"\b(?:not|no|rather not|never|do not|later)\b")


# The manager's word handed back with a question after it: "Nervous how?", "Rehearsed in which answers?",
# "better fit how" (the last of two words handed back)
_ECHO_ASK = re.compile(
    r"^(?:so |but |and |um |well |okay |ok |sorry )*(?:too |a bit |a little )?(\w+) (?:how|in what|in which|which|like what|like how|meaning|such as|exactly how|how exactly|in what way|what do you mean)\b"
)
_ECHO_ASK2 = re.compile(r"^(?:so |but |and |um |well |okay |ok |sorry )*\w+ (\w+) how\b")  # "better fit how"


def context_words(context: str | None) -> frozenset[str]:
    """The manager's content words (normalised), for replies that hand one back."""
    return frozenset(w.text for w in normalize(context).words) - _STOP if context else frozenset()


def context_features(norm: Normalized, flags: list[str], context: str | None = None) -> list[str]:
    """The manager's line crossed with the reply's shape (its length, its first word), and whether
    the reply hands the manager's own words back ("Presented. Yes, ...", "Impressed enough to ...")."""
    first = norm.words[0].text if norm.words else ""
    shape = [f"len:{_length_bucket(len(norm.words))}", f"first:{first if first in _FIRST_WORDS else 'other'}"]
    out = [*flags, *(f"{flag}&{s}" for flag in flags for s in shape)]
    if context:
        said = {w.text for w in normalize(context).words} - _STOP
        echoed = [w.text for w in norm.words[:6] if w.text in said]
        if echoed:
            out.append("c:echo")
            out.append(f"c:echo&len:{_length_bucket(len(norm.words))}")
    return out


_FIRST_WORDS = frozenset(
    "why how what so but and okay ok right really thanks thank i you that is was can could would well sure".split()
)


def signal_features(thanks, asks, door: list[Evidence], tone) -> list[str]:  # noqa: ANN001 - rule findings
    """The rules' findings as named features: what was found, and the kind of each cue."""
    out = []
    if thanks.sincere:
        out.append("r:thanks")
        out.append("r:thanks_warm" if thanks.warmth >= 1.0 else "r:thanks_bare")
    if thanks.sarcastic:
        out.append("r:thanks_sarcastic")
    if thanks.negated:
        out.append("r:thanks_negated")
    if thanks.rejected:
        out.append("r:thanks_rejected")
    if thanks.polite_requests:
        out.append("r:polite_request")
    if asks.asks:
        out.append("r:ask")
        out += sorted({f"r:ask:{a.note}" for a in asks.asks})
    if asks.rejected:
        out += sorted({f"r:ask_rejected:{a.note}" for a in asks.rejected})
    if door:
        out.append("r:door")
    out.append(f"r:tone:{tone.label}")
    if tone.label == "negative":
        out += sorted({f"r:neg:{e.note}" for e in tone.evidence})
        out.append("r:neg_many" if len(tone.evidence) > 1 else "r:neg_one")
    elif tone.label == "positive":
        out += sorted({f"r:pos:{e.note}" for e in tone.evidence})
    return out
