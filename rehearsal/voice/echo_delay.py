"""How long the manager's voice takes from the speaker to the microphone, measured, not assumed.

The far end and the microphone both carry time.monotonic() stamps, but the stamps are taken in
the audio callbacks: the speaker's is corrected by PortAudio's output latency, the microphone's
is not corrected at all, and the room and the sound server add their own. So the delay is
measured by cross-correlating the last `WINDOW_S` of microphone audio against the far end over
lags 0..`MAX_LAG_S`, once a second while the manager is audible. A new value is taken when two
measurements in a row agree, so a single confused window (the caller talking over the
manager) never moves it, and a real change (a Bluetooth speaker reconnecting, the sound
server re-buffering) is followed within about two seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rehearsal.voice.echo import _Stream

RATE = 16_000
WINDOW_S = 1.5  # microphone audio correlated each time
MAX_LAG_S = 1.0  # longest delay looked for (Bluetooth speakers reach ~300 ms, plus buffers)
EVERY_S = 1.0  # how often it is measured while the manager is audible
MIN_FAR_RMS = 100.0  # int16 RMS of the far end below which there is nothing to correlate
MIN_NCC = 0.3  # normalised correlation below which a peak is not trusted
AGREE_S = 0.004  # two measurements this close agree
KEEP_S = 0.002  # a change smaller than this is not worth disturbing the canceller


class DelayEstimator:
    def __init__(self) -> None:
        self._near = np.zeros(0, dtype=np.float32)
        self._near_end_t = 0.0  # capture time just after the last sample in `_near`
        self._since = 0  # samples since the last measurement
        self._candidate: float | None = None
        self.delay_s: float | None = None
        self.confidence = 0.0
        self.gain: float | None = None  # the echo's amplitude relative to the far end, at the last good peak
        self.measurements = 0  # good peaks so far

    def observe(self, frame: np.ndarray, at: float, far: _Stream) -> float | None:
        """Add a raw microphone frame whose first sample is at `at`; returns a new delay when one is settled."""
        keep = int(WINDOW_S * RATE)
        self._near = np.concatenate([self._near, frame.astype(np.float32)])[-keep:]
        self._near_end_t = at + len(frame) / RATE
        self._since += len(frame)
        if self._since < EVERY_S * RATE or len(self._near) < keep:
            return None
        self._since = 0
        measured = self.measure(self._near, self._near_end_t - len(self._near) / RATE, far)
        if measured is None:
            return None
        settled = self._candidate is not None and abs(measured - self._candidate) <= AGREE_S
        first = self.delay_s is None
        self._candidate = measured
        if (settled or first) and (first or abs(measured - self.delay_s) > KEEP_S):
            self.delay_s = measured
            return measured
        return None

    def measure(self, near: np.ndarray, start_at: float, far: _Stream) -> float | None:
        """The lag (s) at which the far end best matches `near` (which starts at `start_at`); None if unclear."""
        lag = int(MAX_LAG_S * RATE)
        n = len(near)
        ref = far.window(start_at - MAX_LAG_S, n + lag)
        if np.sqrt(np.mean(ref * ref)) < MIN_FAR_RMS:
            return None
        size = 1 << int(np.ceil(np.log2(n + len(ref))))
        corr = np.fft.irfft(np.conj(np.fft.rfft(near, size)) * np.fft.rfft(ref, size), size)[: lag + 1]
        energy = np.concatenate([[0.0], np.cumsum(ref.astype(np.float64) ** 2)])
        windows = energy[n : n + lag + 1] - energy[: lag + 1]  # far-end energy under each lag
        ncc = corr / np.sqrt(np.maximum(windows, 1e-9) * float(np.dot(near, near)) + 1e-9)
        best = int(np.argmax(ncc))
        self.confidence = float(ncc[best])
        if self.confidence < MIN_NCC:
            return None
        self.gain = max(0.0, float(corr[best] / max(windows[best], 1e-9)))  # the far end's projection on the mic
        self.measurements += 1
        return (lag - best) / RATE
