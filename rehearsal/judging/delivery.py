"""Delivery figures for a spoken reply, computed from the recogniser's word timings.

What each figure means (all times in seconds from the start of the reply audio):

- ``words``: how many words the recogniser wrote, fillers included.
- ``duration_s``: speaking time, from the start of the first word to the end of the last.
  Silence before the first word is latency, not speaking time, so it is left out.
- ``wpm``: words per minute over that speaking time. None for fewer than two words or a
  speaking time under half a second, where a rate would be noise. The band worth aiming for
  is ``PACE_BAND_WPM`` (100-165), the one Microsoft's Speaker Coach recommends.
- ``fillers``: hesitation sounds, each an ``Evidence`` whose span points into the reply's
  joined transcript (the words joined by single spaces, as ``transcript_text`` builds it).
- ``fillers_per_min``: fillers over the speaking time, per minute (over a minimum of ten
  seconds, so one "um" in a three-second reply does not read as twenty a minute).
- ``longest_pause_s``: the longest silence between two consecutive words.
- ``latency_s``: end of the manager's line to the user's first word; the caller measures it.

Which fillers are counted. Vosk writes lower-case words with no punctuation and only words
its model knows. The hesitation sounds below are the spellings the CMU pronouncing dictionary
(the lexicon behind Vosk's English models) uses, so they are what an English model can write.
Verbal fillers ("like", "you know", "i mean") are also ordinary words, and without punctuation
the text alone cannot tell "I'd like to ask" from "it was, like, fine". They are counted only
when set apart by a pause of at least ``VERBAL_FILLER_PAUSE_S`` on both sides (or a pause on
one side and the edge of the reply on the other), which is how a spoken aside sounds. That
misses some verbal fillers on purpose: a false "you said like" would be a wrong tip.

Whisper writes punctuation onto its words ("Um,", "uh...", "like,"), so a word is matched without
the punctuation at its edges, and the evidence quotes the bare filler ("um" inside "Um,"). Commas
around a verbal filler are Whisper's way of hearing the aside ("it was, like, fine"), so they
set it apart just as a pause does.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from rehearsal.judging.verdict import Clean, Evidence, as_is
from rehearsal.untrusted import field_int, field_list, field_number
from rehearsal.media import Word

PACE_BAND_WPM = (100.0, 165.0)  # the band Microsoft's Speaker Coach recommends

HESITATIONS = frozenset(
    {"um", "umm", "uhm", "uh", "uhh", "er", "erm", "ah", "ahh", "hmm", "hm", "mm", "mmm", "mhm", "huh"}
)
VERBAL_FILLERS = (("you", "know"), ("i", "mean"), ("like",))
VERBAL_FILLER_PAUSE_S = 0.3
MIN_RATE_SECONDS = 0.5  # below this a words-per-minute figure is noise
MIN_FILLER_MINUTES = 10.0 / 60.0
_EDGE_PUNCT = re.compile(r"^[^\w']*(.*?)[^\w']*$", re.S)  # what Whisper puts around a word
_ASIDE_MARK = (",", ";", "—", "–", "-", "...", "…")  # punctuation that sets a word apart


@dataclass(frozen=True, slots=True)
class Delivery:
    words: int
    duration_s: float  # first word to last word
    wpm: float | None
    fillers: list[Evidence] = field(default_factory=list)
    fillers_per_min: float | None = None
    longest_pause_s: float = 0.0
    latency_s: float | None = None  # end of the manager's line to the first word

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object, spoken: str, clean: Clean = as_is) -> Delivery | None:
        """Figures read back from `to_dict()` output, trusting no type: a figure that is not a
        number reads as unknown. Filler spans are kept only where they fall inside `spoken`."""
        if not isinstance(data, dict):
            return None
        words = field_int(data, "words")
        return cls(
            words=max(0, words or 0),
            duration_s=field_number(data, "duration_s", 0.0) or 0.0,
            wpm=field_number(data, "wpm"),
            fillers=Evidence.list_from(field_list(data, "fillers"), spoken, clean),
            fillers_per_min=field_number(data, "fillers_per_min"),
            longest_pause_s=field_number(data, "longest_pause_s", 0.0) or 0.0,
            latency_s=field_number(data, "latency_s"),
        )


def transcript_text(words: list[Word]) -> str:
    """The reply as one string: the words joined by single spaces (filler spans point here)."""
    return " ".join(w.text for w in words)


def measure(
    words: list[Word],
    *,
    latency_s: float | None = None,
    audio_seconds: float | None = None,
) -> Delivery:
    """Delivery figures for one reply. `audio_seconds` only bounds timings that overrun the audio."""
    words = _clean(words, audio_seconds)
    if not words:
        return Delivery(words=0, duration_s=0.0, wpm=None, latency_s=latency_s)
    duration = max(0.0, words[-1].end - words[0].start)
    fillers = find_fillers(words)
    wpm = len(words) / duration * 60.0 if len(words) >= 2 and duration >= MIN_RATE_SECONDS else None
    per_min = len(fillers) / max(duration / 60.0, MIN_FILLER_MINUTES)
    return Delivery(
        words=len(words),
        duration_s=round(duration, 3),
        wpm=None if wpm is None else round(wpm, 1),
        fillers=fillers,
        fillers_per_min=round(per_min, 2),
        longest_pause_s=round(longest_pause(words), 3),
        latency_s=latency_s,
    )


def longest_pause(words: list[Word]) -> float:
    gaps = [b.start - a.end for a, b in zip(words, words[1:])]
    return max([0.0, *gaps])


def find_fillers(words: list[Word]) -> list[Evidence]:
    """Hesitation sounds anywhere, and verbal fillers set apart by pauses (see the module doc)."""
    offsets = _char_offsets(words)
    found: list[Evidence] = []
    i = 0
    while i < len(words):
        lead, core = _bare(words[i].text)
        if core.lower() in HESITATIONS:
            start = offsets[i] + lead
            found.append(Evidence(core, start, start + len(core), "hesitation"))
            i += 1
            continue
        size = _verbal_filler_at(words, i)
        if size:
            last = i + size - 1
            start = offsets[i] + lead
            last_lead, last_core = _bare(words[last].text)
            end = offsets[last] + last_lead + len(last_core)
            found.append(Evidence(transcript_text(words)[start:end], start, end, "verbal filler"))
            i += size
            continue
        i += 1
    return found


def _bare(text: str) -> tuple[int, str]:
    """The word without the punctuation at its edges, and where it starts in `text`
    (" Um," -> (1, "Um"))."""
    m = _EDGE_PUNCT.match(text)
    assert m is not None  # the pattern matches any string
    return m.start(1), m.group(1)


def _set_apart_before(words: list[Word], i: int) -> bool:
    """Punctuation ends the word before word i, or opens word i ("it was, like")."""
    own = words[i].text.lstrip()
    return own[:1] in ("\u2014", "\u2013", "-", "(") or words[i - 1].text.rstrip().endswith(_ASIDE_MARK)


def _set_apart_after(words: list[Word], last: int) -> bool:
    """Punctuation ends the phrase's last word ("like," / "you know...")."""
    return words[last].text.rstrip().endswith(_ASIDE_MARK)


