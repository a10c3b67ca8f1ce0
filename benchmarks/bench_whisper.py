"""Whisper figures on spoken English: word error rate, real-time factor, memory, and how soon the
final words are ready after the reply ends (with the live partials running, as in a call).

    .venv/bin/python benchmarks/bench_whisper.py [--every 16] [--voices piper,espeak] [--latency 12]
        [--model PATH] [--vosk PATH]

The corpus: the call replies of tests/english/calls.yaml and every Nth row of the labelled judge
set (tests/data/judge_labelled.tsv), each spoken by Piper (joe-us) and espeak-ng (cached in
tests/english/.cache; the first run synthesises them). Configurations compared: the trimmed
encoder window rehearsal uses, and faster-whisper's own 30 s window. `--vosk` adds a Vosk model;
the one installable here is Korean, so its English word error rate only shows it is not English.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from english.corpus import call_replies, judge_rows  # noqa: E402
from english.make_spoken import spoken_pcm  # noqa: E402

from rehearsal.voice.interfaces import SAMPLE_RATE  # noqa: E402

BYTES_PER_S = SAMPLE_RATE * 2
NUMBERS = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven",
           "8": "eight", "9": "nine"}


def words(text: str) -> list[str]:
    """Lower case, no punctuation, digits spelled out one by one (Whisper writes "555-0123")."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"\d", lambda m: f" {NUMBERS[m.group()]} ", text)
    return re.findall(r"[a-z']+", text)


def edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def accuracy(name: str, transcribe, items: list[tuple[str, str, bytes]]) -> dict:
    errors = {v: [0, 0] for v in {v for v, _, _ in items}}
    decode_s = audio_s = 0.0
    slips = []
    for voice, text, pcm in items:
        started = time.perf_counter()
        heard = transcribe(pcm)
        decode_s += time.perf_counter() - started
        audio_s += len(pcm) / BYTES_PER_S
        ref, hyp = words(text), words(heard)
        dist = edit_distance(ref, hyp)
        errors[voice][0] += dist
        errors[voice][1] += len(ref)
        if dist:
            slips.append((voice, text, heard))
    wer = {v: e / n for v, (e, n) in errors.items()}
    total = sum(e for e, _ in errors.values()) / sum(n for _, n in errors.values())
    print(f"{name:<28} WER {total:6.1%}  " + "  ".join(f"{v} {w:5.1%}" for v, w in sorted(wer.items()))
          + f"  real-time factor {decode_s / audio_s:.3f} ({audio_s:.0f} s of audio)")
    return {"wer": total, "slips": slips}


def latency(recognizer, items: list[tuple[str, str, bytes]], partials: bool) -> list[float]:
    """Stream each reply at the speed of speech (0.2 s batches, as the call loop feeds it), then time finish()."""
    recognizer.partials = partials
    waits = []
    for _voice, _text, pcm in items:
        session = recognizer.session()
        step = int(0.2 * BYTES_PER_S)
        for i in range(0, len(pcm), step):
            session.accept_audio(pcm[i : i + step])
            time.sleep(0.2)
        time.sleep(0.12)  # the loop holds trailing silence back; it settles ~200 ms into the pause
        started = time.perf_counter()
        session.finish()
        waits.append((time.perf_counter() - started) * 1000)
    recognizer.partials = True
    return waits


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=int, default=16, help="every Nth labelled row (default 16: 96 rows)")
    parser.add_argument("--voices", default="piper,espeak")
    parser.add_argument("--latency", type=int, default=12, help="replies streamed in real time per length class")
    parser.add_argument("--model", type=Path, help="a Whisper model folder (default: the installed one)")
    parser.add_argument("--vosk", type=Path, help="also a Vosk model (the Korean one here: meaningless for English)")
    parser.add_argument("--slips", action="store_true", help="print every reply with a word error")
    args = parser.parse_args()

    texts = list(dict.fromkeys([*call_replies(), *(r["text"] for r in judge_rows(every=args.every))]))
    voices = args.voices.split(",")
    started = time.perf_counter()
    items = [(v, t, spoken_pcm(t, v)) for v in voices for t in texts]
    print(f"corpus: {len(texts)} texts x {len(voices)} voices, {sum(len(p) for *_, p in items) / BYTES_PER_S:.0f} s "
          f"of speech (ready in {time.perf_counter() - started:.0f} s)")

    from rehearsal.voice.whisper import load_whisper

    before = rss_mb()
    recognizer = load_whisper(args.model, partials=False)
    print(f"model {recognizer.name}: load {recognizer.load_seconds:.2f} s, +{rss_mb() - before:.0f} MB resident")
    recognizer.transcribe(items[0][2])  # the first decode allocates; not a reply's cost
    model = recognizer._model
    results = {}
    for label, trim in (("whisper trimmed window", True), ("whisper 30 s window", False)):
        model.trim = trim
        results[label] = accuracy(label, lambda pcm: recognizer.transcribe(pcm).text, items)
    model.trim = True
    if args.vosk:
        from rehearsal.voice.recognizer import load_recognizer, transcribe_audio

        vosk = load_recognizer(args.vosk)
        accuracy(f"vosk {vosk.name}", lambda pcm: transcribe_audio(vosk, pcm).text, items)
    print(f"peak memory (RSS)            {peak_mb():.0f} MB")

    by_length = sorted(items, key=lambda it: len(it[2]))
    short, long = by_length[: args.latency], by_length[-args.latency:]
    for label, group in (("short", short), ("long", long)):
        secs = [len(p) / BYTES_PER_S for *_, p in group]
        for partials in (True, False):
            waits = latency(recognizer, group, partials)
            print(f"final after end, {label} replies ({min(secs):.1f}-{max(secs):.1f} s), partials "
                  f"{'on ' if partials else 'off'}: median {statistics.median(waits):4.0f} ms, "
                  f"p90 {pct(waits, 0.9):4.0f} ms, max {max(waits):4.0f} ms")
    if args.slips:
        for voice, text, heard in results["whisper trimmed window"]["slips"]:
            print(f"  [{voice}] {text}\n     heard: {heard}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
