"""The media a call passes around: audio, chunks of microphone audio, words and transcripts.

The bottom layer: plain frozen dataclasses and one helper, importing nothing of rehearsal,
so the call engine, the judge, the speech engines, the conversation loop and the store can
all share them without importing each other.

Audio inside rehearsal is 16-bit signed little-endian mono PCM (`bytes`), at
`SAMPLE_RATE` for everything the recognizer hears. Synthesised speech keeps its own
rate (espeak-ng renders at 22,050 Hz) and says so in `Audio.rate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class Audio:
    pcm: bytes  # int16 mono little-endian
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate if self.rate else 0.0


@dataclass(frozen=True, slots=True)
class AudioChunk:
    pcm: bytes  # int16 mono at SAMPLE_RATE
    at: float  # time.monotonic() of the chunk's last sample (approximately)
    level: float  # RMS 0..1, for the meter


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its timing (seconds from the start of the reply audio)."""

    text: str
    start: float
    end: float
    conf: float = 1.0


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str
    words: list[Word] = field(default_factory=list)


def rms(pcm: bytes) -> float:
    """Root-mean-square level of int16 PCM, 0..1."""
    if len(pcm) < 2:
        return 0.0
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
    return float(np.sqrt(np.mean(samples * samples)))