def _verbal_filler_at(words: list[Word], i: int) -> int:
    """Length in words of a verbal filler starting at word i, or 0."""
    for phrase in VERBAL_FILLERS:
        end = i + len(phrase)
        if tuple(_bare(w.text)[1].lower() for w in words[i:end]) != phrase:
            continue
        # Inside the phrase no punctuation may break it ("you, know" is two words, not a filler).
        if end - i > 1 and any(w.text.rstrip().endswith(_ASIDE_MARK + (".", "?", "!")) for w in words[i : end - 1]):
            continue
        before = words[i].start - words[i - 1].end if i > 0 else None
        after = words[end].start - words[end - 1].end if end < len(words) else None
        if before is None and after is None:
            continue  # the whole reply is "like": a word, not a filler
        apart_before = before is None or before >= VERBAL_FILLER_PAUSE_S or _set_apart_before(words, i)
        apart_after = after is None or after >= VERBAL_FILLER_PAUSE_S or _set_apart_after(words, end - 1)
        if apart_before and apart_after:
            return len(phrase)
    return 0


def _char_offsets(words: list[Word]) -> list[int]:
    offsets, pos = [], 0
    for w in words:
        offsets.append(pos)
        pos += len(w.text) + 1
    return offsets


def _clean(words: list[Word], audio_seconds: float | None) -> list[Word]:
    """Drop empty words, order by start, and clip timings to the audio when its length is known."""
    kept = sorted((w for w in words if w.text.strip()), key=lambda w: (w.start, w.end))
    if audio_seconds is None:
        return kept
    return [
        Word(w.text, min(w.start, audio_seconds), min(max(w.end, w.start), audio_seconds), w.conf)
        for w in kept
        if w.start < audio_seconds
    ]
