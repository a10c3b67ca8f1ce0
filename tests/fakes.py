"""The tests' stand-ins: one for every engine in rehearsal/voice/interfaces.py, and one judge.

The package ships none of them (tests/test_architecture.py checks): the app's typed mode
runs on the real judge with no speech engine at all.

They behave like the real ones where the call loop can tell the difference: audio arrives
in 20 ms chunks on a clock, playback takes time and can be stopped, a device can be lost,
a recogniser reveals its words as it is fed. `speed` runs the clock faster than real time
so that tests stay quick (speed=10: one second of audio every 0.1 s).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearsal.judging.verdict import Detection, Evidence, Tone, ToneLabel, Verdict
from rehearsal.media import Word, read_wav, rms
from rehearsal.voice.interfaces import (
    SAMPLE_RATE,
    Audio,
    AudioChunk,
    Transcript,
    VoiceSpec,
    VoiceUnavailable,
)

CHUNK_SAMPLES = 320  # 20 ms at 16 kHz
TTS_RATE = 22_050


def tone(seconds: float, rate: int = SAMPLE_RATE, freq: float = 220.0, amplitude: float = 0.3) -> bytes:
    """A voice-like buzz: harmonics with vibrato and a syllable rhythm, which webrtcvad takes for speech."""
    t = np.arange(int(seconds * rate)) / rate
    phase = 2 * np.pi * freq * (t + 0.05 / (2 * np.pi * 5) * (1 - np.cos(2 * np.pi * 5 * t)))
    wave_ = sum(np.sin(k * phase) / k for k in range(1, 6))
    envelope = 0.6 + 0.4 * np.abs(np.sin(2 * np.pi * 3 * t))
    samples = np.clip(amplitude * wave_ * envelope, -1.0, 1.0)
    return (samples * 32767).astype("<i2").tobytes()


def silence(seconds: float, rate: int = SAMPLE_RATE) -> bytes:
    return b"\0\0" * int(seconds * rate)


class FakeSynthesizer:
    """Renders a tone (or silence) whose length grows with the text: 60 ms a character.

    With `by_sentence`, like the real engines, it renders a line in parts, its sentences
    (rehearsal.voice.rendering), each after the first preceded by the pause between sentences;
    else in one part. `render_s` makes each part take that long to render (wall clock), as
    Piper's do. `renders` lists (line, spec) per part rendered, `part_renders` (line, part
    index) in the order they were asked for.
    """

    def __init__(self, *, silent: bool = False, fail: str | None = None, seconds_per_char: float = 0.06,
                 render_s: float = 0.0, by_sentence: bool = False, hold: threading.Event | None = None) -> None:
        self.by_sentence = by_sentence
        self.hold = hold  # set: parts after a line's first wait for it (a slow render, held by the test)
        self.silent = silent
        self.fail = fail
        self.seconds_per_char = seconds_per_char
        self.render_s = render_s
        self.renders: list[tuple[str, VoiceSpec]] = []
        self.part_renders: list[tuple[str, int]] = []
        self.rendered = threading.Condition()

    def parts(self, text: str) -> list[str]:
        from rehearsal.voice.phrasing import sentences

        return (sentences(text) if self.by_sentence else None) or [text]

    def render_part(self, text: str, spec: VoiceSpec, index: int) -> Audio:
        part = self.parts(text)[index]
        with self.rendered:
            self.renders.append((text, spec))
            self.part_renders.append((text, index))
            self.rendered.notify_all()
        if self.fail:
            raise VoiceUnavailable(self.fail)
        if self.render_s:
            time.sleep(self.render_s)
        if index and self.hold is not None:
            self.hold.wait(10)
        seconds = max(0.1, len(part) * self.seconds_per_char)
        pcm = silence(seconds, TTS_RATE) if self.silent else tone(seconds, TTS_RATE, amplitude=0.2)
        pause = silence(0.3, TTS_RATE) if index else b""
        return Audio(pause + pcm, TTS_RATE)

    def render(self, text: str, spec: VoiceSpec) -> Audio:
        pieces = [self.render_part(text, spec, n) for n in range(len(self.parts(text)))]
        return Audio(b"".join(p.pcm for p in pieces), TTS_RATE)

    def rendered_texts(self) -> list[str]:
        with self.rendered:
            return [text for text, _ in self.renders]

    def wait_for(self, predicate: Callable[[list[tuple[str, int]]], bool], timeout: float) -> bool:
        """Block until `predicate(part_renders)` holds (True) or `timeout` passes (False)."""
        with self.rendered:
            return self.rendered.wait_for(lambda: predicate(list(self.part_renders)), timeout)

    def close(self) -> None:
        pass


class FakePlayback:
    def __init__(self, audio: Audio, speed: float) -> None:
        self.audio = audio
        self.started_at: float | None = time.monotonic()
        self._duration = audio.seconds / speed
        self._ended = threading.Event()
        self._ended_at: float | None = None
        self.stopped = False
        self._timer = threading.Timer(self._duration, self._finish)
        self._timer.daemon = True
        self._timer.start()

    def _finish(self) -> None:
        if not self._ended.is_set():
            self._ended_at = time.monotonic()
            self._ended.set()

    def stop(self) -> None:
        if not self._ended.is_set():
            self.stopped = True
            self._timer.cancel()
            self._finish()

    def wait(self, timeout: float | None = None) -> bool:
        return self._ended.wait(timeout)

    @property
    def done(self) -> bool:
        return self._ended.is_set()

    @property
    def ended_at(self) -> float | None:
        return self._ended_at


class FakeSpeaker:
    """Records what was played; playback lasts the audio's length divided by `speed`."""

    def __init__(self, *, speed: float = 1.0, fail: str | None = None) -> None:
        self.speed = speed
        self.fail = fail
        self.played: list[FakePlayback] = []
        self.closed = False

    def play(self, audio: Audio) -> FakePlayback:
        if self.fail:
            raise VoiceUnavailable(self.fail)
        playback = FakePlayback(audio, self.speed)
        self.played.append(playback)
        return playback

    def close(self) -> None:
        self.closed = True
        for playback in self.played:
            playback.stop()


