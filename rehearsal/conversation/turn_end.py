"""End of turn: at every pause in a reply, is the caller done, or only thinking?

Voice activity (speech or silence, `rehearsal.voice.endpoint`) says *that* the caller is
quiet; this policy says whether the quiet *ends the turn*. It weighs, at every pause:

- the silence so far, against a wait that the other signals set;
- the words so far: a sentence left open ("and", "so I was hoping", "what I could"), a filler
  ("um"), a question under way, or a trailing comma earn the long wait;
- what the turn expects against what the judge already finds in the partial transcript: a
  reply that has not yet done what the turn asks for earns more patience; one that has, and
  closes a sentence, earns less;
- the caller's speaking rate: a slow speaker's pauses are longer, so every wait stretches;
- a hard cap, past which any pause ends the turn.

The policy is pure (no audio, no clock, no threads): the listening loop feeds it
`TurnSignals` and acts on the `TurnDecision`. Thresholds are settings (`turn_*` in
rehearsal/settings.py) and are explained in docs/turn-taking.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rehearsal.judging.verdict import Verdict
    from rehearsal.settings import Settings

# Words a sentence rarely ends on: after them a pause means "still thinking", not "done".
OPEN_ENDINGS = frozenset({
    "and", "but", "or", "so", "because", "cause", "that", "the", "a", "an", "to", "of", "for", "with",
    "if", "i", "i'm", "i'd", "my", "your", "our", "their", "this", "like", "just", "was", "were", "is", "am",
    "are", "be", "would", "could", "should", "can", "will", "might", "have", "had", "has", "do", "did",
    "what", "which", "when", "where", "who", "why", "how", "whether", "about", "in", "on", "at", "from",
    "by", "as", "than", "very", "some", "any", "we", "they", "it's", "hoping", "wondering", "wanted",
    # Verbs that take an object: "I really appreciate", "I wanted to thank", "I would love".
    "appreciate", "thank", "love", "want", "need", "wish", "tell", "mention", "ask", "regarding", "including",
})
# Of those, the verbs whose object may come first ("that's all I wanted to ask", "something I
# really appreciate"): with a fronted object they end the sentence.
OBJECT_VERBS = frozenset({"appreciate", "love", "want", "need", "tell", "mention", "ask"})
# "you" ends many finished sentences ("thank you", "talk to you"), so it is open only after these.
OPEN_BEFORE_YOU = frozenset({"and", "but", "or", "so", "if", "could", "would", "can", "will", "do", "did", "should",
                             "that", "when", "because", "asked", "tell", "let"})
FILLERS = frozenset({"um", "umm", "uhm", "uh", "uhh", "er", "erm", "ah", "hmm", "hm", "mm", "well"})
VERBAL_FILLERS = (("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of"))
# Question words; a pause right after one means the question is still being asked
# ("could you tell me how it", "what I should do better and why").
QUESTION_WORDS = frozenset({"what", "how", "why", "where", "who", "which", "whether", "whatever"})
QUESTION_SPAN = 2  # a question word among the last this many words is a question under way
# A preposition left at the end of a question whose object came first is a finished question
# ("is there anything I should work on", "what should I focus on", "who should I talk to").
PREPOSITIONS = frozenset({"on", "about", "for", "with", "to", "of", "in", "at", "from", "by"})
FRONTED = QUESTION_WORDS | {"anything", "something", "anyone", "someone", "anybody", "somebody", "nothing",
                            "everything"}
# Words that start a new clause: a fronted object before one of them belongs to another clause
# ("thanks for everything, could you tell me about"). A modal starts one only as a question
# ("could you"), not inside the clause ("anything I could work on").
CLAUSE_STARTS = frozenset({"and", "but", "so", "because", "if"})
QUESTION_MODALS = frozenset({"could", "can", "would", "will", "should"})
FRONTED_SPAN = 8  # how far back a fronted object is looked for
# "that" and "this" open a clause ("I was told that", "the reason is that") except as a
# preposition's object, where they are a pronoun that ends the phrase ("tell me more about that",
# "thanks for that", "something like this").
DEMONSTRATIVES = frozenset({"that", "this"})
PRONOUN_AFTER = PREPOSITIONS | {"like"}
# Not an ellipsis: Whisper writes "Sure..." for a short word as often as "and..." for a trailing
# off, so "..." neither closes a sentence nor opens one (the words decide).
SENTENCE_END = re.compile(r"(?<![.\u2026])[.!?][\"')\]]*\s*$")
OPEN_PUNCTUATION = re.compile(r"[,;:\u2014-]\s*$")
_WORD = re.compile(r"[\w']+")


class TurnState(Enum):
    CONTINUE = "continue"  # the caller is still in their turn: keep listening
    END = "end"  # the turn is over: answer


@dataclass(frozen=True, slots=True)
class TurnSignals:
    """What is known at one moment of a pause."""

    silence_ms: int  # unvoiced audio since the caller's last voiced frame
    text: str  # the partial transcript so far (may be behind the audio when the recogniser lags)
    speech_s: float = 0.0  # seconds from the reply's first voiced frame to its last
    unmet: Sequence[str] = ()  # what the turn expects that the judge does not find in the text yet
    behind_s: float = 0.0  # audio the recogniser has not decoded yet: the words may be stale


@dataclass(frozen=True, slots=True)
class TurnDecision:
    state: TurnState
    reason: str  # which signal set the wait, for logs, docs and tests
    wait_ms: int  # the pause that ends the turn given the signals now

    @property
    def ended(self) -> bool:
        return self.state is TurnState.END


@dataclass(frozen=True, slots=True)
class TurnPolicy:
    """The thresholds (milliseconds of silence) and how the signals choose among them."""

    done_ms: int = 300  # nothing open and nothing still expected: a finished reply
    closed_ms: int = 250  # ... and the sentence is closed with a full stop (recognisers with punctuation)
    unmet_ms: int = 1400  # the reply has not yet done what the turn asks for: as patient as an open sentence
    open_ms: int = 1400  # the words end mid-sentence, on a filler, or inside a question
    no_words_ms: int = 700  # speech heard but no words yet (nothing the recogniser knows)
    # The recogniser is behind (a busy machine): the words cannot tell, so voice activity decides.
    # 1000 ms held the thinking pauses after unfinished words (1 of 12 cut with two CPU hogs, was 4)
    # but put the gap's p95 at 1.5 s, over the 1.2 s budget of a busy machine (docs/turn-taking.md).
    # Words that catch up during the pause decide sooner.
    stale_ms: int = 700
    cap_ms: int = 2500  # any pause this long ends the turn
    slow_wpm: float = 110.0  # below this speaking rate every wait stretches ...
    slow_factor: float = 1.3  # ... by this much
    min_rate_s: float = 1.0  # a rate over less speech than this is noise
    stale_s: float = 0.3  # a recogniser this far behind: its words say nothing about the end yet

    @classmethod
    def from_settings(cls, settings: Settings) -> TurnPolicy:
        return cls(done_ms=settings.end_silence_ms, closed_ms=min(settings.end_silence_ms, settings.turn_closed_ms),
                   unmet_ms=settings.turn_unmet_ms, open_ms=settings.turn_open_ms,
                   no_words_ms=settings.turn_no_words_ms, stale_ms=settings.turn_stale_ms,
                   cap_ms=settings.turn_max_pause_ms)

    def wait(self, signals: TurnSignals) -> tuple[int, str]:
        """The pause that would end the turn now, and the signal that chose it."""
        text = signals.text.strip()
        words = [w.lower() for w in _WORD.findall(text)]
        if signals.behind_s > self.stale_s:  # the last words are not in yet: they cannot tell
            return min(self.stale_ms, self.cap_ms), f"recogniser {signals.behind_s:.1f} s behind"
        if not words:
            wait, reason = self.no_words_ms, "no words yet"
        elif words[-1] in FILLERS or tuple(words[-2:]) in VERBAL_FILLERS:
            wait, reason = self.open_ms, f"ends on a filler ({' '.join(words[-2:])!r})"
        elif OPEN_PUNCTUATION.search(text):
            wait, reason = self.open_ms, "ends on a comma"
        elif open_ending(words):
            # Whatever the punctuation: Whisper closes every chunk it decodes, the unfinished ones
            # too ("So I was hoping.", "Could you tell me what I could?", "Is there anything that?"),
            # so the words outrank it. (A finished question ending on a stranded preposition is
            # not open: see `open_ending`.)
            wait, reason = self.open_ms, f"sentence left open ({words[-1]!r})"
        elif question_under_way(words) and not SENTENCE_END.search(text):
            wait, reason = self.open_ms, "a question under way"
        elif signals.unmet:
            wait, reason = self.unmet_ms, "not yet " + ", ".join(signals.unmet)
        elif SENTENCE_END.search(text):
            wait, reason = self.closed_ms, "done and the sentence closed"
        else:
            wait, reason = self.done_ms, "done"
        wpm = speaking_rate(len(words), signals.speech_s, self.min_rate_s)
        if wpm is not None and wpm < self.slow_wpm:
            wait, reason = int(wait * self.slow_factor), f"{reason}; slow speaker ({wpm:.0f} wpm)"
        return min(wait, self.cap_ms), reason

    def decide(self, signals: TurnSignals) -> TurnDecision:
        if signals.silence_ms >= self.cap_ms:
            return TurnDecision(TurnState.END, "hard cap", self.cap_ms)
        wait, reason = self.wait(signals)
        state = TurnState.END if signals.silence_ms >= wait else TurnState.CONTINUE
        return TurnDecision(state, reason, wait)


def open_ending(words: Sequence[str]) -> bool:
    """The last word leaves the sentence open ("and", "the", "so I was hoping", "could you")."""
    last = words[-1]
    if (last in PREPOSITIONS or last in OBJECT_VERBS) and object_came_first(words):
        return False  # "is there anything I should work on", "that's everything I wanted to ask"
    if last == "you":
        return len(words) > 1 and words[-2] in OPEN_BEFORE_YOU
    if last in DEMONSTRATIVES and len(words) > 1 and words[-2] in PRONOUN_AFTER:
        return False  # a pronoun: "could you tell me more about that"
    return last in OPEN_ENDINGS


def object_came_first(words: Sequence[str]) -> bool:
    """The last word's object was said before it, in the same clause ("what should I focus on"),
    so the final preposition or verb is stranded there, not waiting for more."""
    for i in range(len(words) - 3, max(-1, len(words) - 1 - FRONTED_SPAN), -1):
        if words[i] in FRONTED:
            return True
        if words[i] in CLAUSE_STARTS or (words[i] in QUESTION_MODALS and words[i + 1] == "you"):
            return False  # another clause began after any object before it
    return False


def question_under_way(words: Sequence[str]) -> bool:
    """A question word among the last few words ("could you tell me how it")."""
    return any(w in QUESTION_WORDS for w in words[-QUESTION_SPAN:])


def looks_unfinished(text: str) -> bool:
    """The words so far end mid-thought (an open ending, a filler, a comma, a question under way)."""
    return TurnPolicy().wait(TurnSignals(0, text))[0] == TurnPolicy().open_ms


def speaking_rate(words: int, speech_s: float, min_s: float = 1.0) -> float | None:
    """Words per minute over the speech so far; None over too little speech to tell."""
    if words < 2 or speech_s < min_s:
        return None
    return words / speech_s * 60.0


def unmet_expectations(verdict: Verdict, expects: Sequence[str], asked_before: bool = False) -> tuple[str, ...]:
    """What the turn expects that the verdict on the partial reply does not show yet.

    Tone is left out: every reply has one. A feedback request made on an earlier turn counts.
    """
    unmet = []
    for name in expects:
        if name == "tone":
            continue
        if name == "feedback_request" and asked_before:
            continue
        detection = getattr(verdict, name, None)
        if detection is not None and not detection.detected:
            unmet.append(name)
    return tuple(unmet)
