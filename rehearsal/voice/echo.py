"""Acoustic echo cancellation: the manager's own voice taken back out of the caller's microphone.

On laptop speakers the manager's voice reaches the microphone a few tens of milliseconds after
it is played, sometimes as loud as the caller. The canceller is told exactly what the speaker
played and when (`far_end`, from the speaker's audio callback: it only queues), and cleans each
microphone chunk (`near_end`, on the consumer's thread) before voice activity, turn ending and
recognition see it.

Timing is done in two steps. Both streams carry time.monotonic() stamps, so the far end is first
lined up with the microphone by clock; what the clocks do not know (the room, the sound
server's buffers, the microphone's input latency) is then measured by cross-correlating the
far end against the microphone (`DelayEstimator`, re-run every second while the manager speaks,
so a drifting delay is followed). The adaptive filter itself is WebRTC's AEC3 (through
`pywebrtc-audio`; see docs/echo.md for the measurements behind that choice), fed the far end
`LEAD_MS` early so the small error left is a causal delay its own estimator finds. The
alignment is moved only when the measured delay leaves what AEC3 follows itself (each move makes
it start over), and a frame AEC3 left as it was, which the far end fully explains, is silenced
(`_suppress`), so a moved delay it has not caught up with is not taken for the caller.

The engine is optional (`pip install rehearsal[echo]`); without it `create_echo_canceller`
says so in a sentence and returns the pass-through, so the app runs as before.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Literal, Protocol

import numpy as np

from rehearsal.voice.echo_backends import BACKENDS, Backend, BackendName, load_backend
from rehearsal.voice.echo_delay import DelayEstimator
from rehearsal.voice.echo_stats import EchoStats
from rehearsal.voice.echo_stream import _Stream
from rehearsal.voice.interfaces import SAMPLE_RATE, VoiceUnavailable

FRAME = SAMPLE_RATE // 100  # the canceller works on 10 ms frames
LEAD_MS = 30  # the far end goes in this much early: AEC3 models a causal delay and finds the rest itself
# (30-40 ms gave the best ERLE on a -9 dB take; 0 ms lost ~9 dB, 60+ ms lost more: docs/echo.md)
FAR_SNAP_S = 0.002  # the speaker's DAC stamps are exact to ~0.1 ms: a step beyond this is an underrun
MIC_JUMP_S = 0.5  # a microphone stamp this far off its sample count: the stream was drained or restarted
MIC_WINDOW = 100  # chunks (~2 s) over which the earliest microphone stamp is taken as the true one
# The far end's alignment moves only when the measured delay leaves what AEC3 follows by itself:
# every move makes AEC3 start over (scripted -3 dB echo: ~1 s of near-raw echo after each move,
# none when the alignment stays put; docs/echo.md). Early by up to LEAD_MS - CAUSAL_MARGIN_MS
# and late by up to FOLLOWS_S, AEC3's own delay estimator copes (it cancels up to ~0.45 s).
CAUSAL_MARGIN_MS = 5
FOLLOWS_S = 0.25
# What AEC3 leaves uncancelled and the far end explains is not let through (`_suppress`). Seen in
# whole calls at -6/0 dB: the loopback's delay moved 20 -> 45-250 ms while the caller talked, and
# for the next line's first ~0.2 s AEC3 let the echo through untouched; taken for the caller going
# on, it stopped the line, again and again (a 14-50 s loop).
SUPPRESS_EARLY_S = 0.04  # the far end looked at, around the measured delay: this much earlier ...
SUPPRESS_LATE_S = 0.25  # ... to this much later (a delay that moved and is not measured yet)
UNCANCELLED = 0.5  # the output keeps this share of the microphone: AEC3 is not cancelling this frame
EXPLAINED = 1.25  # the microphone is within this factor of the echo the far end predicts: no caller in it

EchoMode = Literal["auto", "on", "off"]


class EchoCanceller(Protocol):
    """Takes what the speaker plays back out of what the microphone hears."""

    def far_end(self, pcm: bytes, played_at: float, rate: int = SAMPLE_RATE) -> None:
        """`pcm` (int16 mono at `rate`) reached the speaker, its first sample at `played_at`
        (time.monotonic()). Cheap and lock-light: called from the speaker's audio callback."""
        ...

    def near_end(self, pcm: bytes, captured_at: float) -> bytes:
        """Clean a microphone chunk (int16 mono at SAMPLE_RATE) whose last sample was captured
        at `captured_at`; returns the same number of bytes."""
        ...

    @property
    def delay_ms(self) -> float | None:
        """The speaker-to-microphone delay measured so far (None before the first measurement)."""
        ...


