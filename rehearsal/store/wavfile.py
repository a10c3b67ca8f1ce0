"""WAV files written so that a crash never leaves a half-written recording behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rehearsal.media import Audio, encode_wav
from rehearsal.media import decode_wav as decode
from rehearsal.media import read_wav as read

__all__ = ["decode", "read", "write_atomic"]  # the readers are rehearsal.media's, under the store's names


def write_atomic(path: Path, audio: Audio) -> Path:
    """Write to a temporary file in the same folder, flush it to disk, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".wav.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(encode_wav(audio))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

