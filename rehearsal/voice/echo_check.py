"""How much of the speaker reaches the microphone: the echo test behind Settings' mic test.

A one-second sine sweep is played through the speaker while the microphone records; the sweep
is found in the recording by cross-correlation (which also gives the speaker-to-mic delay),
and the energy that arrived, less the room's noise measured just before, is compared with the
energy played. The result is a level in dB (0 dB: the echo is as loud as what was played) and
one piece of advice, said once and plainly (`EchoReport.message`).

Thresholds, from the measurements in docs/echo.md: without a canceller the echo gate copes
up to about -13 dB and fails from about -9 dB (issue #15); with the canceller whole calls were
clean up to -6 dB in every run and not always at 0 dB, so from -5 dB the user is asked to turn
the volume down.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

import numpy as np

from rehearsal.voice.interfaces import SAMPLE_RATE, Audio

SWEEP_S = 1.0
SWEEP_HZ = (200.0, 6000.0)  # the band where speech (and laptop speakers) live
SWEEP_PEAK = 0.3  # -10 dBFS: loud enough to measure, not a shock at normal volume
NOISE_S = 0.4  # recorded before the sweep: the room's own noise
TAIL_S = 0.7  # recorded after it: the longest delay looked for plus the room's ring
RING_S = 0.2  # energy counted past the sweep's end
SWEEPS = 2
NO_ECHO_DB = -40.0  # below this nothing usable of the sweep came back
MIN_NCC = 0.2  # normalised correlation below which the sweep was not found
# Whole calls through the canceller, round 2 (docs/echo.md): clean at -13, -9 and -6 dB in every run
# (15 calls); at 0 dB a reply came out as two turns in 3 of 13 calls through all four levels, so from
# -5 dB (a -6 dB loop read -6.0..-6.5 dB) the user is asked to turn the volume down.
CANCELLER_COPES_DB = -5.0
MAX_WITH_CANCELLER_DB = 6.0  # beyond, the echo is twice as loud as what was played: headphones
GATE_COPES_DB = -15.0
REMEMBERED = "echo.json"  # in the config folder: the last echo test's delay, the call's first guess


class Advice(enum.Enum):
    NO_ECHO = "no_echo"
    CANCELLER_ENOUGH = "canceller_enough"
    LOWER_VOLUME = "lower_volume"
    HEADPHONES = "headphones"


@dataclass(frozen=True, slots=True)
class EchoReport:
    level_db: float  # echo energy relative to the sweep played (-inf: none found)
    delay_ms: float | None  # speaker to microphone, on the app's clocks
    advice: Advice
    canceller: bool  # whether the echo canceller is installed (the advice depends on it)

    @property
    def message(self) -> str:
        level = "no echo" if self.level_db == float("-inf") else f"echo at {round(self.level_db) + 0:d} dB"
        install = "" if self.canceller else " Installing echo cancellation (pip install 'rehearsal[echo]') helps too."
        return {
            Advice.NO_ECHO: f"The microphone does not hear the speaker ({level}): nothing to do.",
            Advice.CANCELLER_ENOUGH: f"The microphone hears the speaker ({level}); echo cancellation takes it out.",
            Advice.LOWER_VOLUME: f"The microphone hears the speaker ({level}). Turn the speaker volume down "
                                 "a little, or use headphones." + install,
            Advice.HEADPHONES: f"The microphone hears the speaker almost as loud as you ({level}). Use headphones "
                               "(or turn the volume well down), or the manager may hear itself as you." + install,
        }[self.advice]


def advise(level_db: float, canceller: bool) -> Advice:
    if level_db < NO_ECHO_DB:
        return Advice.NO_ECHO
    if canceller:
        if level_db <= CANCELLER_COPES_DB:
            return Advice.CANCELLER_ENOUGH
        return Advice.LOWER_VOLUME if level_db <= MAX_WITH_CANCELLER_DB else Advice.HEADPHONES
    return Advice.LOWER_VOLUME if level_db <= GATE_COPES_DB else Advice.HEADPHONES


def sweep(rate: int = SAMPLE_RATE) -> np.ndarray:
    """An exponential sine sweep over SWEEP_HZ, faded in and out (float, peak SWEEP_PEAK)."""
    t = np.arange(int(SWEEP_S * rate)) / rate
    f0, f1 = SWEEP_HZ
    k = np.log(f1 / f0)
    signal = np.sin(2 * np.pi * f0 * SWEEP_S / k * (np.exp(t / SWEEP_S * k) - 1))
    fade = np.minimum(1.0, np.minimum(t, SWEEP_S - t) / 0.02)
    return SWEEP_PEAK * signal * fade


def analyse(recorded: np.ndarray, reference: np.ndarray, sweep_at: float) -> tuple[float, float | None]:
    """(echo level dB, delay s) of `reference` in `recorded` (both float at SAMPLE_RATE).

    `sweep_at`: seconds into `recorded` at which the sweep was played; noise is measured before it.
    """
    start = int(sweep_at * SAMPLE_RATE)
    noise = recorded[: max(1, start - SAMPLE_RATE // 20)]
    tail = recorded[start:]
    if len(tail) < len(reference):
        return float("-inf"), None
    size = 1 << int(np.ceil(np.log2(len(tail) + len(reference))))
    corr = np.fft.irfft(np.fft.rfft(tail, size) * np.conj(np.fft.rfft(reference, size)), size)
    lags = len(tail) - len(reference) + 1
    energy = np.concatenate([[0.0], np.cumsum(tail ** 2)])
    windows = energy[len(reference) : len(reference) + lags] - energy[:lags]
    ncc = corr[:lags] / np.sqrt(np.maximum(windows, 1e-12) * float(np.dot(reference, reference)))
    lag = int(np.argmax(ncc))
    if ncc[lag] < MIN_NCC:
        return float("-inf"), None
    # All the energy from the sweep's arrival to RING_S past its end: the room's ring counts as
    # echo, and an underrun that splits the sweep on a busy machine loses nothing.
    heard = tail[lag : lag + len(reference) + int(RING_S * SAMPLE_RATE)]
    arrived = float(np.sum(heard ** 2)) - float(np.mean(noise ** 2)) * len(heard)
    played = float(np.sum(reference ** 2))
    if arrived <= 0:
        return float("-inf"), None
    return 10 * np.log10(arrived / played), lag / SAMPLE_RATE


class _FarEnd:
    """Keeps the speaker's DAC time of the sweep's first block (EchoReferenceSpeaker calls it)."""

    def __init__(self) -> None:
        self.first_sound: float | None = None

    def far_end(self, pcm: bytes, played_at: float, rate: int = SAMPLE_RATE) -> None:
        if self.first_sound is None and any(pcm):
            self.first_sound = played_at


def measure_echo(settings=None, *, canceller: bool | None = None) -> EchoReport:
    """Play the sweep through the configured speaker, record the configured mic, report.

    The sweep is played SWEEPS times and the loudest reading kept: an underrun on a busy
    machine can only push part of a sweep out of its window (lower a reading), never add echo.
    Raises VoiceUnavailable (a sentence) when either device cannot be opened.
    """
    from rehearsal.voice import devices
    from rehearsal.voice.echo_devices import EchoReferenceSpeaker
    from rehearsal.voice.microphone import create_microphone

    if canceller is None:
        canceller = canceller_installed()
    output = devices.resolve(settings.output_device if settings else None, "output")
    mic = create_microphone(settings)
    mic.start()
    speaker = None
    readings = []
    try:
        for _ in range(SWEEPS):
            far = _FarEnd()
            speaker = EchoReferenceSpeaker(far, output.index)
            readings.append(_one_sweep(mic, speaker, far))
            speaker.close()
            speaker = None
    finally:
        mic.stop()
        if speaker is not None:
            speaker.close()
    level_db, delay_ms = max(readings, key=lambda r: r[0])
    report = EchoReport(level_db, delay_ms, advise(level_db, canceller), canceller)
    remember(report, settings)
    return report


def _devices(settings) -> list:
    return [getattr(settings, "input_device", None), getattr(settings, "output_device", None)]


def remember(report: EchoReport, settings=None) -> None:
    """Keep the measured delay for these devices: the next call's canceller starts from it
    (`remembered_delay_ms`) instead of the clocks alone. A file that cannot be written is no loss."""
    import json

    from rehearsal.paths import config_dir

    if report.delay_ms is None:
        return
    try:
        config_dir().mkdir(parents=True, exist_ok=True)
        (config_dir() / REMEMBERED).write_text(json.dumps(
            {"delay_ms": report.delay_ms, "level_db": report.level_db, "devices": _devices(settings)}))
    except OSError:
        pass


def remembered_delay_ms(settings=None) -> float | None:
    """The delay the last echo test measured on these devices (None: never tested, or other devices)."""
    import json

    from rehearsal.paths import config_dir

    try:
        saved = json.loads((config_dir() / REMEMBERED).read_text())
        delay = float(saved["delay_ms"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return delay if saved.get("devices") == _devices(settings) and 0 <= delay <= 1000 else None


def _one_sweep(mic, speaker, far: _FarEnd) -> tuple[float, float | None]:
    reference = sweep()
    chunks = _record(mic, NOISE_S)
    playback = speaker.play(Audio((reference * 32767).astype("<i2").tobytes(), SAMPLE_RATE))
    chunks += _record(mic, SWEEP_S + TAIL_S)
    playback.wait(1.0)
    recorded = np.frombuffer(b"".join(c.pcm for c in chunks), dtype="<i2").astype(np.float64) / 32768
    first = chunks[0].at - chunks[0].seconds if chunks else 0.0
    sweep_at = (far.first_sound - first) if far.first_sound else NOISE_S  # in the recording, by the clocks
    search_from = max(0.0, min(sweep_at, NOISE_S + 0.2) - 0.05)  # a little early: the clocks are not exact
    level_db, lag = analyse(recorded, reference, search_from)
    return level_db, None if lag is None else (search_from + lag - sweep_at) * 1000


def _record(mic, seconds: float) -> list:
    chunks = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        chunk = mic.read(0.05)
        if chunk is not None:
            chunks.append(chunk)
    return chunks


def canceller_installed() -> bool:
    from importlib.util import find_spec

    return find_spec("pywebrtc_audio") is not None