Segment = bytes | Path | tuple[str, float]
"""Raw 16 kHz PCM, a 16 kHz mono WAV file, ("speech", seconds) for a voice-like tone,
("silence", seconds), or ("noise", seconds) for low-level hum that is not speech."""


def _segment_pcm(segment: Segment) -> bytes:
    if isinstance(segment, bytes):
        return segment
    if isinstance(segment, Path):
        audio = read_wav(segment)
        if audio.rate != SAMPLE_RATE:
            raise ValueError(f"{segment} must be at {SAMPLE_RATE} Hz")
        return audio.pcm
    kind, seconds = segment
    if kind == "speech":
        return tone(seconds)
    if kind == "noise":
        return tone(seconds, freq=300.0, amplitude=0.004)
    return silence(seconds)


class FakeMicrophone:
    """A microphone that hears silence until told to `say` something, on a (sped-up) clock.

    `lose_after_s` (audio seconds since start) simulates an unplugged device.
    """

    def __init__(
        self,
        script: Iterable[Segment] = (),
        *,
        speed: float = 1.0,
        lose_after_s: float | None = None,
    ) -> None:
        self.speed = speed
        self.lose_after_s = lose_after_s
        self._pending: deque[bytes] = deque()
        self._lock = threading.Lock()
        self._sent_samples = 0
        self._started_wall: float | None = None
        self._error: str | None = None
        self.started = False
        self._cues: list[tuple[int, Callable[[], object]]] = []  # (sample count, callback)
        self.say(*script)

    def after_audio(self, seconds: float, callback: Callable[[], object]) -> None:
        """Call `callback` (on the reading thread) once `seconds` more audio has been read.

        Tests that act "while the caller speaks" (release push-to-talk, say) must time the act
        on this clock, the one the reply is measured on: a wall-clock timer drifts by its
        scheduling delay times `speed` (0.05 s late at 20x is a second of audio).
        """
        with self._lock:
            self._cues.append((self._sent_samples + int(seconds * SAMPLE_RATE), callback))

    def say(self, *segments: Segment) -> None:
        """Queue audio to be heard next (after what is already queued)."""
        pcm = b"".join(_segment_pcm(s) for s in segments)
        with self._lock:
            for i in range(0, len(pcm), CHUNK_SAMPLES * 2):
                chunk = pcm[i : i + CHUNK_SAMPLES * 2]
                self._pending.append(chunk.ljust(CHUNK_SAMPLES * 2, b"\0"))

    def lose(self) -> None:
        self._error = "The microphone stopped working (was it unplugged?). Type your replies for now."

    @property
    def queued_seconds(self) -> float:
        with self._lock:
            return len(self._pending) * CHUNK_SAMPLES / SAMPLE_RATE

    def start(self) -> None:
        self.started = True
        self._started_wall = time.monotonic()

    def read(self, timeout: float) -> AudioChunk | None:
        if not self.started or self._error:
            time.sleep(timeout)
            return None
        if self.lose_after_s is not None and self._sent_samples / SAMPLE_RATE >= self.lose_after_s:
            self.lose()
            return None
        # Pace chunks so that audio time runs at `speed` times wall time.
        due = self._started_wall + (self._sent_samples + CHUNK_SAMPLES) / SAMPLE_RATE / self.speed
        wait = due - time.monotonic()
        if wait > timeout:
            time.sleep(timeout)
            return None
        if wait > 0:
            time.sleep(wait)
        with self._lock:
            pcm = self._pending.popleft() if self._pending else silence(CHUNK_SAMPLES / SAMPLE_RATE)
        self._sent_samples += CHUNK_SAMPLES
        with self._lock:
            due_cues = [c for c in self._cues if c[0] <= self._sent_samples]
            self._cues = [c for c in self._cues if c[0] > self._sent_samples]
        for _, callback in due_cues:
            callback()
        return AudioChunk(pcm=pcm, at=time.monotonic(), level=rms(pcm))

    def stop(self) -> None:
        self.started = False

    @property
    def error(self) -> str | None:
        return self._error


