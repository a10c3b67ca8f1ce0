"""WAV files written so that a crash never leaves a half-written recording behind."""

from __future__ import annotations

import io
import os
import tempfile
import wave
from pathlib import Path

from rehearsal.voice.interfaces import Audio


def encode(audio: Audio) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(audio.rate)
        w.writeframes(audio.pcm)
    return buf.getvalue()


def decode(data: bytes) -> Audio:
    """Read a 16-bit mono WAV; raises ValueError for anything else."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise ValueError("not 16-bit mono audio")
            return Audio(pcm=w.readframes(w.getnframes()), rate=w.getframerate())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a WAV file ({exc})") from exc


def write_atomic(path: Path, audio: Audio) -> Path:
    """Write to a temporary file in the same folder, flush it to disk, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".wav.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(encode(audio))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read(path: Path) -> Audio:
    return decode(path.read_bytes())
