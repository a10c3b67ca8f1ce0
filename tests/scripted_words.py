"""A recogniser that hears for real but writes the words from a script (a test fake).

The only Vosk model here is Korean: its timing, speed and CPU cost are real, its words are not
English. `ScriptedWords` wraps a real recogniser: every session feeds the real one (so a busy
machine slows recognition down exactly as it would), but its partial and final words are the
reply's own words from the corpus manifest, revealed as the audio carrying them is fed. The
reply's first loud sample in the fed audio is aligned with the recording's first voice.

Call `expect(words)` before each reply is spoken; segments of one reply (the loop opens a new
session after each settled pause) share one position.
"""

from __future__ import annotations

import threading

import numpy as np

from rehearsal.media import SAMPLE_RATE, Transcript, Word

ONSET = 400  # int16 amplitude of the first voice, as the corpus trims it


class ScriptedWords:
    def __init__(self, inner) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.expect([])

    @property
    def name(self) -> str:
        return f"scripted words over {self._inner.name}"

    def expect(self, words: list[dict]) -> None:
        """The next reply's words: dicts of text, start, end (seconds into its recording)."""
        with self._lock:
            self._words = [Word(w["text"], w["start"], w["end"]) for w in words]
            self._fed = 0  # samples of this reply fed so far, across sessions
            self._onset: float | None = None  # seconds into the fed audio of the first voice
            self._taken = 0  # words already returned by finished sessions

    def session(self) -> _Session:
        return _Session(self, self._inner.session())

    def wait_warm(self, timeout: float | None = None) -> bool:
        return getattr(self._inner, "wait_warm", lambda t: True)(timeout)

    # -- called by sessions --------------------------------------------------------------

    def _feed(self, pcm: bytes) -> float:
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
        with self._lock:
            if self._onset is None:
                loud = np.nonzero(np.abs(samples) > ONSET)[0]
                if len(loud):
                    self._onset = (self._fed + int(loud[0])) / SAMPLE_RATE
            self._fed += len(samples)
            return self._fed / SAMPLE_RATE

    def _heard(self, upto_s: float, *, final: bool) -> list[Word]:
        """Script words heard by `upto_s` of fed audio (a final result takes words begun by then)."""
        with self._lock:
            if self._onset is None:
                return []
            t = upto_s - self._onset + (self._words[0].start if self._words else 0.0)
            words = [w for w in self._words[self._taken :] if (w.start < t if final else w.end <= t)]
            shift = self._onset - (self._words[0].start if self._words else 0.0)
            return [Word(w.text, round(w.start + shift, 3), round(w.end + shift, 3)) for w in words]

    def _take(self, count: int) -> None:
        with self._lock:
            self._taken += count


class _Session:
    def __init__(self, owner: ScriptedWords, inner) -> None:
        self._owner = owner
        self._inner = inner
        self._start: float | None = None  # reply position of this session's first sample
        self._upto = 0.0
        self._partial = ""

    def accept_audio(self, pcm: bytes) -> bool:
        self._inner.accept_audio(pcm)  # the real work, at the real speed
        if self._start is None:
            self._start = self._owner._fed / SAMPLE_RATE
        self._upto = self._owner._feed(pcm)
        text = " ".join(w.text for w in self._owner._heard(self._upto, final=False))
        changed, self._partial = text != self._partial, text
        return changed

    def partial(self) -> str:
        return self._partial

    def finish(self) -> Transcript:
        self._inner.finish()
        words = self._owner._heard(self._upto, final=True)
        self._owner._take(len(words))
        start = self._start or 0.0
        shifted = [Word(w.text, round(max(0.0, w.start - start), 3), round(max(0.0, w.end - start), 3)) for w in words]
        return Transcript(" ".join(w.text for w in shifted), shifted)
