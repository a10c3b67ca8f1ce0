"""How long does keeping a call hold up the call's thread? The event-sink time per turn.

Every turn sends the session recorder a manager line (with its audio), a reply heard (with
its audio) and the scored turn. Before the store had its own writer thread, the recorder wrote
each WAV (with fsync) and the turn's row inside those calls, so the time showed in the turn
gap. Now the recorder only queues the writes. This script drives a real Call through the
recorder and times the sink calls of each turn, then how long the writer takes to catch up.

    .venv/bin/python benchmarks/bench_recorder.py [--turns 40] [--seconds 4]

To compare with the code before the writer thread, run the same script against that tree:

    git archive f25fb6a rehearsal | tar -x -C /tmp/rehearsal-before
    PYTHONPATH=/tmp/rehearsal-before .venv/bin/python benchmarks/bench_recorder.py

(The script uses only what both versions have: store.recorder(), calling it, close().)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each line and reply (16 kHz mono)")
    args = parser.parse_args()

    import rehearsal
    from rehearsal.call.engine import Call
    from rehearsal.call.events import ManagerSpeaking, ReplyHeard, TurnScored
    from rehearsal.judging.judge import Judge
    from rehearsal.scenario.model import Scenario
    from rehearsal.store import open_store
    from rehearsal.voice.interfaces import Audio, Transcript

    # A call that loops on one turn, so any number of turns can be taken.
    scenario = Scenario.model_validate({
        "id": "bench", "title": "Bench", "description": "d", "situation": "s",
        "persona": {"name": "Dana", "role": "Manager"}, "start": "ask",
        "turns": {"ask": {"say": "Anything else?", "expects": ["gratitude"], "next": [{"goto": "ask"}]}},
    })
    audio = Audio(pcm=bytes(int(16000 * args.seconds) * 2), rate=16000)
    reply = "Thank you so much for your time, could you share any feedback on my interview?"
    judge = Judge()
    per_turn: list[float] = []
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.sqlite3") as store:
        rec = store.recorder(scenario, mode="voice", keep_audio=True)
        call = Call(scenario, judge)
        for _ in range(args.turns):
            record = call.reply(reply)  # judged outside the timing: only the sink is measured
            events = [ManagerSpeaking("ask", "Anything else?", audio), ReplyHeard("ask", Transcript(reply), audio),
                      TurnScored(record)]
            start = time.perf_counter()
            for event in events:
                rec(event)
            per_turn.append(time.perf_counter() - start)
        start = time.perf_counter()
        rec.close()  # waits for the writer (when there is one)
        catch_up = time.perf_counter() - start
    per_turn.sort()
    p95 = per_turn[min(len(per_turn) - 1, int(0.95 * len(per_turn)))]
    print(f"rehearsal at {Path(rehearsal.__file__).parent}")
    print(f"event-sink time per turn ({args.turns} turns, two {args.seconds:.0f} s WAVs + one row each): "
          f"median {1000 * statistics.median(per_turn):.2f} ms, p95 {1000 * p95:.2f} ms, max {1000 * per_turn[-1]:.2f} ms")
    print(f"writes still queued at the end, done by close(): {1000 * catch_up:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
