"""The caller's side of a voice call: the microphone, the call's audio clock, the level meter,
and the voice activity detector (the endpointer) that says when the caller speaks.

Time inside a turn is counted in microphone audio (`audio_s`, seconds of samples read), not
wall time, so silence, prompts and time limits mean the same with a real device and with the
sped-up fakes the tests use.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rehearsal.call import events as ev
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import AudioChunk, Endpointer, Microphone, VoiceUnavailable

LEVEL_EVERY_S = 0.05  # ~20 level events a second is plenty for a meter
PREROLL_CHUNKS = 25  # audio kept from before speech is detected (~0.5 s), so the first syllable is not cut
READ_TIMEOUT_S = 0.05


class Ear:
    """Reads the microphone for the call thread; without one (typed mode, or lost) reads nothing."""

    def __init__(
        self,
        settings: Settings,
        emit: ev.EventSink,
        microphone: Microphone | None,
        endpointer_factory: Callable[[], Endpointer] | None,
    ) -> None:
        self.settings = settings
        self._emit = emit
        self._mic = microphone if settings.input_mode == "voice" else None
        self._endpointer = endpointer_factory() if endpointer_factory and self._mic else None
        if self._mic and self._endpointer is None:
            # Imported only when needed: webrtcvad is not wanted in typed mode.
            from rehearsal.voice.endpoint import create_endpointer

            self._endpointer = create_endpointer(settings)
        self.audio_s = 0.0  # microphone audio read so far
        self._last_level = 0.0
        self._far_level: float | None = None  # the manager's line, while it plays
        self._gate_sent = 1.0

    @property
    def has_mic(self) -> bool:
        """False in typed mode, and from the moment the device fails."""
        return self._mic is not None

    @property
    def auto(self) -> bool:
        """The endpointer ends replies (else push-to-talk does)."""
        return self.settings.end_mode == "auto"

    # -- the microphone ----------------------------------------------------------------

    def open(self) -> None:
        """Start the device; if it cannot start, say so and go on without it (typing)."""
        if self._mic is None:
            return
        try:
            self._mic.start()
        except Exception as exc:  # noqa: BLE001
            self._mic = None
            message = str(exc) if isinstance(exc, VoiceUnavailable) else (
                f"The microphone could not be opened ({exc}); type your replies. "
                "See `rehearsal devices` for the devices found.")
            self._emit(ev.Notice("warning", message))

    def read(self) -> AudioChunk | None:
        """The next chunk, advancing the clock; None when nothing came (or there is no device).

        Without a device this still takes ~20 ms, so loops that read keep their pace.
        """
        if self._mic is None:
            time.sleep(0.02)
            return None
        chunk = self._mic.read(READ_TIMEOUT_S)
        if chunk is None:
            if self._mic.error:
                self._emit(ev.Notice("error", self._mic.error))
                self._mic.stop()
                self._mic = None
            return None
        self.audio_s += chunk.seconds
        if self._far_level and getattr(self._mic, "echo_gate", 1.0) != self._gate_sent:
            self._send_far_end()  # the echo canceller has learnt the room: back to the usual gate
        now = time.monotonic()
        if now - self._last_level >= LEVEL_EVERY_S:
            self._last_level = now
            self._emit(ev.Level(chunk.level))
        return chunk

    def stop(self) -> None:
        if self._mic is not None:
            self._mic.stop()

    # -- the endpointer ----------------------------------------------------------------

    def detect(self, chunk: AudioChunk) -> str | None:
        """Feed the endpointer: "speech_start", "speech_end" or None."""
        return self._endpointer.feed(chunk) if self._endpointer else None

    def reset(self) -> None:
        """Forget any speech in progress (a new line from the manager starts)."""
        if self._endpointer is not None:
            self._endpointer.reset()

    def far_end(self, level: float | None) -> None:
        """Tell the endpointer how loud the manager is playing, so their echo is not taken for the caller."""
        self._far_level = level
        self._send_far_end()

    def _send_far_end(self) -> None:
        # A microphone behind an echo canceller still learning the room asks for a stricter gate
        # (rehearsal/voice/echo_pair.py); any other microphone has no `echo_gate`.
        self._gate_sent = getattr(self._mic, "echo_gate", 1.0)
        level = self._far_level * self._gate_sent if self._far_level else None
        if self._endpointer is not None and hasattr(self._endpointer, "set_far_end"):
            self._endpointer.set_far_end(level)

    def quick_start(self, quick: bool) -> None:
        """While the caller may be resuming a reply just ended, start speech on less voiced audio."""
        if self._endpointer is not None and hasattr(self._endpointer, "set_quick_start"):
            self._endpointer.set_quick_start(quick)

    def gate(self) -> float:
        """The level speech must reach now (for the log: a caller quieter than this is not heard)."""
        return float(getattr(self._endpointer, "gate", 0.0))

    def silence_ms(self) -> int:
        """Trailing silence in the reply so far, as the endpointer counts it (auto mode only)."""
        return getattr(self._endpointer, "silence_ms", 0) if self.auto else 0
