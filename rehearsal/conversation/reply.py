"""One spoken reply as it is being heard: its audio, and the recogniser fed with it.

Recognition runs in its own thread: the call loop must keep reading the microphone in
real time to see the end of the reply, and Vosk, fed 20 ms at a time with a partial
result after each, can fall behind on two busy cores. The worker takes whatever audio has
piled up (at least `BATCH_S`) in one go, so it catches up instead of drifting.

Two things keep the turn gap short. Trailing silence is *held* back from the recogniser
(it only gets it if speech follows), so finishing never decodes silence. And once a pause
has lasted most of the way to the end of the reply, the loop asks to *settle*: the
recogniser finishes the words so far while the pause runs out, so they are ready the
moment the reply is over. Should the caller speak again, a new segment starts; the
words of all segments are joined with their timings shifted into place.

A finished reply can be *resumed*: the caller spoke again just after it ended (a false end),
so the same reply goes on, with a new segment, and finishes again as one transcript.

When a pause starts, whatever audio is still pending is decoded at once (not only when a
full batch has piled up), so the partial words the end-of-turn policy reads are current.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from rehearsal.media import Word
from rehearsal.voice.interfaces import SAMPLE_RATE, Audio, AudioChunk, RecognitionSession, Recognizer, Transcript

log = logging.getLogger(__name__)

BATCH_S = 0.2
BYTES_PER_S = SAMPLE_RATE * 2

class Reply:
    """Audio from `start_s` (seconds of microphone audio since the call began) onwards.

    Without a recogniser yet (the model still loading) the audio is only kept, and fed to a
    session once one is attached, so the words still come out with the right timings.
    `on_partial(text)` and `on_error(exc)` are called from the recognition thread.
    """

    def __init__(
        self,
        start_s: float,
        recognizer: Recognizer | None,
        on_partial: Callable[[str], None] = lambda text: None,
        on_error: Callable[[Exception], None] = lambda exc: None,
    ) -> None:
        self.start_s = start_s
        self.spoke = False  # speech was detected (or push-to-talk pressed), not just room noise
        self.failed = False
        self.late = False  # finished before the recogniser caught up (see `finish`)
        self._on_partial = on_partial
        self._on_error = on_error
        self._pcm = bytearray()
        self._pending = bytearray()  # for the recogniser, not yet taken by the worker
        self._held = bytearray()  # trailing silence, passed on only if speech follows
        self._fed = 0  # bytes the recogniser has decoded
        self._given = 0  # bytes passed on for decoding (fed, pending or being decoded)
        self._running = False  # the recognition worker is (or is about to be) running
        self._finishes = 0  # times finish() asked the worker to close
        self._resumes = 0
        self._cond = threading.Condition()
        self._closing = False
        self._settle = False
        self._settled = False  # asked to settle since the last speech
        self._flush = False  # decode what is pending now, batch or not (a pause began)
        self._recognizer: Recognizer | None = None
        self._session: RecognitionSession | None = None
        self._session_offset = 0.0
        self._segments: list[tuple[float, Transcript]] = []
        self._partial = ""
        self._worker: threading.Thread | None = None
        self.attach(recognizer)

    @property
    def seconds(self) -> float:
        return len(self._pcm) / BYTES_PER_S

    def add(self, chunk: AudioChunk, *, hold: bool = False) -> None:
        """Keep the chunk. `hold`: it is (so far) trailing silence."""
        with self._cond:
            self._pcm += chunk.pcm
            if self._recognizer is None:
                return
            if hold:
                if not self._held and self._pending:
                    self._flush = True  # a pause began: decode the words before it now
                    self._cond.notify()
                self._held += chunk.pcm
                return
            self._given += len(self._held) + len(chunk.pcm)
            self._pending += self._held + chunk.pcm
            self._held = bytearray()
            self._settled = False
            self._cond.notify()

    def settle(self) -> None:
        """Finish the words heard so far now, in the background (the reply is probably over)."""
        with self._cond:
            if not self._settled:
                self._settled = self._settle = True
                self._cond.notify()

    def attach(self, recognizer: Recognizer | None) -> None:
        """Start recognising (everything heard so far first); no-op once started."""
        with self._cond:
            if recognizer is None or self._recognizer is not None or self.failed:
                return
            self._recognizer = recognizer
            self._pending, self._held = bytearray(self._pcm), bytearray()
            self._given, self._running = len(self._pcm), True
        self._worker = threading.Thread(target=self._recognise, name="recognise-reply", daemon=True)
        self._worker.start()

    def _recognise(self) -> None:
        batch = int(BATCH_S * SAMPLE_RATE) * 2
        while True:
            with self._cond:
                while len(self._pending) < batch and not (self._closing or self._settle or self._flush):
                    self._cond.wait()
                data, self._pending = bytes(self._pending), bytearray()
                closing, settle = self._closing, self._settle
                self._settle = self._flush = False
            try:
                if data:
                    self._accept(data)
                if (closing or settle) and self._session is not None:
                    started = time.monotonic()
                    self._segments.append((self._session_offset, self._session.finish()))
                    self._session = None
                    self._set_partial(_join(self._segments).text)
                    log.debug("segment at %.2f s finished in %.0f ms (%s)", self._session_offset,
                              (time.monotonic() - started) * 1000, "end" if closing else "settled in a pause")
            except Exception as exc:  # noqa: BLE001 - reported; the audio is still kept
                self.failed = True
                self._on_error(exc)
                with self._cond:
                    self._running = False
                return
            if closing:
                with self._cond:
                    if self._closing:  # else the reply was resumed meanwhile: go on
                        self._running = False
                        return

    def _accept(self, data: bytes) -> None:
        if self._session is None:
            self._session = self._recognizer.session()
            self._session_offset = self._fed / BYTES_PER_S
        changed = self._session.accept_audio(data)
        self._fed += len(data)
        if changed:
            self._set_partial(" ".join(t for t in (*(s.text for _, s in self._segments), self._session.partial()) if t))

    def _set_partial(self, text: str) -> None:
        if text != self._partial:
            self._partial = text
            self._on_partial(text)

    def partial_text(self) -> str:
        """The words so far. A session that decodes in the background (Whisper: it has `behind_s`)
        is asked directly: its words of a pause land while no audio is fed (the pause is held
        back), so they would otherwise reach the policy only when the reply settles."""
        session = self._session
        if session is None or not hasattr(session, "behind_s") or getattr(session, "closing", True):
            return self._partial  # (a closing session's words are about to join the segments)
        return " ".join(t for t in (*(s.text for _, s in list(self._segments)), session.partial()) if t)

    def finish(self, wait_s: float | None = None) -> Transcript | None:
        """The final words once the recogniser has caught up, or None when nothing recognised this reply.

        `wait_s` bounds the wait: a recogniser that has fallen behind (a busy machine) must not
        hold up the answer, so after that long the words so far are taken (the finished segments
        with their timings, plus the live partial's text) and the recogniser finishes on its own.
        """
        worker = self._worker
        if worker is None:
            return None
        with self._cond:
            self._closing = True
            self._finishes += 1
            self._cond.notify_all()
        worker.join(wait_s)
        if self.failed:
            return None
        if worker.is_alive():
            self.late = True
            log.debug("recogniser %.1f s behind at the end of the reply: taking the partial", self.backlog_s)
            with self._cond:
                done = _join(list(self._segments))
            return Transcript(self._partial or done.text, done.words)
        return _join(self._segments)

    def resume(self) -> None:
        """The caller goes on after the reply was finished (a false end): recognise what follows too.

        Does not wait for the final words of the first part: the worker finishes them and goes
        on with what follows, whoever is waiting in `finish` then waits for the whole reply.
        """
        if self._worker is None or self.failed:
            return
        with self._cond:
            # The finish of the first part (in its own thread) must have asked to close first.
            self._cond.wait_for(lambda: self._finishes > self._resumes, timeout=2.0)
            self._resumes = self._finishes
            self._closing = self._settle = self._settled = self._flush = False
            restart, self._running = not self._running, True
        if restart:
            self._worker = threading.Thread(target=self._recognise, name="recognise-reply", daemon=True)
            self._worker.start()

    @property
    def recognising(self) -> bool:
        """A recogniser is attached and has not failed."""
        return self._worker is not None and not self.failed

    @property
    def backlog_s(self) -> float:
        """Audio passed on to the recogniser that it has not decoded yet (it is behind), plus what a
        session that decodes in the background (Whisper) has taken but not yet turned into words."""
        with self._cond:
            waiting = max(0, self._given - self._fed) / BYTES_PER_S
        session = self._session
        return waiting + float(getattr(session, "behind_s", 0.0) or 0.0)

    def audio(self, seconds: float | None = None) -> Audio:
        """The audio so far, or its first `seconds` (up to where the reply ended, not the pause after)."""
        with self._cond:
            pcm = self._pcm if seconds is None else self._pcm[: int(seconds * SAMPLE_RATE) * 2]
            return Audio(bytes(pcm), SAMPLE_RATE)


def _join(segments: list[tuple[float, Transcript]]) -> Transcript:
    words = [Word(w.text, round(w.start + offset, 3), round(w.end + offset, 3), w.conf)
             for offset, transcript in segments for w in transcript.words]
    text = " ".join(t.text for _, t in segments if t.text)
    return Transcript(text, words)
