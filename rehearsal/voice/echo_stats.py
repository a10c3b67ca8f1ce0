"""How well the echo canceller is doing, from what it was given and what it gave back.

Counted only over 10 ms frames in which the manager is audible in the echo (the far end at the
measured delay): `audible_s` says whether the canceller has had time to learn the room, the
ERLE of recent 100 ms blocks says how little it takes off in its bad moments (what the echo gate
must stand above), and the median block since learning is a call's figure (the ERLE summed since learning is dominated by
the caller talking over the manager, whose energy counts as echo left).
"""

from __future__ import annotations

from collections import deque

import numpy as np

LEARN_S = 2.5  # AEC3 reached its converged ERLE after ~2.5 s of the manager's voice (docs/echo.md)
AUDIBLE_RMS = 100.0  # int16 RMS of a 10 ms far-end frame above which the manager is playing
BLOCK_FRAMES = 10  # 100 ms
BLOCKS_KEPT = 50  # 5 s of the manager's voice behind `worst_erle_db`
WORST = 0.2  # its 20th percentile: the canceller's bad moments, not the caller talking over (rarer)
# What is left of the echo relative to what the speaker played, measured directly per block (output
# energy over the far end's at the measured delay), not as the echo's level less the ERLE: the echo's
# level is measured about once a second, so after the volume went down it was stale for a few
# seconds, the residue read as much as 13 dB too loud, and the echo gate held a caller talking over
# the manager back until their first words were gone (docs/echo.md, round 3).


class EchoStats:
    def __init__(self) -> None:
        self.audible_s = 0.0  # seconds of the manager's voice the canceller has seen
        self._sum_in = self._sum_out = 0.0  # energies summed once learnt
        self._block = [0.0, 0.0, 0, 0.0]  # energies in, out, frames, and far end of the current block
        self._blocks: deque[float] = deque(maxlen=BLOCKS_KEPT)  # ERLE (dB) of recent blocks, once learnt
        self._all: list[float] = []  # every block's ERLE since learning (10 a second of the manager)
        self._residues: deque[float] = deque(maxlen=BLOCKS_KEPT)  # output over far end (dB), recent blocks

    def frame(self, near: np.ndarray, out: np.ndarray, heard: np.ndarray, seconds: float) -> None:
        """One frame: the raw microphone, the cleaned output, the far end in this frame's echo."""
        far = heard.astype(np.float64)
        e_far = float(np.dot(far, far))
        if np.sqrt(e_far / max(1, len(far))) <= AUDIBLE_RMS:
            return
        self.audible_s += seconds
        if self.audible_s < LEARN_S:
            return
        n, o = near.astype(np.float64), out.astype(np.float64)
        e_in, e_out = float(np.dot(n, n)), float(np.dot(o, o))
        self._sum_in += e_in
        self._sum_out += e_out
        block = self._block
        block[0] += e_in
        block[1] += e_out
        block[2] += 1
        block[3] += e_far
        if block[2] == BLOCK_FRAMES:
            self._blocks.append(float(10 * np.log10((block[0] + 1.0) / (block[1] + 1.0))))
            self._residues.append(float(10 * np.log10((block[1] + 1.0) / (block[3] + 1.0))))
            self._all.append(self._blocks[-1])
            self._block = [0.0, 0.0, 0, 0.0]

    @property
    def learning(self) -> bool:
        return self.audible_s < LEARN_S

    @property
    def worst_erle_db(self) -> float | None:
        """How little the canceller took off in its bad moments lately (20th percentile of 100 ms blocks)."""
        return float(np.quantile(np.array(self._blocks), WORST)) if self._blocks else None

    @property
    def residue_db(self) -> float | None:
        """How loud the echo left after cancelling is, relative to what the speaker played, in the
        canceller's bad moments lately (the 80th percentile of recent 100 ms blocks)."""
        return float(np.quantile(np.array(self._residues), 1 - WORST)) if self._residues else None

    @property
    def median_erle_db(self) -> float | None:
        """The call's figure: the median 100 ms block since learning (the caller talking over is a minority)."""
        return float(np.median(self._all)) if self._all else None

    @property
    def converged_erle_db(self) -> float | None:
        """ERLE over all of the manager's voice after the first LEARN_S (double-talk included)."""
        if self._sum_out <= 0 or self._sum_in <= 0:
            return None
        return float(10 * np.log10(self._sum_in / self._sum_out))