@dataclass
class Script:
    """What the fake recogniser hears in one session: the final text, and when each word ends."""

    text: str
    word_seconds: float = 0.3  # each word's length; words start after `lead_s`
    lead_s: float = 0.0

    def words(self) -> list[Word]:
        out = []
        for i, text in enumerate(self.text.split()):
            start = self.lead_s + i * self.word_seconds
            out.append(Word(text, round(start, 3), round(start + self.word_seconds * 0.9, 3)))
        return out


class FakeSession:
    def __init__(self, script: Script, crash_after_s: float | None) -> None:
        self.script = script
        self.crash_after_s = crash_after_s
        self.fed_samples = 0
        self._partial = ""
        self.finished = False

    def accept_audio(self, pcm: bytes) -> bool:
        self.fed_samples += len(pcm) // 2
        heard = self.fed_samples / SAMPLE_RATE
        if self.crash_after_s is not None and heard >= self.crash_after_s:
            raise RuntimeError("the fake recogniser crashed")
        text = " ".join(w.text for w in self.script.words() if w.end <= heard)
        changed = text != self._partial
        self._partial = text
        return changed

    def partial(self) -> str:
        return self._partial

    def finish(self) -> Transcript:
        self.finished = True
        heard = self.fed_samples / SAMPLE_RATE
        words = [w for w in self.script.words() if w.start < heard]
        return Transcript(" ".join(w.text for w in words), words)


class FakeRecognizer:
    """Returns the scripted transcripts in order, one per session; then empty ones.

    The call loop opens one session per reply, and one more each time the caller speaks
    again after a pause it had already started to settle (see conversation/reply.py): script such
    a reply as two transcripts.
    """

    def __init__(self, scripts: Sequence[str | Script] = (), *, crash_after_s: float | None = None) -> None:
        self._scripts = deque(s if isinstance(s, Script) else Script(s) for s in scripts)
        self.crash_after_s = crash_after_s
        self.sessions: list[FakeSession] = []

    def add(self, script: str | Script) -> None:
        self._scripts.append(script if isinstance(script, Script) else Script(script))

    def session(self) -> FakeSession:
        script = self._scripts.popleft() if self._scripts else Script("")
        session = FakeSession(script, self.crash_after_s)
        self.sessions.append(session)
        return session

    @property
    def name(self) -> str:
        return "fake"


def find_word(text: str, words: Sequence[str]) -> Detection:
    """The first of `words` in `text` (any case), quoted with its span."""
    low = text.lower()
    for word in words:
        at = low.find(word)
        if at >= 0:
            return Detection(True, 0.9, [Evidence(text[at : at + len(word)], at, at + len(word))])
    return Detection(False, 0.0)


TONE_SCORES: dict[ToneLabel, float] = {"negative": -0.8, "neutral": 0.0, "positive": 0.6}


class FakeJudge:
    """The tests' judge, so a test exercises what is around the judge and not the judge itself.

    It finds fixed words (any case) and quotes them: gratitude on `thanks`, a feedback request on
    `asks`, the door kept open on `door`; the tone is negative on a `rude` word, positive on a
    `warm` one, else `plain`; an empty reply is silent and neutral. Given `verdicts`, it returns
    those in order whatever the reply (for tests of the branches a verdict takes).
    """

    def __init__(
        self,
        *,
        thanks: Sequence[str] = ("thank",),
        asks: Sequence[str] = ("feedback",),
        door: Sequence[str] = ("postings",),
        rude: Sequence[str] = ("ridiculous",),
        warm: Sequence[str] = (),
        plain: ToneLabel = "positive",
        verdicts: Iterable[Verdict] | None = None,
    ) -> None:
        self.thanks, self.asks, self.door, self.rude, self.warm, self.plain = thanks, asks, door, rude, warm, plain
        self._queue = None if verdicts is None else deque(verdicts)

    def judge(self, text: str, context: str | None = None) -> Verdict:
        if self._queue is not None:
            return self._queue.popleft()
        return Verdict(
            text=text,
            gratitude=find_word(text, self.thanks),
            feedback_request=find_word(text, self.asks),
            tone=self._tone(text),
            door_open=find_word(text, self.door),
            silent=not text.strip(),
        )

    def _tone(self, text: str) -> Tone:
        if not text.strip():
            return Tone("neutral", 0.0)
        for label, words in (("negative", self.rude), ("positive", self.warm)):
            found = find_word(text, words)
            if found.detected:
                return Tone(label, TONE_SCORES[label], found.evidence)
        return Tone(self.plain, TONE_SCORES[self.plain])
