"""A stream of samples placed on the monotonic clock: the canceller's far end (and the delay
estimator's reference), kept for HISTORY_S, with silence wherever nothing was played."""

from __future__ import annotations

import numpy as np

from rehearsal.voice.interfaces import SAMPLE_RATE

HISTORY_S = 4.0  # far-end audio kept for alignment and delay estimation (window + longest lag)


class _Stream:
    """Samples at SAMPLE_RATE placed on the monotonic clock: index i is at `t0 + i / SAMPLE_RATE`."""

    def __init__(self, history_s: float = HISTORY_S) -> None:
        self.t0: float | None = None
        self.samples = np.zeros(0, dtype=np.float32)
        self._keep = int(history_s * SAMPLE_RATE)

    @property
    def end_time(self) -> float:
        return (self.t0 or 0.0) + len(self.samples) / SAMPLE_RATE

    def add(self, samples: np.ndarray, start_at: float | None = None) -> None:
        """Append `samples`; placed at `start_at` if given (silence put in before, or what it
        overlaps overwritten), else right after what is there."""
        if self.t0 is None:
            self.t0 = start_at or 0.0
        elif start_at is not None:
            gap = int(round((start_at - self.end_time) * SAMPLE_RATE))
            if gap > 0:
                self.samples = np.concatenate([self.samples, np.zeros(min(gap, self._keep), np.float32)])
            else:
                self.samples = self.samples[: max(0, len(self.samples) + gap)]
            self.t0 = start_at - len(self.samples) / SAMPLE_RATE
        self.samples = np.concatenate([self.samples, samples])
        excess = len(self.samples) - self._keep
        if excess > 0:
            self.samples = self.samples[excess:]
            self.t0 += excess / SAMPLE_RATE

    def window(self, start_at: float, n: int) -> np.ndarray:
        """`n` samples from `start_at`; silence where nothing was played (or it is too old)."""
        out = np.zeros(n, dtype=np.float32)
        if self.t0 is None:
            return out
        first = int(round((start_at - self.t0) * SAMPLE_RATE))
        lo, hi = max(0, first), min(len(self.samples), first + n)
        if hi > lo:
            out[lo - first : hi - first] = self.samples[lo:hi]
        return out
