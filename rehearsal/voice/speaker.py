"""Playing the manager's voice through a sounddevice output stream.

The stream is opened once and kept running (writing silence between lines), with a small
block size, so a line starts within a few milliseconds of `play` rather than after a device
open. `stop` (barge-in, skip, a false end) also drops what the device has buffered of the
line (the stream is aborted and started again), so the manager falls silent within a few
milliseconds instead of after the ~35-45 ms the buffer holds: the caller who talks over the
manager hears them stop at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from rehearsal.settings import Settings
from rehearsal.voice import devices
from rehearsal.voice.interfaces import Audio, VoiceUnavailable

log = logging.getLogger(__name__)

BLOCK_FRAMES = 256  # 12 ms
STREAM_RATE = 22_050  # espeak-ng's rate: no resampling in the common case
LATENCY_S = 0.03  # "low" (~10 ms) underruns when both cores are busy; 30 ms played 18 s gap-free beside two CPU hogs
DEADLINE_SLACK_S = 2.0  # a stream that died mid-line must not leave the caller waiting forever


class SoundPlayback:
    def __init__(self, pcm: bytes, rate: int, on_stop: Callable[[SoundPlayback], None] | None = None) -> None:
        self._pcm = pcm
        self._on_stop = on_stop  # the speaker drops what it has buffered of a line stopped early
        self._pos = 0
        self._rate = rate
        self._ended = threading.Event()
        self._started_at: float | None = None
        self._ended_at: float | None = None
        self._deadline = time.monotonic() + len(pcm) / 2 / rate + DEADLINE_SLACK_S

    def take(self, nbytes: int, dac_delay: float) -> bytes:
        """The next block for the device; called from the audio callback only."""
        if self._ended.is_set():
            return b""
        now = time.monotonic()
        if self._started_at is None:
            self._started_at = now + dac_delay
        block = self._pcm[self._pos : self._pos + nbytes]
        self._pos += len(block)
        if self._pos >= len(self._pcm):
            self._ended_at = now + dac_delay + len(block) / 2 / self._rate
            self._ended.set()
        return block

    def stop(self) -> None:
        if not self._end():
            return
        if self._on_stop is not None:
            self._on_stop(self)

    def _end(self) -> bool:
        """Take no more blocks; False if it had already ended."""
        if self._ended.is_set():
            return False
        self._ended_at = time.monotonic()
        self._ended.set()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        if timeout is None:
            timeout = max(0.0, self._deadline - time.monotonic())
        return self._ended.wait(timeout) or self.done

    @property
    def done(self) -> bool:
        if not self._ended.is_set() and time.monotonic() > self._deadline:
            self.stop()
        return self._ended.is_set()

    @property
    def started_at(self) -> float | None:
        return self._started_at

    @property
    def ended_at(self) -> float | None:
        return self._ended_at


class SoundDeviceSpeaker:
    def __init__(self, device: int | None = None, *, block_frames: int = BLOCK_FRAMES) -> None:
        self._sd = devices.sounddevice()
        self._device = device
        self._block = block_frames
        self._current: SoundPlayback | None = None
        self._lock = threading.Lock()  # shared with the audio callback: held only to swap `_current`
        self._stream_lock = threading.Lock()  # orders play, flush and close; never taken in the callback
        self._stream = None
        self.rate = STREAM_RATE
        # The echo canceller's far-end tap (rehearsal/voice/echo_pair.py): every block written,
        # silence included, with the moment its first sample reaches the DAC. Called in the
        # audio callback, so it must only queue.
        self.on_block: Callable[[bytes, float, int], None] | None = None
        self._open()

    def _open(self) -> None:
        sd = self._sd
        for rate in (STREAM_RATE, None):
            try:
                stream = sd.RawOutputStream(samplerate=rate, blocksize=self._block, device=self._device, channels=1,
                                            dtype="int16", latency=LATENCY_S, callback=self._callback)
                stream.start()
            except (sd.PortAudioError, ValueError) as exc:
                error = exc
                continue
            self._stream, self.rate = stream, int(stream.samplerate)
            return
        raise VoiceUnavailable(f"The speaker could not be opened ({error}). {devices.CHECK_AUDIO} {devices.SEE_DEVICES}")

    def _callback(self, outdata, frames, time_info, status) -> None:
        with self._lock:
            current = self._current
        block = b""
        delay = max(0.0, time_info.outputBufferDacTime - time_info.currentTime)
        if current is not None:
            block = current.take(len(outdata), delay)
        outdata[: len(block)] = block
        outdata[len(block) :] = b"\0" * (len(outdata) - len(block))
        tap = self.on_block
        if tap is not None:
            tap(bytes(outdata), time.monotonic() + delay, self.rate)

    def play(self, audio: Audio) -> SoundPlayback:
        if self._stream is None or not self._stream.active:
            raise VoiceUnavailable(f"The speaker stopped working. {devices.CHECK_AUDIO} {devices.SEE_DEVICES}")
        playback = SoundPlayback(_resample(audio, self.rate), self.rate, on_stop=self._flush)
        with self._stream_lock, self._lock:
            previous, self._current = self._current, playback
        if previous is not None:
            previous._end()  # the next line follows on: nothing to drop
        return playback

    def _flush(self, playback: SoundPlayback) -> None:
        """Drop the buffered tail of `playback`, stopped early, if it is still the line playing.

        Aborting drops what PortAudio and the sound server hold (snd_pcm_drop; PulseAudio
        flushes the stream); starting again writes silence. The echo canceller's far-end tap
        sees the next blocks stamped earlier than the dropped ones ended and moves its timeline
        back (rehearsal/voice/echo.py), so the dropped audio never counts as played.
        """
        with self._stream_lock:
            with self._lock:
                if self._current is not playback:
                    return
                self._current = None
            stream = self._stream
            if stream is None:
                return
            try:
                stream.abort()
                stream.start()
            except self._sd.PortAudioError:
                log.warning("the speaker did not restart after a stop; opening it again", exc_info=True)
                stream.close(ignore_errors=True)
                self._stream = None
                try:
                    self._open()
                except VoiceUnavailable:
                    log.warning("the speaker could not be opened again", exc_info=True)

    def close(self) -> None:
        with self._stream_lock:
            with self._lock:
                current, self._current = self._current, None
            if current is not None:
                current._end()
            if self._stream is not None:
                self._stream.close(ignore_errors=True)
                self._stream = None


def _resample(audio: Audio, rate: int) -> bytes:
    if audio.rate == rate:
        return audio.pcm
    import soxr

    samples = np.frombuffer(audio.pcm, dtype="<i2")
    return soxr.resample(samples, audio.rate, rate).astype("<i2").tobytes()


def create_speaker(settings: Settings | None = None) -> SoundDeviceSpeaker:
    """Raises VoiceUnavailable with a sentence when there is no usable speaker."""
    device = devices.resolve(settings.output_device if settings else None, "output")
    return SoundDeviceSpeaker(device.index)
