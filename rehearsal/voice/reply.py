"""One spoken reply as it is being heard: its audio, and the recogniser fed with it.

Recognition runs in its own thread: the call loop must keep reading the microphone in
real time to see the end of the reply, and Vosk, fed 20 ms at a time with a partial
result after each, can fall behind on two busy cores. The worker takes whatever audio has
piled up (at least `BATCH_S`) in one go, so it catches up instead of drifting.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import numpy as np

from rehearsal.voice.interfaces import SAMPLE_RATE, Audio, AudioChunk, RecognitionSession, Recognizer, Transcript

BATCH_S = 0.2

# Words a sentence rarely ends on: after them a pause means "still thinking", not "done".
_DANGLING = {
    "and", "but", "or", "so", "because", "that", "the", "a", "an", "to", "of", "for", "with",
    "if", "i", "my", "um", "uh", "er", "erm", "like", "just", "was", "is", "would", "could",
    "what", "which", "when", "about", "in", "on", "at", "you", "we",
}


def looks_unfinished(text: str) -> bool:
    words = re.findall(r"[\w']+", text.lower())
    return bool(words) and words[-1] in _DANGLING


def rms(pcm: bytes) -> float:
    if len(pcm) < 2:
        return 0.0
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
    return float(np.sqrt(np.mean(samples * samples)))


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
        self._on_partial = on_partial
        self._on_error = on_error
        self._pcm = bytearray()
        self._pending = bytearray()
        self._held = bytearray()
        self._closing = False
        self._partial = ""
        self._cond = threading.Condition()
        self._session: RecognitionSession | None = None
        self._worker: threading.Thread | None = None
        self.attach(recognizer)

    @property
    def seconds(self) -> float:
        return len(self._pcm) / 2 / SAMPLE_RATE

    @property
    def recognising(self) -> bool:
        return self._session is not None and not self.failed

    def add(self, chunk: AudioChunk, *, hold: bool = False) -> None:
        """Keep the chunk. `hold`: it is (so far) trailing silence, so the recogniser gets it
        only if speech follows; if the reply ends there, finishing needn't decode it."""
        with self._cond:
            self._pcm += chunk.pcm
            if self._session is None:
                return
            if hold:
                self._held += chunk.pcm
                return
            self._pending += self._held + chunk.pcm
            self._held = bytearray()
            self._cond.notify()

    def attach(self, recognizer: Recognizer | None) -> None:
        """Start recognising (everything heard so far first); no-op once started."""
        if recognizer is None or self._session is not None or self.failed:
            return
        with self._cond:
            self._session = recognizer.session()
            self._pending, self._held = bytearray(self._pcm), bytearray()
        self._worker = threading.Thread(target=self._recognise, name="recognise-reply", daemon=True)
        self._worker.start()

    def _recognise(self) -> None:
        batch = int(BATCH_S * SAMPLE_RATE) * 2
        while True:
            with self._cond:
                while len(self._pending) < batch and not self._closing:
                    self._cond.wait()
                data, self._pending = bytes(self._pending), bytearray()
                closing = self._closing
            try:
                changed = bool(data) and self._session.accept_audio(data)
            except Exception as exc:  # noqa: BLE001 - reported; the audio is still kept
                self.failed = True
                self._on_error(exc)
                return
            if changed:
                self._partial = self._session.partial()
                self._on_partial(self._partial)
            if closing:
                return

    def partial_text(self) -> str:
        return self._partial

    def finish(self) -> Transcript | None:
        """The final words (after the recogniser has caught up), or None when nothing recognised this reply."""
        if self._worker is None:
            return None
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._worker.join()
        self._worker = None
        if self.failed:
            return None
        session, self._session = self._session, None
        return session.finish()

    def audio(self) -> Audio:
        with self._cond:
            return Audio(bytes(self._pcm), SAMPLE_RATE)
