"""Real echo through the virtual audio stack, recorded once and measured (tests and benchmarks).

`loopback(level_db)` routes the virtual speaker back into the virtual microphone (PulseAudio
`module-loopback`, as in /work/shared/virtual-audio.md) and always unloads it again. `record`
plays the manager's lines through the real speaker (with its far-end tap) while a caller talks
into the virtual mic over the second line (double-talk) and a little past it, and keeps
everything the canceller was given, stamped, so the same take can be replayed through any
canceller (`replay`). `measure` splits the take by what is known: the caller's audio is found in
the raw microphone by correlation, the echo is the rest.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from dataclasses import dataclass, field

import numpy as np


RATE = 16_000
FRAME = 160  # 10 ms
QUIET = 30.0  # int16 RMS of a 10 ms frame below which nothing is there


def _pactl(*args: str) -> str:
    return subprocess.run(["pactl", *args], check=True, capture_output=True, text=True, timeout=10).stdout


@contextlib.contextmanager
def loopback(level_db: float, latency_ms: int = 30):
    """The virtual speaker heard by the virtual mic at `level_db` (0 = as loud as played): the
    recipe of issue #15 (module defaults otherwise: it re-tunes its rate every 10 s)."""
    module = _pactl("load-module", "module-loopback", "source=vspeaker.monitor", "sink=vmic_in",
                    f"latency_msec={latency_ms}", "source_dont_move=true", "sink_dont_move=true").strip()
    try:
        inputs = [str(s["index"]) for s in json.loads(_pactl("-f", "json", "list", "sink-inputs"))
                  if str(s.get("owner_module")) == module]
        assert inputs, f"module-loopback {module} has no sink input"
        for sink_input in inputs:
            _pactl("set-sink-input-volume", sink_input, f"{level_db:.1f}dB")
        time.sleep(0.5)  # the module starts with a long buffer and shrinks it to latency_msec
        yield module
    finally:
        _pactl("unload-module", module)


def set_level(module: str, level_db: float) -> None:
    """Turn the loopback `module` (from `loopback`) to `level_db`, as a user turns the volume."""
    for s in json.loads(_pactl("-f", "json", "list", "sink-inputs")):
        if str(s.get("owner_module")) == module:
            _pactl("set-sink-input-volume", str(s["index"]), f"{level_db:.1f}dB")


def loopbacks_loaded() -> int:
    return sum("module-loopback" in line for line in _pactl("list", "short", "modules").splitlines())


class Recorder:
    """A canceller wrapper that keeps what it is given (and passes it on), for `replay`."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.far: list[tuple[bytes, float, int, float]] = []  # pcm, played_at, rate, handed over at
        self.near: list[tuple[bytes, float, float]] = []  # pcm, captured_at, handed over at
        self.cleaned = bytearray()

    def far_end(self, pcm: bytes, played_at: float, rate: int = RATE) -> None:
        self.far.append((pcm, played_at, rate, time.monotonic()))
        self.inner.far_end(pcm, played_at, rate)

    def near_end(self, pcm: bytes, captured_at: float) -> bytes:
        self.near.append((pcm, captured_at, time.monotonic()))
        out = self.inner.near_end(pcm, captured_at)
        self.cleaned += out
        return out

    @property
    def delay_ms(self):
        return self.inner.delay_ms


@dataclass
class Take:
    level_db: float
    far: list = field(default_factory=list)
    near: list = field(default_factory=list)
    caller: bytes = b""
    cleaned: bytes = b""  # from the canceller that ran live
    delay_ms: float | None = None

    @property
    def raw(self) -> bytes:
        return b"".join(pcm for pcm, _, _ in self.near)


def record(level_db: float | None, lines: list, caller: bytes, canceller, *, latency_ms: int = 30,
           overlap_s: float = 1.2) -> Take:
    """Play `lines` (Audio) one after another, the caller starting `overlap_s` before the last ends."""
    from rehearsal.voice.echo_devices import EchoCancelledMicrophone, EchoReferenceSpeaker
    from rehearsal.voice.microphone import SoundDeviceMicrophone

    rec = Recorder(canceller)
    ctx = loopback(level_db, latency_ms) if level_db is not None else contextlib.nullcontext()
    with ctx:
        speaker = EchoReferenceSpeaker(rec)
        mic = EchoCancelledMicrophone(SoundDeviceMicrophone(), rec)
        voice = None
        try:
            mic.start()
            _listen(mic, 0.4)
            for i, line in enumerate(lines):
                playback = speaker.play(line)
                if i == len(lines) - 1:
                    _listen(mic, max(0.0, line.seconds - overlap_s))
                    voice = _say(caller)  # paplay sends it all ahead: no underrun on a busy machine
                while not playback.done:
                    _listen(mic, 0.05)
                _listen(mic, 0.3)
            _listen(mic, max(0.0, len(caller) / 2 / RATE - overlap_s) + 0.6)
        finally:
            mic.stop()
            speaker.close()
            if voice is not None:
                voice.wait(10)
    return Take(level_db if level_db is not None else float("-inf"), rec.far, rec.near, caller,
                bytes(rec.cleaned), rec.delay_ms)


def _say(pcm: bytes) -> subprocess.Popen:
    player = subprocess.Popen(["pacat", "--playback", "--device=vmic_in", f"--rate={RATE}", "--channels=1",
                               "--format=s16le", "--raw", "--latency-msec=2000"], stdin=subprocess.PIPE)
    player.stdin.write(pcm + b"\0" * (RATE // 5 * 2))
    player.stdin.close()
    return player


def _listen(mic, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        mic.read(0.02)


def replay(take: Take, canceller) -> bytes:
    """The take's microphone cleaned by `canceller`, given far and near in the order they came."""
    far = iter(sorted(take.far, key=lambda f: f[3]))
    pending = next(far, None)
    out = bytearray()
    for pcm, captured_at, handed_at in take.near:
        while pending is not None and pending[3] <= handed_at:
            canceller.far_end(pending[0], pending[1], pending[2])
            pending = next(far, None)
        out += canceller.near_end(pcm, captured_at)
    return bytes(out)


