"""Where a spoken reply starts and ends, from the audio alone.

vosk 0.3.45 has no configurable endpointer, so we find the ends ourselves: webrtcvad marks
each 20 ms frame as voiced or not, and an energy gate keeps hum and the manager's own voice
leaking back into the microphone (laptop speakers) from counting as the caller speaking.
A reply starts after a short run of voiced frames and ends after `end_silence_ms` of
unvoiced ones; the call loop may ask for more patience while the words so far look
unfinished ("and", "um", ...).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import webrtcvad

from rehearsal.settings import Settings
from rehearsal.voice.interfaces import SAMPLE_RATE, AudioChunk

FRAME_MS = 20
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2
START_WINDOW = 10  # frames looked at to decide speech has started (200 ms)
START_VOICED = 6  # voiced frames in that window needed (so a click or a cough is not a reply)
MIN_LEVEL = 0.006  # RMS below this is never speech, whatever the VAD says (about -44 dBFS)
NOISE_FACTOR = 3.0  # speech must stand this far above the room's noise floor
ECHO_FACTOR = 0.5  # while the manager speaks, speech must reach half the manager's own level
ECHO_TAIL_MS = 300  # the room keeps ringing (and buffers drain) a little after playback ends
UNFINISHED_FACTOR = 2.0  # trailing silence multiplier when the reply looks unfinished


class VadEndpointer:
    def __init__(self, end_silence_ms: int, *, aggressiveness: int = 2) -> None:
        self.end_silence_ms = end_silence_ms
        self._vad = webrtcvad.Vad(aggressiveness)
        self._unfinished = False
        self.reset()
        self._echo_level = 0.0
        self._echo_tail_ms = 0

    def reset(self) -> None:
        self._buffer = b""
        self._window: deque[bool] = deque(maxlen=START_WINDOW)
        self._in_speech = False
        self._silent_ms = 0
        self._noise_floor = MIN_LEVEL / NOISE_FACTOR
        self._unfinished = False

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    def set_far_end(self, level: float | None) -> None:
        """The manager is playing at RMS `level` (None: stopped). Echo below the gate is ignored."""
        if level:
            self._echo_level = level
            self._echo_tail_ms = -1  # held until released
        else:
            self._echo_tail_ms = ECHO_TAIL_MS if self._echo_level else 0

    def set_unfinished(self, unfinished: bool) -> None:
        """The words so far end mid-thought: wait longer before calling the reply over."""
        self._unfinished = unfinished

    @property
    def silence_ms(self) -> int:
        """Unvoiced audio since the last voiced frame of a reply in progress (0 outside a reply)."""
        return self._silent_ms if self._in_speech else 0

    @property
    def trailing_silence_ms(self) -> int:
        factor = UNFINISHED_FACTOR if self._unfinished else 1.0
        return int(self.end_silence_ms * factor)

    def feed(self, chunk: AudioChunk) -> str | None:
        self._buffer += chunk.pcm
        result = None
        while len(self._buffer) >= FRAME_BYTES:
            frame, self._buffer = self._buffer[:FRAME_BYTES], self._buffer[FRAME_BYTES:]
            result = self._frame(frame) or result
        return result

    def _gate(self) -> float:
        gate = max(MIN_LEVEL, self._noise_floor * NOISE_FACTOR)
        if self._echo_tail_ms != 0:
            gate = max(gate, self._echo_level * ECHO_FACTOR)
        return gate

    def _frame(self, frame: bytes) -> str | None:
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float32) / 32768.0
        level = float(np.sqrt(np.mean(samples * samples)))
        voiced = level >= self._gate() and self._vad.is_speech(frame, SAMPLE_RATE)
        if self._echo_tail_ms > 0:
            self._echo_tail_ms = max(0, self._echo_tail_ms - FRAME_MS)
            if self._echo_tail_ms == 0:
                self._echo_level = 0.0
        if not voiced and not self._in_speech:
            # Follow the room's noise slowly, so a fan or hum raises the bar for speech.
            self._noise_floor = 0.95 * self._noise_floor + 0.05 * level
        self._window.append(voiced)
        if not self._in_speech:
            if sum(self._window) >= START_VOICED:
                self._in_speech = True
                self._silent_ms = 0
                return "speech_start"
            return None
        self._silent_ms = 0 if voiced else self._silent_ms + FRAME_MS
        if self._silent_ms >= self.trailing_silence_ms:
            self._in_speech = False
            self._window.clear()
            return "speech_end"
        return None


def create_endpointer(settings: Settings) -> VadEndpointer:
    return VadEndpointer(settings.end_silence_ms)
