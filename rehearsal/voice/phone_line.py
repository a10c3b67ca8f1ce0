"""The manager's voice as it sounds down a phone line: narrow band, G.711 grain, a little hiss.

A landline carries roughly 300-3400 Hz and quantises speech with 8-bit mu-law; the far end
adds a faint noise floor. All three are applied to a rendered line (offline, the whole line
at once), so the cost lands in the render that happens ahead of time, not in playback.
The noise comes from a generator seeded by the line's own samples: the same line always
sounds the same, so caches, recordings and tests are reproducible.
"""

from __future__ import annotations

import zlib

import numpy as np

from rehearsal.voice.interfaces import Audio

LOW_HZ, HIGH_HZ = 300.0, 3400.0
EDGE_HZ = 150.0  # width of the cosine slope at each band edge: no ringing from a brick wall
NOISE_DBFS = -52.0  # audible in the pauses, far below the speech
LEVEL = 0.7  # peak after filtering: a phone is a little quieter than the full-band voice
MU = 255.0


def phone_line(audio: Audio, *, seed: int | None = None) -> Audio:
    """The line as heard through a telephone. Same length and rate as the input."""
    if not audio.pcm:
        return audio
    x = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64) / 32768.0
    y = _band_pass(x, audio.rate)
    peak = float(np.max(np.abs(y))) or 1.0
    y *= LEVEL / peak
    y = _mu_law(y)
    rng = np.random.default_rng(zlib.crc32(audio.pcm) if seed is None else seed)
    y += rng.normal(0.0, 10 ** (NOISE_DBFS / 20), len(y))
    pcm = np.clip(np.round(y * 32767.0), -32768, 32767).astype("<i2").tobytes()
    return Audio(pcm, audio.rate)


def _band_pass(x: np.ndarray, rate: int) -> np.ndarray:
    n = len(x)
    size = 1 << max(1, int(n - 1).bit_length())  # zero-padded: no wrap-around of the tail
    spectrum = np.fft.rfft(x, size)
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    spectrum *= band_gain(freqs)
    return np.fft.irfft(spectrum, size)[:n]


def band_gain(freqs: np.ndarray) -> np.ndarray:
    """1 inside the telephone band, 0 well outside it, a raised-cosine slope at each edge."""
    gain = np.zeros_like(freqs)
    inside = (freqs >= LOW_HZ) & (freqs <= HIGH_HZ)
    gain[inside] = 1.0
    low = (freqs > LOW_HZ - EDGE_HZ) & (freqs < LOW_HZ)
    gain[low] = 0.5 - 0.5 * np.cos(np.pi * (freqs[low] - (LOW_HZ - EDGE_HZ)) / EDGE_HZ)
    high = (freqs > HIGH_HZ) & (freqs < HIGH_HZ + EDGE_HZ)
    gain[high] = 0.5 + 0.5 * np.cos(np.pi * (freqs[high] - HIGH_HZ) / EDGE_HZ)
    return gain


def _mu_law(x: np.ndarray) -> np.ndarray:
    """Encode to 8-bit mu-law and back, as a digital phone network does (mild compression too)."""
    x = np.clip(x, -1.0, 1.0)
    encoded = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)
    code = np.round(encoded * 127.0) / 127.0
    return np.sign(code) * ((1.0 + MU) ** np.abs(code) - 1.0) / MU