@dataclass(frozen=True)
class Figures:
    echo_db: float  # echo level in the microphone relative to the far end (dB)
    erle_db: float  # echo return loss enhancement while only the manager speaks
    caller_kept_db: float  # the caller's speech in the output relative to the input, during double-talk
    caller_corr: float  # correlation of the output with the caller's speech, during double-talk
    caller_alone_db: float  # the same gain once the manager has stopped


def _frames(x: np.ndarray) -> np.ndarray:
    n = len(x) // FRAME
    return x[: n * FRAME].reshape(n, FRAME)


def measure(take: Take, cleaned: bytes | None = None, shift: int = 128, after_s: float = 0.0) -> Figures:
    """Figures for `cleaned` (default: the live output), which lags the microphone by `shift` samples;
    the echo loss only from `after_s` seconds into the take (to leave out the canceller's first steps)."""
    raw = np.frombuffer(take.raw, dtype="<i2").astype(np.float64)
    out = np.frombuffer(cleaned if cleaned is not None else take.cleaned, dtype="<i2").astype(np.float64)
    out = out[shift:]  # a canceller holds audio back a little (AEC3: 128 samples, 8 ms)
    caller = np.frombuffer(take.caller, dtype="<i2").astype(np.float64)
    c = np.zeros_like(raw)
    at = _find(raw, caller)
    c[at : at + len(caller)] = caller[: len(raw) - at]
    echo = raw - c
    n = min(len(raw), len(out)) // FRAME * FRAME
    fe, fc, fo = (np.sqrt(np.mean(_frames(x[:n]) ** 2, axis=1)) for x in (echo, c, out))
    only_echo = (fe > 10 * QUIET) & (fc < QUIET) & (np.arange(len(fe)) * FRAME >= after_s * RATE)
    talk = (fc > 10 * QUIET)
    double = talk & (fe > 10 * QUIET)
    alone = talk & (fe < QUIET)
    far = np.concatenate([np.frombuffer(p, dtype="<i2") for p, _, r, _ in take.far if r == take.far[0][2]])
    far_frames = np.sqrt(np.mean(_frames(far.astype(np.float64)) ** 2, axis=1))
    far_rms = float(np.sqrt(np.mean(far_frames[far_frames > 10 * QUIET] ** 2)))

    def gain(mask: np.ndarray) -> tuple[float, float]:
        idx = np.repeat(mask, FRAME)
        o, k = out[:n][idx], c[:n][idx]
        if not len(k):
            return float("nan"), float("nan")
        g = float(np.dot(o, k) / max(np.dot(k, k), 1e-9))
        return 20 * np.log10(max(g, 1e-6)), float(np.corrcoef(o, k)[0, 1])

    kept, corr = gain(double)
    alone_db, _ = gain(alone)
    e_in = np.sum(fe[only_echo] ** 2)
    e_out = np.sum(fo[only_echo] ** 2)
    speech = fe[only_echo]
    return Figures(echo_db=20 * np.log10(np.sqrt(np.mean(speech ** 2)) / far_rms) if len(speech) else float("-inf"),
                   erle_db=10 * np.log10(e_in / max(e_out, 1e-9)) if len(speech) else float("nan"),
                   caller_kept_db=kept, caller_corr=corr, caller_alone_db=alone_db)


def _find(haystack: np.ndarray, needle: np.ndarray) -> int:
    size = 1 << int(np.ceil(np.log2(len(haystack) + len(needle))))
    corr = np.fft.irfft(np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle, size)), size)
    return int(np.argmax(corr[: max(1, len(haystack) - len(needle) + 1)]))



def caller_at(take: Take) -> int:
    """Where (samples into the raw microphone) the caller started talking."""
    raw = np.frombuffer(take.raw, dtype="<i2").astype(np.float64)
    return _find(raw, np.frombuffer(take.caller, dtype="<i2").astype(np.float64))


def final_delay_ms(take: Take, window_s: float = 2.0) -> float | None:
    """The speaker-to-mic delay in the last `window_s` before the caller spoke, measured offline
    over the take as a whole (the far end placed as the canceller does, the microphone by its
    sample count from its earliest stamp), as a reference for the live estimate."""
    from rehearsal.voice.echo import WebRtcEchoCanceller, _Stream
    from rehearsal.voice.echo_delay import DelayEstimator

    placer = WebRtcEchoCanceller()
    placer._far = far = _Stream(history_s=120.0)
    for pcm, played_at, rate, _ in take.far:
        placer.far_end(pcm, played_at, rate)
    placer._take_far()
    counted, late = 0, []
    for pcm, captured_at, _ in take.near:
        counted += len(pcm) // 2
        late.append(captured_at - counted / RATE)
    start = min(late)
    end = caller_at(take)
    begin = max(0, end - int(window_s * RATE))
    raw = np.frombuffer(take.raw, dtype="<i2").astype(np.float32)[begin:end]
    found = DelayEstimator().measure(raw, start + begin / RATE, far)
    return None if found is None else found * 1000
