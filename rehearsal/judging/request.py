"""Feedback request: does the caller ask, directly or indirectly, for feedback or reasons?

A sentence counts when it asks (a question, or a request frame such as "could you", "I'd love
to know", "I was hoping") about the interview, the candidacy or getting better (a topic word
near the frame), or when it is one of the questions that always count ("what could I have done
differently", "why didn't I get the job"). Feedback only mentioned ("my coach gave me
feedback") or refused ("I don't need your feedback") is kept as rejected evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rehearsal.judging import lexicon_request as lx
from rehearsal.judging.normalize import Normalized
from rehearsal.judging.verdict import Evidence

# How far apart (in characters of the normalised text) a frame and its topic may sit in one
# sentence; transcripts have no punctuation, so a whole reply is one "sentence".
_NEAR = 70
_PUNCTUATION = re.compile(r"[.?!,;]")
# "Could you share it?" after feedback came up earlier in the reply.
_SHARE_IT = re.compile(
    r"\b(?:could|can|would|will) you (?:\w+ )?(?:share|send|pass on|give me) (?:it|that|them|those)\b"
)


@dataclass
class RequestFinding:
    asks: list[Evidence] = field(default_factory=list)
    rejected: list[Evidence] = field(default_factory=list)


def find(norm: Normalized, extra: re.Pattern[str] | None = None) -> RequestFinding:
    found = RequestFinding()
    topic_seen = False
    # Refusals can span sentences ("Feedback? I don't need it.").
    refused_anywhere = [(m.start(), m.end()) for m in lx.FEEDBACK_REFUSED.finditer(norm.text)]
    for a, b in refused_anywhere:
        found.rejected.append(norm.evidence(a, b, "feedback refused, not asked for"))
    for s_start, s_end in norm.sentences():
        sentence = norm.text[s_start:s_end]
        refused = [(a - s_start, b - s_start) for a, b in refused_anywhere if a < s_end and b > s_start]
        topics = [m for m in lx.FEEDBACK_TOPIC.finditer(sentence) if not _taken_back(sentence, m, refused)]
        ask = _ask(norm, sentence, s_start, topics, refused)
        if ask is not None:
            found.asks.append(ask)
        elif topic_seen and _SHARE_IT.search(sentence):
            m = _SHARE_IT.search(sentence)
            found.asks.append(norm.evidence(s_start + m.start(), s_start + m.end(), "asks for it"))
        elif topics:
            mention = lx.FEEDBACK_MENTION.search(sentence)
            if mention and not refused:
                found.rejected.append(
                    norm.evidence(s_start + mention.start(), s_start + mention.end(), "mentioned, not asked for")
                )
        topic_seen = topic_seen or bool(topics)
    if extra is not None:
        for m in extra.finditer(norm.text):
            found.asks.append(norm.evidence(m.start(), m.end(), "scenario phrase"))
    return found


def _ask(
    norm: Normalized, sentence: str, base: int, topics: list[re.Match[str]], refused: list[tuple[int, int]]
) -> Evidence | None:
    reflected: list[tuple[int, int]] = []
    for m in lx.STRONG_REQUEST.finditer(sentence):
        if _inside(m, refused) or _negated_before(sentence, m.start()) or _mentioned(sentence, m):
            continue
        before = sentence[: m.start()].rstrip()
        if lx.REFLECTED.search(before):
            # "I've been thinking about what I could have done differently": reported, so its words ask nothing.
            reflected.append((m.start(), m.end() + 25))
        elif not lx.ALREADY_KNOWN.search(before):
            return norm.evidence(base + m.start(), base + m.end(), "asks")
    if reflected:
        topics = [t for t in topics if not _inside(t, reflected)]
    if lx.OTHER_REQUEST.search(sentence):
        return None  # "Should I return the laptop from the assessment?" asks for something else
    if not topics:
        return _self_question(norm, sentence, base)
    frames = [m for m in lx.REQUEST_FRAME.finditer(sentence) if not _inside(m, refused)]
    frames = [m for m in frames if not sentence[: m.start()].endswith("what ")]  # "just what I needed to hear"
    frames = [m for m in frames if not _inside(m, reflected)]
    # "I know exactly where I went wrong": already known, it asks nothing.
    frames = [m for m in frames if not lx.ALREADY_KNOWN.search(sentence[: m.start()].rstrip())]
    question = norm.words[norm.word_at(base)].sentence in norm.questions
    starts = _question_starts(norm, sentence)
    for topic in topics:
        if _mentioned(sentence, topic):
            continue
        near = [f for f in frames + starts if abs(f.start() - topic.start()) <= _NEAR]
        if not near and question and _echo(sentence):
            continue  # "Work on my confidence?" repeats the listener's words, it asks nothing
        if near or (question and topic.start() <= _NEAR * 2):
            frame = min(near, key=lambda f: abs(f.start() - topic.start())) if near else None
            a = min(topic.start(), frame.start()) if frame else topic.start()
            b = max(topic.end(), frame.end()) if frame else topic.end()
            return norm.evidence(base + a, base + b, "asks" if frame else "asks (a question)")
    return _self_question(norm, sentence, base)


def _self_question(norm: Normalized, sentence: str, base: int) -> Evidence | None:
    """A question about the caller ("how far off was I?") asks about the candidacy."""
    typed_question = norm.words[norm.word_at(base)].sentence in norm.questions
    starts = [m.start() + (len(m.group()) - len(m.group().split()[-1])) for m in _question_starts(norm, sentence)]
    if typed_question and not starts:
        if _echo(sentence):
            return None
        starts = [0]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(sentence)
        segment = sentence[start:end]
        if lx.SELF.search(segment) and not lx.OTHER_ASK.search(segment) and not lx.TAG_QUESTION.search(segment):
            if not typed_question and len(segment.split()) < 3:
                continue
            return norm.evidence(base + start, base + end, "asks about the candidacy")
    return None


def _echo(sentence: str) -> bool:
    """A short typed question with no question word: the listener's words handed back."""
    return len(sentence.split()) <= 5 and not lx.QUESTION_START.match(sentence)


def _question_starts(norm: Normalized, sentence: str) -> list[re.Match[str]]:
    """Where questions start. Typed text has punctuation, so there only a sentence's start counts
    ("Great, just what I needed" asks nothing); transcripts have none, so anywhere after small talk."""
    starts = list(lx.QUESTION_START.finditer(sentence))
    if _PUNCTUATION.search(norm.original):
        starts = [m for m in starts if m.start() == 0]
    return starts


def _inside(m: re.Match[str], spans: list[tuple[int, int]]) -> bool:
    return any(a <= m.start() < b for a, b in spans)


def _taken_back(sentence: str, m: re.Match[str], refused: list[tuple[int, int]]) -> bool:
    return _inside(m, refused) or _negated_before(sentence, m.start())


def _negated_before(sentence: str, pos: int) -> bool:
    before = sentence[:pos].split()[-2:]
    if len(before) == 2 and before[0] == "no" and before[1] in _NO_MATTER:
        return False  # "okay, no problem, which part do I need to work on": reassurance, not a negation
    return any(w in lx.TOPIC_NEGATORS for w in before)


_NO_MATTER = frozenset({"problem", "problems", "worries", "worry", "bother", "rush", "pressure", "hurry", "stress"})


def _mentioned(sentence: str, topic: re.Match[str]) -> bool:
    """True when the topic word is the object of a past mention: "my coach gave me feedback"."""
    for m in lx.FEEDBACK_MENTION.finditer(sentence):
        if m.start() <= topic.start() < m.end():
            return True
    return False
