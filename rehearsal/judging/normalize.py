"""A normalised, lower-case word sequence for a reply, with a map back to the original text.

Typed replies and recognizer transcripts should look the same to the judge, so both become one
canonical word sequence: contractions spelled out ("don't" -> "do not", with or without the
apostrophe), known recognizer slips mended ("feed back" -> "feedback", "inner view" ->
"interview", "should of" -> "should have"), and near-miss spellings of the judge's key words
snapped to them with rapidfuzz. Every canonical word remembers the character span of the
original words it came from, so evidence can quote the reply exactly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process

from rehearsal.judging.verdict import Evidence

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.?!;]")
_CLAUSE_END = re.compile(r"[,:\u2014]|\s-\s")

# Contractions, written with or without the apostrophe (recognizers and hurried typists drop it).
_CONTRACTIONS: dict[str, str] = {
    "don't": "do not", "dont": "do not", "doesn't": "does not", "doesnt": "does not",
    "didn't": "did not", "didnt": "did not", "can't": "can not", "cant": "can not",
    "cannot": "can not", "won't": "will not", "wont": "will not", "isn't": "is not",
    "isnt": "is not", "wasn't": "was not", "wasnt": "was not", "aren't": "are not",
    "arent": "are not", "weren't": "were not", "werent": "were not", "wouldn't": "would not",
    "wouldnt": "would not", "couldn't": "could not", "couldnt": "could not",
    "shouldn't": "should not", "shouldnt": "should not", "haven't": "have not",
    "havent": "have not", "hasn't": "has not", "hasnt": "has not", "hadn't": "had not",
    "hadnt": "had not", "ain't": "is not", "i'm": "i am", "im": "i am", "i'd": "i would",
    "id": "i would", "i'll": "i will", "ill": "i will", "i've": "i have", "ive": "i have",
    "you're": "you are", "youre": "you are", "you've": "you have", "youve": "you have",
    "you'd": "you would", "youd": "you would", "you'll": "you will", "youll": "you will",
    "we're": "we are", "we've": "we have", "we'll": "we will", "they're": "they are",
    "theyre": "they are", "it's": "it is", "its": "it is", "that's": "that is",
    "thats": "that is", "what's": "what is", "whats": "what is", "there's": "there is",
    "theres": "there is", "here's": "here is", "who's": "who is", "let's": "let us",
    "should've": "should have", "shouldve": "should have", "could've": "could have",
    "couldve": "could have", "would've": "would have", "wouldve": "would have",
    "shoulda": "should have", "coulda": "could have", "woulda": "would have",
    "gonna": "going to", "wanna": "want to", "thankyou": "thank you", "thx": "thanks",
    "ty": "thank you", "advise": "advice",
}
# British and American spellings of the same verb: a recognizer writes one, a typist the other.
_SPELLINGS: dict[str, str] = {
    "practise": "practice", "practised": "practiced", "practising": "practicing", "practises": "practices",
}
_SUFFIXES = {"'s": "", "'d": " would", "'ll": " will", "'ve": " have", "'re": " are", "n't": " not"}

# Multi-word slips a recognizer makes, mended before anything else looks at the words.
_SLIPS: dict[tuple[str, ...], str] = {
    ("feed", "back"): "feedback", ("feed", "backs"): "feedback", ("feedbacks",): "feedback",
    ("in", "a", "view"): "interview", ("inner", "view"): "interview",
    ("enter", "view"): "interview", ("inter", "view"): "interview", ("interviews",): "interview",
    ("any", "thing"): "anything", ("some", "thing"): "something", ("every", "thing"): "everything",
    ("should", "of"): "should have", ("could", "of"): "could have", ("would", "of"): "would have",
    ("great", "full"): "grateful", ("greatful",): "grateful", ("can", "did"): "candid",
    ("post", "things"): "postings", ("any", "way"): "anyway", ("a", "pre", "she", "ate"): "appreciate",
    ("wandering",): "wondering", ("pointer",): "pointers", ("thank", "ya"): "thank you",
    ("thank", "u"): "thank you", ("some", "one"): "someone", ("career", "s"): "careers",
    ("i", "be"): "i would be",
    ("roll",): "role", ("rolls",): "roles",  # Whisper: "if another roll opens up"; a call about a job has no rolls
    ("was", "their"): "was there", ("is", "their"): "is there", ("were", "their"): "were there",  # "I'd be grateful" with the "'d" swallowed
}
_MAX_SLIP = max(len(k) for k in _SLIPS)
_SLIP_FIRST = frozenset(k[0] for k in _SLIPS)
# "thanks for you're time": a recognizer writes "you're" for "your"; before these nouns it was "your".
_YOUR_NOUNS = frozenset(
    "time help feedback team company honesty call consideration advice email postings careers "
    "website interview decision process patience candor candour insight perspective thoughts offer "
    "kindness input notes opinion take office recruiter panel role job position hire manager boss supervisor mind".split()
)

# Key words the lexicons rely on: a garbled token close enough to one of these becomes it.
KEYWORDS: tuple[str, ...] = (
    "feedback", "interview", "appreciate", "appreciated", "appreciation", "grateful", "thankful",
    "thanks", "advice", "pointers", "suggestions", "improve", "opportunity", "considered",
    "disappointed", "unfair", "ridiculous", "generous", "postings", "candidate", "selected",
    "experience", "perspective", "insight", "constructive", "criticism",
    "reconsider", "curious", "honestly", "helpful",
)
_KEYWORD_SET = frozenset(KEYWORDS)
# Common words that sit near a key word but are words in their own right: never snap these.
_KEEP = frozenset(
    "interviewer interviewers interviewed interviewing appreciative thanked thanking thankless "
    "candidates candidacy experiences experienced improved improving improvement selection "
    "selecting considerate consider considering considered grateful gratefully helpfully "
    "suggestion pointed opportunities advised adviser advisor honest honesty curiosity "
    "unfairly unfairness disappointing disappointment posting postings wandered wonder wonderful "
    "insights insightful perspectives reconsidered reconsidering criticism criticisms critical "
    "feedbacks unhelpful".split()
)


class Word(NamedTuple):  # a tuple: thousands are made per second
    text: str  # canonical, lower case
    start: int  # span in the original reply
    end: int
    sentence: int  # index of the sentence it belongs to (typed punctuation; none in transcripts)
    clause: int  # index of the clause (sentences split further at commas and dashes)


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    words: tuple[Word, ...]
    text: str  # the canonical words joined by single spaces
    offsets: tuple[int, ...]  # offsets[i]: where word i starts in `text`
    questions: frozenset[int]  # sentences that end with a question mark
    word_starts: tuple[int, ...]  # word_starts[i]: where word i's original words start
    sentence_ranges: dict[int, tuple[int, int]]  # sentence index -> (first word, end word)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original character span covering canonical-text characters [start, end)."""
        first = self.word_at(start)
        last = self.word_at(max(start, end - 1))
        return self.words[first].start, self.words[last].end

    def evidence(self, start: int, end: int, note: str = "") -> Evidence:
        """Evidence quoting the original words behind canonical-text characters [start, end)."""
        s, e = self.span(start, end)
        return Evidence(self.original[s:e], s, e, note)

    def word_from_original(self, original_start: int) -> int:
        """The first canonical word that starts at or after an original offset."""
        return min(bisect_left(self.word_starts, original_start), len(self.words) - 1)

    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of each sentence in `text`, from the original punctuation."""
        spans: list[tuple[int, int]] = []
        for i, w in enumerate(self.words):
            end = self.offsets[i] + len(w.text)
            if spans and self.words[i - 1].sentence == w.sentence:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((self.offsets[i], end))
        return spans

    def word_at(self, char: int) -> int:
        # Binary search: the last word starting at or before `char`.
        lo, hi = 0, len(self.offsets) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.offsets[mid] <= char:
                lo = mid
            else:
                hi = mid - 1
        return lo


@lru_cache(maxsize=8192)
def snap(token: str) -> str:
    """A garbled key word ("apreciate", "feedbak") snapped to the key word; others unchanged."""
    if len(token) < 6 or token in _KEYWORD_SET or token in _KEEP or not token.isalpha():
        return token
    found = process.extractOne(token, KEYWORDS, scorer=fuzz.ratio, score_cutoff=86)
    if found is None or found[0][0] != token[0]:
        return token
    return found[0]


@lru_cache(maxsize=16384)
def _canonical(token: str) -> tuple[str, ...]:
    """One raw word as canonical words: snapped to a key word, contractions spelled out."""
    return tuple(_expand(snap(token) if " " not in token else token).split())


def _expand(token: str) -> str:
    if token in _CONTRACTIONS:
        return _CONTRACTIONS[token]
    if token in _SPELLINGS:
        return _SPELLINGS[token]
    for suffix, spelled in _SUFFIXES.items():
        if token.endswith(suffix) and len(token) > len(suffix):
            return token[: -len(suffix)] + spelled
    return token


def _raw_words(text: str) -> list[tuple[str, int, int, int, int]]:
    """Words with span, sentence and clause index, read from the original punctuation."""
    out = []
    sentence = clause = 0
    last_end = 0
    for m in _WORD.finditer(text):
        gap = text[last_end : m.start()]
        if out and _SENTENCE_END.search(gap):
            sentence += 1
            clause += 1
        elif out and _CLAUSE_END.search(gap):
            clause += 1
        word = m.group().lower().replace("\u2019", "'")
        out.append((word, m.start(), m.end(), sentence, clause))
        last_end = m.end()
    return out


def _mend_slips(raw: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    out = []
    i = 0
    while i < len(raw):
        if raw[i][0] not in _SLIP_FIRST:
            out.append(raw[i])
            i += 1
            continue
        for n in range(min(_MAX_SLIP, len(raw) - i), 0, -1):
            key = tuple(w[0] for w in raw[i : i + n])
            if key in _SLIPS:
                first, last = raw[i], raw[i + n - 1]
                out.append((_SLIPS[key], first[1], last[2], first[3], first[4]))
                i += n
                break
        else:
            out.append(raw[i])
            i += 1
    return out


def _mend_your(raw: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    out = list(raw)
    for i in range(len(out) - 1):
        if out[i][0] in ("you're", "youre") and out[i + 1][0] in _YOUR_NOUNS:
            out[i] = ("your", *out[i][1:])
    i = 0
    while i < len(out) - 2:  # "you are time" spelled out
        if out[i][0] == "you" and out[i + 1][0] == "are" and out[i + 2][0] in _YOUR_NOUNS:
            out[i : i + 2] = [("your", out[i][1], out[i + 1][2], out[i][3], out[i][4])]
        i += 1
    return out


def _questions(text: str, raw: list[tuple[str, int, int, int, int]]) -> frozenset[int]:
    found = set()
    for idx, (_, _, end, sentence, _) in enumerate(raw):
        is_last = idx + 1 == len(raw) or raw[idx + 1][3] != sentence
        if is_last:
            stop = raw[idx + 1][1] if idx + 1 < len(raw) else len(text)
            if "?" in text[end:stop]:
                found.add(sentence)
    return frozenset(found)


# Vosk users report a stray "the" at the edges of an utterance; it can hide a question word.
_NOT_AFTER_THE = frozenset(
    "i you we he she they it my your what why how where which who when should could would can will "
    "was is did do does thank thanks okay ok so please no yes hi hello hey oh wow well yeah um uh".split()
)


def _drop_stray_the(words: list[Word]) -> list[Word]:
    if len(words) > 2 and words[0].text == "the" and words[1].text in _NOT_AFTER_THE:
        words = words[1:]
    if len(words) > 2 and words[-1].text == "the":
        words = words[:-1]
    return words


def normalize(text: str) -> Normalized:
    raw = _raw_words(text)
    questions = _questions(text, raw)
    # Slips first (they may hide contractions), then contractions, then fuzzy snapping.
    words: list[Word] = []
    for token, start, end, sentence, clause in _mend_your(_mend_slips(raw)):
        for part in _canonical(token):
            words.append(Word(part, start, end, sentence, clause))
    words = _drop_stray_the(words)
    offsets = []
    pos = 0
    for w in words:
        offsets.append(pos)
        pos += len(w.text) + 1
    ranges: dict[int, tuple[int, int]] = {}
    for i, w in enumerate(words):
        ranges[w.sentence] = (ranges.get(w.sentence, (i, i))[0], i + 1)
    return Normalized(
        original=text,
        words=tuple(words),
        text=" ".join(w.text for w in words),
        offsets=tuple(offsets),
        questions=questions,
        word_starts=tuple(w.start for w in words),
        sentence_ranges=ranges,
    )
