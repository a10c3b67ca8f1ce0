"""`rehearsal transcribe`: WAVs of many kinds read right, transcribed by the real (Korean) model.

The command's model load is the run's one load of the Korean model (`shared_ko_loads`,
conftest.py): loading it is tested in tests/test_recognizer.py; a load per test here cost
10-40 s each on a busy machine.
"""

from __future__ import annotations

import json
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from rehearsal.cli.main import main
from rehearsal.voice.audio_file import AudioFileError, load_for_recognition, read_wav

AUDIO = Path(__file__).parent / "fixtures" / "audio"
_GUID_TAIL = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"


def write_wav(path: Path, samples: np.ndarray, rate: int, bits: int, *, floating: bool = False, extensible: bool = False) -> Path:
    """A WAV writer covering what recorders produce, including WAVE_FORMAT_EXTENSIBLE."""
    samples = samples.reshape(len(samples), -1)
    channels = samples.shape[1]
    flat = samples.reshape(-1)
    if floating:
        body = flat.astype(f"<f{bits // 8}").tobytes()
    elif bits == 8:
        body = (np.round(flat * 127) + 128).astype(np.uint8).tobytes()
    elif bits == 24:
        ints = np.round(flat * (2**23 - 1)).astype("<i4")
        body = ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    else:
        body = np.round(flat * (2 ** (bits - 1) - 1)).astype(f"<i{bits // 8}").tobytes()
    kind = 3 if floating else 1
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else kind, channels, rate, rate * block, block, bits)
    if extensible:
        fmt += struct.pack("<HHI", 22, bits, (1 << channels) - 1) + struct.pack("<H", kind) + _GUID_TAIL
    riff = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(body)) + body
    path.write_bytes(b"RIFF" + struct.pack("<I", len(riff)) + riff)
    return path


def speech(seconds: float = 3.0) -> np.ndarray:
    with wave.open(str(AUDIO / "korean.wav")) as w:
        pcm = w.readframes(int(w.getframerate() * seconds))
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def resample(x: np.ndarray, rate: int) -> np.ndarray:
    import soxr

    return soxr.resample(x, 16_000, rate)


# ------------------------------------------------------------------ reading (no model needed)


@pytest.mark.parametrize(
    "bits,floating,extensible,tolerance",
    [(8, False, False, 1 / 50), (16, False, False, 1e-4), (24, False, True, 1e-6), (32, False, True, 1e-6), (32, True, False, 1e-7)],
)
def test_sample_formats_decode_to_the_same_signal(tmp_path, bits, floating, extensible, tolerance):
    signal = np.sin(np.linspace(0, 40 * np.pi, 4000)).astype(np.float32) * 0.8
    path = write_wav(tmp_path / "t.wav", signal, 16_000, bits, floating=floating, extensible=extensible)
    samples, rate = read_wav(path)
    assert rate == 16_000 and samples.shape == (4000, 1)
    assert np.max(np.abs(samples[:, 0] - signal)) < tolerance


def test_stereo_44k_is_downmixed_and_resampled(tmp_path):
    left = resample(speech(1.0), 44_100)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)  # one silent channel halves the level
    audio = load_for_recognition(write_wav(tmp_path / "s.wav", stereo, 44_100, 16))
    assert audio.rate == 16_000
    assert abs(audio.seconds - 1.0) < 0.01
    mono = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float32) / 32768
    assert 0.4 < np.abs(mono).max() / np.abs(speech(1.0)).max() < 0.6


@pytest.mark.parametrize(
    "content,match",
    [
        (b"hello, this is text\n", "not a WAV file"),
        (b"", "not a WAV file"),
        (b"RIFF\x10\x00\x00\x00WAVEjunk", "damaged"),
    ],
)
def test_files_that_are_not_audio(tmp_path, content, match):
    path = tmp_path / "x.wav"
    path.write_bytes(content)
    with pytest.raises(AudioFileError, match=match):
        read_wav(path)


def test_compressed_wav_is_refused(tmp_path):
    path = write_wav(tmp_path / "a.wav", speech(0.2), 16_000, 16)
    data = bytearray(path.read_bytes())
    data[20:22] = struct.pack("<H", 0x55)  # MP3-in-WAV
    path.write_bytes(bytes(data))
    with pytest.raises(AudioFileError, match="compressed"):
        read_wav(path)


def test_truncated_data_chunk_is_read_as_far_as_it_goes(tmp_path):
    path = write_wav(tmp_path / "a.wav", speech(1.0), 16_000, 16)
    path.write_bytes(path.read_bytes()[:-6400])  # a recorder killed mid-write: the header overstates
    samples, _ = read_wav(path)
    assert len(samples) == 16_000 - 3200


# ------------------------------------------------------------------ the command, with the real model


def test_text_file_named_wav_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "notes.wav"
    path.write_text("not audio at all")
    assert main(["transcribe", str(path)]) == 1
    err = capsys.readouterr().err
    assert "not a WAV file" in err and "sox" in err and "Traceback" not in err


def test_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["transcribe", str(tmp_path / "gone.wav")]) == 1
    assert "Cannot read" in capsys.readouterr().err


def test_no_model_says_what_to_install(tmp_path, capsys, monkeypatch):
    from rehearsal.voice import whisper_models

    monkeypatch.setattr(whisper_models, "packaged_model", lambda: None)  # nor the Whisper one of the [test] extra
    path = write_wav(tmp_path / "a.wav", speech(0.5), 16_000, 16)
    assert main(["transcribe", str(path)]) == 1
    assert "rehearsal models install" in capsys.readouterr().err


@pytest.mark.vosk
def test_8k_mono_json(tmp_path, capsys, ko_model_path, shared_ko_loads):
    path = write_wav(tmp_path / "phone.wav", resample(speech(), 8_000), 8_000, 16)
    assert main(["transcribe", str(path), "--json", "--model", str(ko_model_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"text", "words", "duration_s", "real_time_factor", "model_load_s", "delivery"}
    assert abs(report["duration_s"] - 3.0) < 0.01
    assert 0 < report["real_time_factor"] < 5
    assert report["words"], "speech at 8 kHz still yields words"
    for w in report["words"]:
        assert set(w) == {"text", "start", "end", "conf"}
        assert 0 <= w["start"] <= w["end"] <= report["duration_s"] + 0.05
    assert report["text"] == " ".join(w["text"] for w in report["words"])
    assert report["delivery"]["words"] == len(report["words"])
    assert shared_ko_loads == [(ko_model_path, False)]  # one recording: no spare session warming beside it


@pytest.mark.vosk
def test_44k_stereo_24bit_prints_the_transcript(tmp_path, capsys, ko_model_path, shared_ko_loads):
    left = resample(speech(), 44_100)
    stereo = np.stack([left, left], axis=1)
    path = write_wav(tmp_path / "studio.wav", stereo, 44_100, 24, extensible=True)
    assert main(["transcribe", str(path), "--model", str(ko_model_path)]) == 0
    out = capsys.readouterr().out.strip()
    assert out and out != "(no speech recognised)" and "\n" not in out


@pytest.mark.vosk
def test_silence_says_nothing_was_recognised(capsys, ko_model_path, shared_ko_loads):
    assert main(["transcribe", str(AUDIO / "silence.wav"), "--model", str(ko_model_path)]) == 0
    assert capsys.readouterr().out.strip() == "(no speech recognised)"


@pytest.mark.vosk
def test_bad_model_path_is_a_clear_error(capsys, tmp_path):
    assert main(["transcribe", str(AUDIO / "silence.wav"), "--model", str(tmp_path / "none")]) == 1
    assert "No speech model at" in capsys.readouterr().err
