"""The media a call passes around: audio, chunks of microphone audio, words and transcripts.

The bottom layer: plain frozen dataclasses and a few helpers (level, WAV bytes), importing nothing of rehearsal,
so the call engine, the judge, the speech engines, the conversation loop and the store can
all share them without importing each other.

Audio inside rehearsal is 16-bit signed little-endian mono PCM (`bytes`), at
`SAMPLE_RATE` for everything the recognizer hears. Synthesised speech keeps its own
rate (espeak-ng renders at 22,050 Hz) and says so in `Audio.rate`.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
MIN_SPEECH_LEVEL = 0.006  # RMS (0..1) below this is never speech, whatever a VAD says (about -44 dBFS)


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

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / SAMPLE_RATE


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


def encode_wav(audio: Audio) -> bytes:
    """`audio` as the bytes of a 16-bit mono WAV file."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(audio.rate)
        w.writeframes(audio.pcm)
    return buf.getvalue()


def decode_wav(data: bytes) -> Audio:
    """The audio of a 16-bit mono WAV file (the kind rehearsal writes); ValueError for anything else.

    Files from elsewhere (24-bit, stereo, float, WAVE_FORMAT_EXTENSIBLE) are read by
    rehearsal.voice.audio_file, which converts them for the recogniser.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise ValueError("not 16-bit mono audio")
            return Audio(pcm=w.readframes(w.getnframes()), rate=w.getframerate())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a WAV file ({exc})") from exc


def read_wav(path: Path) -> Audio:
    """The audio of a 16-bit mono WAV file on disk; ValueError (naming the file) for anything else."""
    try:
        return decode_wav(Path(path).read_bytes())
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
