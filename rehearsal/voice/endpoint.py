"""Voice activity: is the caller speaking, from the audio alone.

webrtcvad marks each 20 ms frame as voiced or not, and an energy gate keeps hum and the
manager's own voice leaking back into the microphone (laptop speakers) from counting as the
caller speaking. An utterance starts after a short run of voiced frames; `state` then says
whether the latest frame was speech and how long the caller has been quiet.

Whether a pause *ends the turn* is not decided here: that is the end-of-turn policy in
rehearsal/conversation/turn_end.py, which weighs the words as well. This class only reports
"speech_end" once a pause reaches `end_silence_ms`, which the call uses as the hard cap.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

import webrtcvad

from rehearsal.media import MIN_SPEECH_LEVEL, rms
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import SAMPLE_RATE, AudioChunk

FRAME_MS = 20
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2
START_WINDOW = 10  # frames looked at to decide speech has started (200 ms)
START_VOICED = 6  # voiced frames in that window needed (so a click or a cough is not a reply)
MIN_LEVEL = MIN_SPEECH_LEVEL  # RMS below this is never speech, whatever the VAD says
NOISE_FACTOR = 3.0  # speech must stand this far above the room's noise floor
ECHO_FACTOR = 0.5  # while the manager speaks, speech must reach half the manager's own level
ECHO_TAIL_MS = 300  # the room keeps ringing (and buffers drain) a little after playback ends
# While a caller may be resuming (just after their reply ended) speech starts on 10 ms frames:
# 2 voiced of the last 3 (20 ms of voice in 30 ms). On the corpus's resumed halves that hears the
# caller 10-20 ms sooner than 2 of 3 20 ms frames (median 20-30 ms against 40 ms after the first
# loud sample), so the manager stops within ~100 ms. The echo gate applies to each small frame.
QUICK_FRAME_MS = 10
QUICK_FRAME_BYTES = SAMPLE_RATE * QUICK_FRAME_MS // 1000 * 2
QUICK_WINDOW = 3
QUICK_VOICED = 2


class Activity(Enum):
    SPEECH = "speech"
    SILENCE = "silence"


@dataclass(frozen=True, slots=True)
class VoiceState:
    """Voice activity after the latest frame."""

    activity: Activity  # the latest frame
    in_speech: bool  # inside an utterance: from its start until a pause reaches the cap
    silence_ms: int  # unvoiced audio since the last voiced frame of the utterance (0 outside one)


class VadEndpointer:
    def __init__(self, end_silence_ms: int, *, aggressiveness: int = 2) -> None:
        self.end_silence_ms = end_silence_ms
        self._vad = webrtcvad.Vad(aggressiveness)
        self._quick_vad = webrtcvad.Vad(aggressiveness)  # its own state: it sees 10 ms frames
        self._quick = False
        self._last_voiced = False
        self.reset()
        self._echo_level = 0.0
        self._echo_tail_ms = 0

    def reset(self) -> None:
        self._buffer = b""
        self._window: deque[bool] = deque(maxlen=START_WINDOW)
        self._quick_window: deque[bool] = deque(maxlen=QUICK_WINDOW)
        self._in_speech = False
        self._silent_ms = 0
        self._noise_floor = MIN_LEVEL / NOISE_FACTOR
        self._last_voiced = False

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

    def set_quick_start(self, quick: bool) -> None:
        """Start an utterance on less voiced audio (the caller may be resuming a reply just ended)."""
        self._quick = quick

    @property
    def state(self) -> VoiceState:
        activity = Activity.SPEECH if self._last_voiced else Activity.SILENCE
        return VoiceState(activity, self._in_speech, self.silence_ms)

    @property
    def silence_ms(self) -> int:
        """Unvoiced audio since the last voiced frame of a reply in progress (0 outside a reply)."""
        return self._silent_ms if self._in_speech else 0

    @property
    def trailing_silence_ms(self) -> int:
        return self.end_silence_ms

    def feed(self, chunk: AudioChunk) -> str | None:
        self._buffer += chunk.pcm
        result = None
        while len(self._buffer) >= FRAME_BYTES:
            frame, self._buffer = self._buffer[:FRAME_BYTES], self._buffer[FRAME_BYTES:]
            result = self._frame(frame) or result
        return result

    @property
    def gate(self) -> float:
        """The level a frame must reach to count as speech now (the room's noise, the manager's echo)."""
        return self._gate()

    def _gate(self) -> float:
        gate = max(MIN_LEVEL, self._noise_floor * NOISE_FACTOR)
        if self._echo_tail_ms != 0:
            gate = max(gate, self._echo_level * ECHO_FACTOR)
        return gate

    def _frame(self, frame: bytes) -> str | None:
        level = rms(frame)
        gate = self._gate()
        voiced = level >= gate and self._vad.is_speech(frame, SAMPLE_RATE)
        quick_start = False
        if self._quick and not self._in_speech:
            for i in range(0, FRAME_BYTES, QUICK_FRAME_BYTES):
                part = frame[i : i + QUICK_FRAME_BYTES]
                self._quick_window.append(rms(part) >= gate and self._quick_vad.is_speech(part, SAMPLE_RATE))
                quick_start = quick_start or sum(self._quick_window) >= QUICK_VOICED
        else:
            self._quick_window.clear()
        if self._echo_tail_ms > 0:
            self._echo_tail_ms = max(0, self._echo_tail_ms - FRAME_MS)
            if self._echo_tail_ms == 0:
                self._echo_level = 0.0
        if not voiced and not self._in_speech:
            # Follow the room's noise slowly, so a fan or hum raises the bar for speech.
            self._noise_floor = 0.95 * self._noise_floor + 0.05 * level
        self._window.append(voiced)
        self._last_voiced = voiced
        if not self._in_speech:
            if quick_start or sum(self._window) >= START_VOICED:
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
    """Voice activity for a call: a pause reaching the policy's hard cap ends an utterance."""
    return VadEndpointer(settings.turn_max_pause_ms)
