"""The caller's microphone: a sounddevice input stream whose callback only queues bytes.

Everything else (resampling to 16 kHz, the level meter, noticing a lost device) happens in
`read`, on the consumer's thread, so the audio callback never blocks or drops a block.
"""

from __future__ import annotations

import queue
import time

import numpy as np

from rehearsal.media import rms
from rehearsal.settings import Settings
from rehearsal.voice import devices
from rehearsal.voice.interfaces import SAMPLE_RATE, AudioChunk, VoiceUnavailable

BLOCK_S = 0.02
LOST = ("The microphone stopped working (was it unplugged?). Type your replies for now, "
        "or check it with `rehearsal devices` and start the call again.")
SILENT_STREAM_S = 5.0  # a running stream that delivers nothing this long has lost its device (2 s was
# reached on a loaded machine, two CPU hogs at load 14 on 2 cores: the call then went typed for good)


class SoundDeviceMicrophone:
    def __init__(self, device: int | None = None, *, rate: int | None = None) -> None:
        self._sd = devices.sounddevice()
        self._device = device
        self._forced_rate = rate
        self._queue: queue.Queue[tuple[bytes, float]] = queue.Queue()
        self._stream = None
        self._resampler = None
        self._error: str | None = None
        self._stopping = False
        self._last_data = 0.0
        self.rate = SAMPLE_RATE

    def start(self) -> None:
        if self._stream is not None:
            return
        sd = self._sd
        rates = [self._forced_rate] if self._forced_rate else [SAMPLE_RATE, None]
        error: Exception | None = None
        for rate in rates:
            try:
                stream = sd.RawInputStream(samplerate=rate, device=self._device, channels=1, dtype="int16",
                                           blocksize=int((rate or SAMPLE_RATE) * BLOCK_S) if rate else 0,
                                           latency="low", callback=self._callback,
                                           finished_callback=self._finished)
                stream.start()
            except (sd.PortAudioError, ValueError) as exc:
                error = exc
                continue
            self._stream, self.rate = stream, int(stream.samplerate)
            break
        else:
            raise VoiceUnavailable(f"The microphone could not be opened ({error}). {devices.CHECK_AUDIO} {devices.SEE_DEVICES}")
        if self.rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(self.rate, SAMPLE_RATE, 1, dtype="int16")
        self._stopping = False
        self._last_data = time.monotonic()

    def _callback(self, indata, frames, time_info, status) -> None:
        self._queue.put((bytes(indata), time.monotonic()))

    def _finished(self) -> None:
        if not self._stopping:
            self._error = LOST

    def read(self, timeout: float) -> AudioChunk | None:
        try:
            pcm, at = self._queue.get(timeout=timeout)
        except queue.Empty:
            self._check_alive()
            return None
        self._last_data = time.monotonic()
        if self._resampler is not None:
            samples = np.frombuffer(pcm, dtype="<i2")
            pcm = self._resampler.resample_chunk(samples).astype("<i2").tobytes()
        return AudioChunk(pcm=pcm, at=at, level=rms(pcm))

    def _check_alive(self) -> None:
        stream = self._stream
        if stream is None or self._stopping or self._error:
            return
        if not stream.active or time.monotonic() - self._last_data > SILENT_STREAM_S:
            self._error = LOST

    def stop(self) -> None:
        self._stopping = True
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close(ignore_errors=True)

    @property
    def error(self) -> str | None:
        return self._error


def create_microphone(settings: Settings | None = None) -> SoundDeviceMicrophone:
    """Raises VoiceUnavailable with a sentence when there is no usable microphone."""
    device = devices.resolve(settings.input_device if settings else None, "input")
    return SoundDeviceMicrophone(device.index)
