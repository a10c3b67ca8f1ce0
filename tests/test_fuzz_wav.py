"""Fuzzing the WAV reader (issue 12): lying headers and odd samples give audio or one clear error."""

from __future__ import annotations

import struct
import tempfile
import warnings
from pathlib import Path

import numpy as np
from hypothesis import event, given
from hypothesis import strategies as st

from fuzz_support import budget, seeded
from hostile_support import wav
from rehearsal.voice.audio_file import AudioFileError, load_for_recognition

RATES = st.sampled_from([0, 1, 999, 8000, 16000, 44100, 48000, 96000, 384_000, 384_001, 2**31, 2**32 - 1]) | st.integers(0, 2**32 - 1)
KINDS = st.sampled_from([0, 1, 2, 3, 0xFFFE, 0xFFFF])
BITS = st.sampled_from([0, 1, 8, 12, 16, 24, 32, 64, 65535])
FLOATS = st.sampled_from([np.nan, np.inf, -np.inf, 1e38, -1e38, 0.0, 0.5]) | st.floats(width=32)


@st.composite
def wav_files(draw) -> bytes:
    plausible = draw(st.booleans())  # half the files have a header a recorder could write
    kind, bits = draw(st.sampled_from([(1, 8), (1, 16), (1, 24), (1, 32), (3, 32), (3, 64)])) if plausible else (draw(KINDS), draw(BITS))
    channels = draw(st.integers(1, 3)) if plausible else draw(st.integers(0, 70))
    rate = draw(st.sampled_from([8000, 16000, 44100, 48000])) if plausible else draw(RATES)
    if kind == 3 and bits in (32, 64) and draw(st.booleans()):
        body = np.array(draw(st.lists(FLOATS, max_size=400)), dtype=f"<f{bits // 8}").tobytes()
    else:
        body = draw(st.binary(max_size=800))
    data = bytearray(wav(kind, channels, rate, bits, body))
    for _ in range(draw(st.integers(0, 1 if plausible else 3))):  # lie in a size field, or anywhere
        at = draw(st.sampled_from([4, 16, 40, draw(st.integers(0, len(data) - 1))]))
        data[at : at + 4] = struct.pack("<I", draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()) and not plausible:
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@seeded
@budget(300)
@given(wav_files())
def test_any_wav_header_gives_audio_or_one_clear_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.wav"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a RuntimeWarning from NaN was one of the cases
            try:
                audio = load_for_recognition(path)
            except AudioFileError as exc:
                event("refused")
                assert "\n" not in str(exc)
                return
    event("read")
    assert audio.rate == 16000 and len(audio.pcm) % 2 == 0