class PassThrough:
    """No canceller: the microphone as it is (headphones, or echo cancellation switched off)."""

    name = "off"

    def far_end(self, pcm: bytes, played_at: float, rate: int = SAMPLE_RATE) -> None:
        return None

    def near_end(self, pcm: bytes, captured_at: float) -> bytes:
        return pcm

    @property
    def delay_ms(self) -> float | None:
        return None


class Unprocessed:
    """A backend that leaves the microphone as it is: the timing and the echo meter without cancelling
    (echo cancellation off or not installed, so the call can still say how loud the echo is)."""

    name = "off"
    latency = 0

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        return near


class WebRtcEchoCanceller:
    """Clock alignment + measured delay + a maintained adaptive canceller (AEC3 by default)."""

    def __init__(self, backend: Backend | BackendName = "webrtc", *, estimate_delay: bool = True) -> None:
        # backend=Unprocessed(): the same timing and echo meter, the microphone left as it is.
        self._backend = load_backend(backend) if isinstance(backend, str) else backend
        self.name = self._backend.name
        self.latency_samples = self._backend.latency
        self._queue: deque[tuple[bytes, float, int]] = deque()  # filled by the audio callback
        self._resamplers: dict[int, object] = {}
        self._far = _Stream()
        self._far_next: float | None = None  # where the speaker's count puts its next block
        self._near_t: float | None = None  # capture time of the next near-end sample, by count
        self._mic_late: deque[float] = deque(maxlen=MIC_WINDOW)  # stamp minus count, recent chunks
        self._pending = np.zeros(0, dtype=np.int16)  # near-end samples short of a whole frame
        self._pending_t = 0.0
        self._out = bytearray()
        self._lock = threading.Lock()
        self._estimator = DelayEstimator() if estimate_delay else None
        self._delay_s: float | None = None  # measured
        self._aligned_s = 0.0  # in use for lining up the far end (moved only when AEC3 could not follow)
        self.realignments = 0
        self.suppressed = 0  # frames `_suppress` silenced
        self.stats = EchoStats()

    # -- the far end (speaker callback thread) -------------------------------------------

    def far_end(self, pcm: bytes, played_at: float, rate: int = SAMPLE_RATE) -> None:
        self._queue.append((pcm, played_at, rate))  # deque.append is atomic: no lock in the callback

    def _take_far(self) -> None:
        """Place the queued speaker blocks on the far-end timeline.

        The speaker's stamps (PortAudio's DAC time) are exact to ~0.1 ms and step only when
        playback fell behind (an underrun the sound server filled with silence). Steps are found
        on the speaker's own sample count (a resampler's output comes in uneven lumps), and
        the timeline is moved by the same amount.
        """
        while self._queue:
            pcm, at, rate = self._queue.popleft()
            samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
            step = 0.0 if self._far_next is None else at - self._far_next
            self._far_next = at + len(samples) / rate
            if rate != SAMPLE_RATE:
                samples = self._resampler(rate).resample_chunk(samples)
            if self._far.t0 is None:
                self._far.add(samples.astype(np.float32), at)
            else:
                moved = abs(step) > FAR_SNAP_S
                self._far.add(samples.astype(np.float32), self._far.end_time + step if moved else None)

    def _resampler(self, rate: int):
        if rate not in self._resamplers:
            import soxr

            self._resamplers[rate] = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="int16")
        return self._resamplers[rate]

    # -- the near end (consumer thread) --------------------------------------------------

    @property
    def delay_ms(self) -> float | None:
        return None if self._delay_s is None else self._delay_s * 1000

    @property
    def learning(self) -> bool:
        """Still learning the room (an unprocessed backend never learns)."""
        return self.name != "off" and self.stats.learning

    @property
    def worst_erle_db(self) -> float | None:
        return self.stats.worst_erle_db

    @property
    def residue_db(self) -> float | None:
        return self.stats.residue_db

    @property
    def converged_erle_db(self) -> float | None:
        return self.stats.converged_erle_db

    @property
    def median_erle_db(self) -> float | None:
        return self.stats.median_erle_db

    @property
    def echo_db(self) -> float | None:
        """The echo's level in the microphone relative to what the speaker played (dB), last measured."""
        gain = self._estimator.gain if self._estimator is not None else None
        return None if not gain else float(20 * np.log10(gain))

    @property
    def echo_undecided(self) -> bool:
        """The manager has been heard, but whether their voice comes back is not known yet (the
        quick check takes ~0.1-0.4 s of it: echo_delay.py)."""
        e = self._estimator
        return e is not None and e.far_heard_s > 0 and not (e.quick_found or e.ruled_out)

    @property
    def echo_measurements(self) -> int:
        return self._estimator.measurements if self._estimator is not None else 0

    def set_delay_ms(self, delay_ms: float) -> None:
        """Use a delay measured elsewhere (the Settings echo test) until the canceller measures its own."""
        self._delay_s = self._aligned_s = delay_ms / 1000

    def near_end(self, pcm: bytes, captured_at: float) -> bytes:
        with self._lock:
            self._take_far()
            samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
            start = captured_at - len(samples) / SAMPLE_RATE
            self._place_near(start)
            if not len(self._pending):
                self._pending_t = self._near_t
            self._near_t += len(samples) / SAMPLE_RATE
            self._pending = np.concatenate([self._pending, samples])
            while len(self._pending) >= FRAME:
                frame, self._pending = self._pending[:FRAME], self._pending[FRAME:]
                self._out += self._frame(frame, self._pending_t).tobytes()
                self._pending_t += FRAME / SAMPLE_RATE
            # Output is as long as the input: the first call may hold back <10 ms, paid back later.
            n = min(len(self._out), len(pcm))
            cleaned, self._out = bytes(self._out[:n]), self._out[n:]
        return b"\0" * (len(pcm) - n) + cleaned

    def _place_near(self, start: float) -> None:
        """Microphone stamps come from its callback: late by a jittery 0-50 ms, never early. So the
        sample count is followed, shifted to the earliest stamp of the last ~2 s."""
        if self._near_t is None or abs(start - self._near_t) > MIC_JUMP_S:
            self._near_t = start
            self._mic_late.clear()
        self._mic_late.append(start - self._near_t)
        earliest = min(self._mic_late)
        if earliest:
            self._near_t += earliest
            self._mic_late = deque((d - earliest for d in self._mic_late), maxlen=MIC_WINDOW)

    def _suppress(self, near: np.ndarray, out: np.ndarray, at: float) -> np.ndarray:
        """Silence a frame AEC3 did not cancel when the far end explains all of it (a double-talk check
        by level: a caller adds energy the echo path cannot). The predicted echo is the echo's measured
        gain times the loudest 10 ms of the far end over a span of delays, so a delay that has moved
        is still covered; a caller quieter than ~0.75x the echo in such a frame is lost with it."""
        gain = self._estimator.latest_gain if self._estimator is not None else None  # re-read every 0.25 s
        if self.name == "off" or not gain or gain < 0.1 or self._delay_s is None:
            return out
        n_in = float(np.sqrt(np.mean(near.astype(np.float64) ** 2)))
        n_out = float(np.sqrt(np.mean(out.astype(np.float64) ** 2)))
        if n_out < UNCANCELLED * n_in:
            return out
        span = self._far.window(at - self._delay_s - SUPPRESS_LATE_S,
                                int((SUPPRESS_LATE_S + SUPPRESS_EARLY_S) * SAMPLE_RATE) + FRAME)
        frames = span[: len(span) // FRAME * FRAME].reshape(-1, FRAME).astype(np.float64)
        predicted = gain * float(np.sqrt(np.max(np.mean(frames ** 2, axis=1))))
        if n_in < EXPLAINED * predicted:
            self.suppressed += 1
            return np.zeros_like(out)
        return out

    def _realign(self, measured: float) -> None:
        """Move the alignment only if the echo now comes too early (AEC3 models a causal delay) or
        too late for AEC3 to follow on its own."""
        early = measured < self._aligned_s - (LEAD_MS - CAUSAL_MARGIN_MS) / 1000
        if early or measured > self._aligned_s + FOLLOWS_S:
            self._aligned_s = measured
            self.realignments += 1

    def _frame(self, near: np.ndarray, at: float) -> np.ndarray:
        if self._estimator is not None:
            measured = self._estimator.observe(near, at, self._far)
            if measured is not None:
                self._delay_s = measured
                self._realign(measured)
        delay = self._aligned_s - LEAD_MS / 1000
        far = self._far.window(at - delay, FRAME)
        out = self._suppress(near, self._backend.process(near, np.clip(far, -32768, 32767).astype(np.int16)), at)
        heard = self._far.window(at - (self._delay_s or 0.0), FRAME)  # what is in this frame's echo
        self.stats.frame(near, out, heard, FRAME / SAMPLE_RATE)
        return out


def create_echo_canceller(mode: EchoMode = "auto", backend: BackendName = "webrtc",
                          warn=None) -> EchoCanceller:
    """The canceller for `mode`: "off" passes through; "auto" falls back to the pass-through
    (telling `warn` why, once) when the engine is not installed; "on" raises VoiceUnavailable."""
    if mode == "off":
        return PassThrough()
    try:
        return WebRtcEchoCanceller(backend)
    except VoiceUnavailable as exc:
        if mode == "on":
            raise
        if warn is not None:
            warn(str(exc))
        return PassThrough()


__all__ = ["BACKENDS", "EchoCanceller", "EchoMode", "PassThrough", "Unprocessed", "WebRtcEchoCanceller",
           "create_echo_canceller"]
