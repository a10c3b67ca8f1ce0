"""The judge on heard speech: labelled replies (tests/data/judge_labelled.tsv) spoken by Piper
(joe-us) and espeak-ng, recognised, judged, and compared with the labels and with the verdict on
the typed text. Lists the replies whose verdict the recognizer changed, with the words it got wrong.

    .venv/bin/python benchmarks/bench_heard_judge.py [--every 8 | --all] [--voices piper,espeak]
        [--model WHISPER_FOLDER] [--vosk VOSK_FOLDER] [--changes]

Default: every 8th row (191 replies); `--all` speaks all 1,524 (synthesis is cached in
tests/english/.cache; the first full run takes long). `--vosk` adds a Vosk model as a second
engine: the only one installable here is Korean, so with it the heard figures only show that.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from english.heard import changes, heard_rows, sample  # noqa: E402
from judge_data import DIMENSIONS, agreement, judge_guess  # noqa: E402


def row_line(label: str, figures: dict[str, float]) -> str:
    return f"{label:<30}" + "".join(f"{figures[d]:>17.1%}" for d in DIMENSIONS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=int, default=8)
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--voices", default="piper,espeak")
    parser.add_argument("--model", type=Path, help="a Whisper model folder (default: the installed one)")
    parser.add_argument("--vosk", type=Path, help="a Vosk model folder as a second engine")
    parser.add_argument("--changes", action="store_true", help="print every reply whose verdict changed")
    args = parser.parse_args()

    from rehearsal.voice.whisper import load_whisper

    rows = sample(args.every, args.all)
    guess = judge_guess()
    engines = {}
    whisper = load_whisper(args.model, partials=False)
    engines[whisper.name] = lambda pcm: whisper.transcribe(pcm).text
    if args.vosk:
        from rehearsal.voice.recognizer import load_recognizer, transcribe_audio

        vosk = load_recognizer(args.vosk, prewarm=False)
        engines[f"Vosk {vosk.name}"] = lambda pcm: transcribe_audio(vosk, pcm).text

    print(f"{len(rows)} labelled replies ({'all' if args.all else f'every {args.every}th'}); agreement with the labels:")
    print(f"{'':<30}" + "".join(f"{d:>17}" for d in DIMENSIONS))
    print(row_line("typed", agreement(rows, "text", guess)))
    print(row_line("simulated slips (recognized)", agreement(rows, "recognized", guess)))
    swapped: Counter[tuple[str, str]] = Counter()
    for name, transcribe in engines.items():
        for voice in args.voices.split(","):
            started = time.perf_counter()
            heard = heard_rows(rows, transcribe, voice)
            took = time.perf_counter() - started
            changed = changes(heard, guess)
            print(row_line(f"heard: {voice} / {name}"[:30], agreement(heard, "recognized", guess))
                  + f"   verdict as typed {1 - len(changed) / len(rows):.1%} ({len(changed)} changed, {took:.0f} s)")
            for change in changed:
                swapped.update(change.words)
                if args.changes:
                    print("  " + change.describe().replace("\n", "\n  "))
    print("\nwords heard wrong that changed a verdict (typed -> heard, times):")
    for (typed, heard), n in swapped.most_common(30):
        print(f"  {typed or '-'!r:>28} -> {heard or '-'!r:<28} {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
