"""The canceller's two taps on the real devices, so the call loop needs no change to use it.

- `EchoReferenceSpeaker`: the sounddevice speaker that also hands every block it writes (the
  manager's voice and the silence between lines, so the far end has no gaps) to the canceller,
  stamped with the moment its first sample reaches the DAC. Only a copy and a deque append
  happen in the audio callback.
- `EchoCancelledMicrophone`: wraps any Microphone; `read` returns chunks already cleaned, with
  their level recomputed, so the endpointer, barge-in and the recogniser all hear the cleaned
  signal. `on_raw` (optional) sees the microphone as it was, for diagnostics.

A call gets both through `rehearsal.voice.echo_pair.with_echo_cancellation`.
"""

from __future__ import annotations

from collections.abc import Callable

from rehearsal.media import rms
from rehearsal.voice.echo import EchoCanceller
from rehearsal.voice.interfaces import AudioChunk, Microphone
from rehearsal.voice.speaker import SoundDeviceSpeaker


class EchoReferenceSpeaker(SoundDeviceSpeaker):
    """A sounddevice speaker born with its far-end tap on `canceller` (the echo test, the rig)."""

    def __init__(self, canceller: EchoCanceller, device: int | None = None, **kwargs) -> None:
        super().__init__(device, **kwargs)  # the blocks before the tap is set are silence
        self._canceller = canceller
        self.on_block = canceller.far_end


class EchoCancelledMicrophone:
    def __init__(self, microphone: Microphone, canceller: EchoCanceller,
                 on_raw: Callable[[AudioChunk], None] | None = None) -> None:
        self._mic = microphone
        self.canceller = canceller
        self._on_raw = on_raw

    def start(self) -> None:
        self._mic.start()

    def read(self, timeout: float) -> AudioChunk | None:
        chunk = self._mic.read(timeout)
        if chunk is None:
            return None
        if self._on_raw is not None:
            self._on_raw(chunk)
        cleaned = self.canceller.near_end(chunk.pcm, chunk.at)
        return AudioChunk(pcm=cleaned, at=chunk.at, level=rms(cleaned))

    def stop(self) -> None:
        self._mic.stop()

    @property
    def error(self) -> str | None:
        return self._mic.error

    @property
    def rate(self) -> int:
        return getattr(self._mic, "rate", 16_000)
