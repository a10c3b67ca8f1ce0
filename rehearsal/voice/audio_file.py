"""Reading WAV files of any common kind into the 16 kHz mono audio the recognizer hears.

Python 3.11's `wave` module refuses WAVE_FORMAT_EXTENSIBLE, which sox, Audacity and most
recorders write for 24/32-bit or multichannel audio, and float WAVs; this reads the RIFF
chunks itself (they are simple) so those files work too.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from rehearsal.untrusted import UntrustedInput, read_file
from rehearsal.voice.interfaces import SAMPLE_RATE, Audio

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE
# Limits (docs/limits.md): a regular file up to MAX_WAV_BYTES (about 2 h of 16 kHz 16-bit
# mono, 23 min of 48 kHz 24-bit stereo), at a rate and channel count real recorders write.
MAX_WAV_BYTES = 256 * 1024 * 1024
MIN_RATE, MAX_RATE = 1000, 384_000
MAX_CHANNELS = 32
_BLOCK_FRAMES = 1 << 16
CONVERT_HINT = "Convert it with: sox INPUT.ext -r 16000 -c 1 -b 16 OUTPUT.wav"


class AudioFileError(ValueError):
    """The file cannot be read as audio; the message says why and what to do."""


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Samples as float32 in -1..1, shaped (frames, channels), and the sample rate."""
    _, kind, channels, rate, bits, body = _open_wav(path)
    samples = _decode(body, kind, bits, path)
    frames = len(samples) // channels
    if frames == 0:
        raise AudioFileError(f"{path} holds no audio.")
    return samples[: frames * channels].reshape(frames, channels), rate


def _open_wav(path: Path) -> tuple[bytearray, int, int, int, int, memoryview]:
    """(file bytes, format, channels, rate, bits, a view of the data chunk), or AudioFileError."""
    try:
        data = read_file(Path(path), MAX_WAV_BYTES, "recording")
    except UntrustedInput as exc:
        why = f"it {exc}" if str(exc).startswith("is ") else str(exc)
        raise AudioFileError(f"Cannot read {path}: {why}.") from None
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RIFX") or data[8:12] != b"WAVE":
        raise AudioFileError(f"{path} is not a WAV file. {CONVERT_HINT}")
    if data[:4] == b"RIFX":
        raise AudioFileError(f"{path} is a big-endian WAV, which is not supported. {CONVERT_HINT}")
    fmt, body = _chunks(data, path)
    kind, channels, rate, bits = _parse_fmt(fmt, path)
    return data, kind, channels, rate, bits, body


def to_recognizer_audio(samples: np.ndarray, rate: int) -> Audio:
    """Downmix to mono, resample to SAMPLE_RATE, and pack as int16 PCM (all in memory at once)."""
    import soxr

    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    if rate != SAMPLE_RATE:
        mono = soxr.resample(mono.astype(np.float32), rate, SAMPLE_RATE)
    return Audio(_pcm16(np.asarray(mono, dtype=np.float32)), SAMPLE_RATE)


def load_for_recognition(path: Path) -> Audio:
    """The recording as 16 kHz mono int16, decoded and resampled in blocks.

    Memory stays near the file's size plus the result (not the ~10 float copies of a
    whole-file conversion), so a recording at MAX_WAV_BYTES is still safe to read.
    """
    import soxr

    data, kind, channels, rate, bits, body = _open_wav(path)
    frame = bits // 8 * channels
    frames = len(body) // frame
    if frames == 0:
        raise AudioFileError(f"{path} holds no audio.")
    stream = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32") if rate != SAMPLE_RATE else None
    parts = []
    for start in range(0, frames, _BLOCK_FRAMES):
        stop = min(frames, start + _BLOCK_FRAMES)
        samples = _decode(body[start * frame : stop * frame], kind, bits, path).reshape(-1, channels)
        mono = samples.mean(axis=1, dtype=np.float32) if channels > 1 else samples[:, 0]
        if stream is not None:
            mono = stream.resample_chunk(np.ascontiguousarray(mono), last=stop == frames)
        parts.append(_pcm16(mono))
    del data, body
    return Audio(b"".join(parts), SAMPLE_RATE)


def _pcm16(mono: np.ndarray) -> bytes:
    mono = np.nan_to_num(mono, nan=0.0, posinf=1.0, neginf=-1.0)  # damaged (or hostile) float WAVs
    np.clip(mono, -1.0, 1.0, out=mono)
    mono *= 32767.0
    return mono.astype("<i2").tobytes()


def _chunks(data: bytearray, path: Path) -> tuple[bytes, memoryview]:
    fmt = body = None
    view = memoryview(data)  # the data chunk is a view: a 256 MiB recording is not copied
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        start = pos + 8
        # Recorders killed mid-write leave a data size that overruns the file; take what is there.
        end = min(start + size, len(data))
        if cid == b"fmt ":
            fmt = bytes(view[start:end])
        elif cid == b"data":
            body = view[start:end]
            if fmt is not None:
                break
        pos = start + size + (size & 1)
    if fmt is None or body is None:
        raise AudioFileError(f"{path} is a damaged WAV file (no {'format' if fmt is None else 'data'} chunk). {CONVERT_HINT}")
    return fmt, body


def _parse_fmt(fmt: bytes, path: Path) -> tuple[int, int, int, int]:
    if len(fmt) < 16:
        raise AudioFileError(f"{path} is a damaged WAV file (short format chunk). {CONVERT_HINT}")
    kind, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", fmt)
    if kind == _EXTENSIBLE and len(fmt) >= 26:
        kind = struct.unpack_from("<H", fmt, 24)[0]  # first two bytes of the sub-format GUID
    if kind not in (_PCM, _FLOAT):
        raise AudioFileError(f"{path} is a compressed WAV (format {kind}), which is not supported. {CONVERT_HINT}")
    if not (1 <= channels <= MAX_CHANNELS and MIN_RATE <= rate <= MAX_RATE):
        raise AudioFileError(f"{path} is a damaged WAV file ({channels} channels at {rate} Hz). {CONVERT_HINT}")
    if (kind, bits) not in {(_PCM, 8), (_PCM, 16), (_PCM, 24), (_PCM, 32), (_FLOAT, 32), (_FLOAT, 64)}:
        raise AudioFileError(f"{path} uses {bits}-bit samples, which are not supported. {CONVERT_HINT}")
    return kind, channels, rate, bits


def _decode(body: bytes | memoryview, kind: int, bits: int, path: Path) -> np.ndarray:
    width = bits // 8
    body = body[: len(body) - len(body) % width]
    if kind == _FLOAT:
        with np.errstate(over="ignore", invalid="ignore"):  # float64 beyond float32: inf, then clipped
            samples = np.frombuffer(body, dtype=f"<f{width}").astype(np.float32)
        return np.nan_to_num(samples, nan=0.0, posinf=1.0, neginf=-1.0)
    if bits == 8:  # 8-bit WAV is unsigned
        return (np.frombuffer(body, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    if bits == 24:
        raw = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        value = np.where(value & 0x800000, value - (1 << 24), value)
        return value.astype(np.float32) / float(1 << 23)
    dtype = "<i2" if bits == 16 else "<i4"
    return np.frombuffer(body, dtype=dtype).astype(np.float32) / float(1 << (bits - 1))
