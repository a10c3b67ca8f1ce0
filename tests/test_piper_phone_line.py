"""The telephone-line filter: band, determinism, level, and that it never clips."""

from __future__ import annotations

import numpy as np

from rehearsal.voice.interfaces import Audio
from rehearsal.voice.phone_line import HIGH_HZ, LOW_HZ, band_gain, phone_line

RATE = 22_050


def tone(freq: float, seconds: float = 1.0, amp: float = 0.5) -> Audio:
    t = np.arange(int(RATE * seconds)) / RATE
    return Audio((np.sin(2 * np.pi * freq * t) * amp * 32767).astype("<i2").tobytes(), RATE)


def level(audio: Audio) -> float:
    x = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64) / 32768
    return float(np.sqrt(np.mean(x[RATE // 10 : -RATE // 10] ** 2)))


def test_passes_the_voice_band_and_removes_what_a_phone_cannot_carry():
    mixed = np.frombuffer(tone(100).pcm, dtype="<i2").astype(np.int32) + np.frombuffer(tone(1000).pcm, dtype="<i2") \
        + np.frombuffer(tone(6000).pcm, dtype="<i2")
    audio = Audio(np.clip(mixed // 3, -32768, 32767).astype("<i2").tobytes(), RATE)
    out = np.frombuffer(phone_line(audio).pcm, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(out))
    freqs = np.fft.rfftfreq(len(out), 1 / RATE)

    def energy(f):
        return spectrum[np.argmin(np.abs(freqs - f))]

    assert energy(1000) > 100 * energy(100)
    assert energy(1000) > 100 * energy(6000)
    assert list(band_gain(np.array([LOW_HZ - 200, LOW_HZ, 1000, HIGH_HZ, HIGH_HZ + 200]))) == [0, 1, 1, 1, 0]


def test_same_line_same_sound_and_a_faint_noise_floor():
    audio = tone(800)
    assert phone_line(audio).pcm == phone_line(audio).pcm
    assert phone_line(audio, seed=1).pcm != phone_line(audio, seed=2).pcm
    silence_then_tone = Audio(b"\0\0" * RATE + tone(800).pcm, RATE)
    out = np.frombuffer(phone_line(silence_then_tone).pcm, dtype="<i2").astype(np.float64) / 32768
    hiss = np.sqrt(np.mean(out[: RATE // 2] ** 2))
    assert 10 ** (-60 / 20) < hiss < 10 ** (-45 / 20)  # heard in the pauses, far below the voice


def test_keeps_length_and_rate_and_never_clips():
    loud = tone(1000, amp=1.0)
    out = phone_line(loud)
    assert out.rate == RATE and len(out.pcm) == len(loud.pcm)
    x = np.abs(np.frombuffer(out.pcm, dtype="<i2"))
    assert x.max() < 32000 and level(out) > 0.3
    assert phone_line(Audio(b"", RATE)).pcm == b""
