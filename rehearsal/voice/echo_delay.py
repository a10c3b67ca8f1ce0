"""How long the manager's voice takes from the speaker to the microphone, measured, not assumed.

The far end and the microphone both carry time.monotonic() stamps, but the stamps are taken in
the audio callbacks: the speaker's is corrected by PortAudio's output latency, the microphone's
is not corrected at all, and the room and the sound server add their own. So the delay is
measured by cross-correlating the last `WINDOW_S` of microphone audio against the far end over
lags 0..`MAX_LAG_S`, once a second while the manager is audible. A new value is taken when two
measurements in a row agree, so a single confused window (the caller talking over the
manager) never moves it, and a real change (a Bluetooth speaker reconnecting, the sound
server re-buffering) is followed within about two seconds.

The first second of the manager's voice is checked sooner (`quick`): every QUICK_EVERY_S the
last QUICK_WINDOW_S is correlated over short lags only (the clocks already line the streams up
to within ~60 ms), so echo is found ~0.1-0.2 s into the first line, not 1.5 s: before that the
raw echo of a loud speaker had stopped the manager's first line in every one of six calls at -6
and 0 dB (docs/echo.md). A microphone QUIET_DB under the far end by then rules echo out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rehearsal.voice.echo_stream import _Stream

RATE = 16_000
WINDOW_S = 1.5  # microphone audio correlated each time
MAX_LAG_S = 1.0  # longest delay looked for (Bluetooth speakers reach ~300 ms, plus buffers)
EVERY_S = 1.0  # how often it is measured while the manager is audible
MIN_FAR_RMS = 100.0  # int16 RMS of the far end below which there is nothing to correlate
MIN_AUDIBLE = 0.1  # lags whose far-end energy is under this share of the loudest are not looked at
WHOLE_NCC = 0.8  # above this the mic is taken as echo alone for its level (reads at most ~2 dB high)
MIN_NCC = 0.3  # normalised correlation below which a peak is not trusted
AGREE_S = 0.004  # two measurements this close agree
KEEP_S = 0.002  # a change smaller than this is not worth disturbing the canceller
QUICK_WINDOW_S = 0.3  # the quick check: this much microphone audio ...
QUICK_LAG_S = 0.25  # ... over lags this short (few lags: a chance peak stays far under QUICK_NCC)
QUICK_EVERY_S = 0.05
QUICK_UNTIL_S = 1.0  # of the manager's voice; then only the slow measurement
QUICK_NCC = 0.5
QUIET_DB = -20.0  # the microphone this far under the far end (lag window included): no echo that matters
RULE_OUT_S = QUICK_LAG_S + 0.15  # far end heard this long before echo can be ruled out
# The echo's level is also re-read more often than the delay, near the delay already measured: the
# residual-echo check predicts the echo from it, and after the volume went down (0 -> -13 dB) the
# once-a-second measurement left it 13 dB too high for 1-2.5 s of the manager, so a caller talking
# over them was silenced as echo (docs/echo.md, round 3). Only a window that is echo
# alone (NCC >= WHOLE_NCC) counts, so the caller talking over never moves it.
LEVEL_EVERY_S = 0.25
LEVEL_WINDOW_S = 0.5
LEVEL_LAGS_S = 0.06  # lags looked at: the measured delay, this much either side


class DelayEstimator:
    def __init__(self) -> None:
        self._near = np.zeros(0, dtype=np.float32)
        self._near_end_t = 0.0  # capture time just after the last sample in `_near`
        self._since = 0  # samples since the last measurement
        self._candidate: float | None = None
        self.delay_s: float | None = None
        self.confidence = 0.0
        self.gain: float | None = None  # the echo's amplitude relative to the far end, at the last good peak
        self.latest_gain: float | None = None  # the same, re-read every LEVEL_EVERY_S too (`_track_level`)
        self.measurements = 0  # good peaks so far (the slow measurement: the call's advice counts these)
        self.far_heard_s = 0.0  # far-end audio heard so far (the quick check's clock)
        self.quick_found = False  # the quick check found echo
        self.ruled_out = False  # the quick check found none, or ran out of time undecided
        self._quick_since = 0
        self._level_since = 0

    def observe(self, frame: np.ndarray, at: float, far: _Stream) -> float | None:
        """Add a raw microphone frame whose first sample is at `at`; returns a new delay when one is settled."""
        keep = int(WINDOW_S * RATE)
        self._near = np.concatenate([self._near, frame.astype(np.float32)])[-keep:]
        self._near_end_t = at + len(frame) / RATE
        self._since += len(frame)
        if not (self.quick_found or self.ruled_out):
            quick = self._quick(frame, at, far)
            if quick is not None:
                return quick
        self._level_since += len(frame)
        if self.delay_s is not None and self._level_since >= LEVEL_EVERY_S * RATE:
            self._level_since = 0
            self._track_level(far)
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

    def _track_level(self, far: _Stream) -> None:
        """Re-read the echo's level (`latest_gain`) on the last LEVEL_WINDOW_S, at lags near the measured
        delay. Only the residual check uses it: the call's advice and gate keep the once-a-second reading."""
        n = int(LEVEL_WINDOW_S * RATE)
        if len(self._near) < n or self.delay_s is None:
            return
        lo = max(0.0, self.delay_s - LEVEL_LAGS_S)
        start = self._near_end_t - n / RATE
        peak = self._peak(self._near[-n:], start - lo, far, self.delay_s + LEVEL_LAGS_S - lo, WHOLE_NCC)
        if peak is not None and peak[1] is not None:  # the delay measurement's confidence and gain stay
            self.latest_gain = peak[2]

    def _quick(self, frame: np.ndarray, at: float, far: _Stream) -> float | None:
        """While the first QUICK_UNTIL_S of the manager plays: echo found (its delay), ruled out, or not yet."""
        heard = far.window(at - QUICK_LAG_S, len(frame) + int(QUICK_LAG_S * RATE))
        if np.sqrt(np.mean(heard * heard)) >= MIN_FAR_RMS:
            self.far_heard_s += len(frame) / RATE
        self._quick_since += len(frame)
        if self.far_heard_s < 0.1 or self._quick_since < QUICK_EVERY_S * RATE:
            return None
        self._quick_since = 0
        n = min(len(self._near), int(QUICK_WINDOW_S * RATE))
        near = self._near[-n:]
        start = self._near_end_t - n / RATE
        found = self.measure(near, start, far, QUICK_LAG_S, QUICK_NCC, count=False)
        if found is not None and self.gain and 20 * np.log10(self.gain) >= QUIET_DB:
            self.quick_found = True
            self.delay_s = self._candidate = found
            return found
        ref = far.window(start - QUICK_LAG_S, n + int(QUICK_LAG_S * RATE))
        far_rms = float(np.sqrt(np.mean(ref * ref)))
        near_rms = float(np.sqrt(np.mean(near * near)))
        if self.far_heard_s >= RULE_OUT_S and near_rms < far_rms * 10 ** (QUIET_DB / 20):
            self.ruled_out = True
        elif self.far_heard_s >= QUICK_UNTIL_S:
            self.ruled_out = True  # undecided (the caller talking?): the slow measurement goes on
        return None

    def measure(self, near: np.ndarray, start_at: float, far: _Stream, max_lag_s: float = MAX_LAG_S,
                min_ncc: float = MIN_NCC, count: bool = True) -> float | None:
        """The lag (s) at which the far end best matches `near` (which starts at `start_at`); None if unclear."""
        peak = self._peak(near, start_at, far, max_lag_s, min_ncc)
        if peak is None:
            return None
        self.confidence, lag_s, gain = peak
        if lag_s is None:
            return None
        self.gain = self.latest_gain = gain
        self.measurements += count
        return lag_s

    @staticmethod
    def _peak(near: np.ndarray, start_at: float, far: _Stream, max_lag_s: float,
              min_ncc: float) -> tuple[float, float | None, float | None] | None:
        """(NCC, lag s, gain) of the best match, lag and gain None under `min_ncc`; None if the far end is quiet."""
        lag = int(max_lag_s * RATE)
        n = len(near)
        ref = far.window(start_at - max_lag_s, n + lag)
        if np.sqrt(np.mean(ref * ref)) < MIN_FAR_RMS:
            return None
        size = 1 << int(np.ceil(np.log2(n + len(ref))))
        corr = np.fft.irfft(np.conj(np.fft.rfft(near, size)) * np.fft.rfft(ref, size), size)[: lag + 1]
        energy = np.concatenate([[0.0], np.cumsum(ref.astype(np.float64) ** 2)])
        windows = energy[n : n + lag + 1] - energy[: lag + 1]  # far-end energy under each lag
        ncc = corr / np.sqrt(np.maximum(windows, 1e-9) * float(np.dot(near, near)) + 1e-9)
        # Only lags under which the far end is audible: a lag catching the edge of a line (a few
        # quiet samples) divides by almost nothing and once gave a bogus peak (NCC 56, 198 ms for 40).
        ncc[windows < max(MIN_AUDIBLE * float(windows.max()), n * MIN_FAR_RMS ** 2 / 4)] = 0.0
        best = int(np.argmax(ncc))
        confidence = float(ncc[best])
        if confidence < min_ncc:
            return confidence, None, None
        # The far end's projection on the mic; when the mic is nearly all echo (high NCC) divided by
        # the NCC, so a window the delay moved inside (an underrun: part of the echo at another lag)
        # does not read low: a -6 dB loop once read -9 dB twice on a machine at load 17.
        projection = max(0.0, float(corr[best] / max(windows[best], 1e-9)))
        gain = projection / confidence if confidence >= WHOLE_NCC else projection
        return confidence, (lag - best) / RATE, gain
