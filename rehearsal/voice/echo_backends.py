"""The adaptive cancellers behind `WebRtcEchoCanceller`, each fed lined-up 10 ms frames.

Every backend takes a near-end frame and the far-end frame that was played `LEAD_MS` before
the echo in it, both int16 at 16 kHz, and returns the cleaned near-end frame. Imported lazily:
a missing package is a VoiceUnavailable with the command that installs it.

- "webrtc": WebRTC AEC3 through `pywebrtc-audio` (0.4 MB wheel): the default (docs/echo.md).
- "livekit": the same AEC3 inside LiveKit's real-time SDK (`livekit`, 12 MB wheel, 30 MB installed).
- "speex": Speex's MDF canceller with its residual-echo suppressor (`speexdsp`, built from source:
  needs swig and libspeexdsp-dev).
"""

from __future__ import annotations

from typing import Literal, Protocol

import numpy as np

BackendName = Literal["webrtc", "livekit", "speex"]
BACKENDS: tuple[BackendName, ...] = ("webrtc", "livekit", "speex")
RATE = 16_000
FRAME = RATE // 100
INSTALL = {
    "webrtc": "pip install 'rehearsal[echo]' (the pywebrtc-audio package)",
    "livekit": "pip install livekit",
    "speex": "sudo apt-get install swig libspeexdsp-dev && pip install speexdsp",
}


class Backend(Protocol):
    name: str
    latency: int  # samples by which the output lags the input

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        """One 10 ms frame: near-end and far-end int16 -> cleaned near-end int16."""
        ...


def _missing(name: BackendName, exc: Exception):
    from rehearsal.voice.interfaces import VoiceUnavailable

    return VoiceUnavailable(f"Echo cancellation is off: its engine ({name}) is not installed or does not load "
                            f"({exc}). Install it with: {INSTALL[name]}.")


class PyWebRtcBackend:
    name = "webrtc"
    latency = 128  # samples the output lags the input (AEC3 works in 64-sample blocks), measured

    def __init__(self) -> None:
        try:
            import pywebrtc_audio
        except ImportError as exc:
            raise _missing("webrtc", exc) from exc
        self._aec = pywebrtc_audio.EchoCanceller(sample_rate=RATE, num_channels=1, stream_delay_ms=0)

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        return self._aec.process(np.ascontiguousarray(near, np.int16), np.ascontiguousarray(far, np.int16))


class LiveKitBackend:
    name = "livekit"
    latency = 128

    def __init__(self) -> None:
        try:
            from livekit import rtc
        except ImportError as exc:
            raise _missing("livekit", exc) from exc
        self._rtc = rtc
        self._apm = rtc.AudioProcessingModule(echo_cancellation=True)

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        frame = self._rtc.AudioFrame
        self._apm.process_reverse_stream(frame(far.astype("<i2").tobytes(), RATE, 1, FRAME))
        out = frame(near.astype("<i2").tobytes(), RATE, 1, FRAME)
        self._apm.set_stream_delay_ms(0)  # "must be called" before each frame; the lining up is ours
        self._apm.process_stream(out)
        return np.frombuffer(bytes(out.data.cast("B")), dtype="<i2").copy()


class SpeexBackend:
    name = "speex"
    latency = 0
    TAIL_MS = 200  # the filter's length: room reverberation plus what is left of the delay

    def __init__(self) -> None:
        try:
            from speexdsp import EchoCanceller
        except ImportError as exc:
            raise _missing("speex", exc) from exc
        self._aec = EchoCanceller.create(FRAME, RATE * self.TAIL_MS // 1000, RATE)

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        out = self._aec.process(near.astype("<i2").tobytes(), far.astype("<i2").tobytes())
        return np.frombuffer(out, dtype="<i2").copy()


def load_backend(name: BackendName) -> Backend:
    """Raises VoiceUnavailable (a sentence saying what to install) when the package is missing."""
    classes = {"webrtc": PyWebRtcBackend, "livekit": LiveKitBackend, "speex": SpeexBackend}
    if name not in classes:
        raise ValueError(f"unknown echo canceller {name!r}: choose one of {', '.join(BACKENDS)}")
    return classes[name]()
