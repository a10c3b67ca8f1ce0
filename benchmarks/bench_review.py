"""A coach's run: 20 learners' results bundles reviewed in one command. How long does it take?

Builds the bundles the way learners would (calls through the real judge and the session
store, then `rehearsal bundle`), then times `rehearsal review *.zip` as a fresh process
(what the coach waits for, start-up included) and the review itself in-process.

    .venv/bin/python benchmarks/bench_review.py [--learners 20] [--attempts 5] [--audio]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPLIES = [
    ["Hi Dana, thank you for taking my call. Would you share any feedback on my interview?", "Hi, it's me.",
     "Hello, I got your email."],
    ["I appreciate you being candid, that is really helpful.", "Okay.", "That's ridiculous, honestly."],
    ["Thanks, I will keep an eye on your postings.", "Sure.", "Bye."],
]


def make_learner(root: Path, name: str, attempts: int, audio: bool, rng: random.Random) -> Path:
    from rehearsal.call.engine import Call
    from rehearsal.call.events import CallEnded, ManagerSpeaking, ReplyHeard, TurnScored
    from rehearsal.judging.judge import Judge
    from rehearsal.scenario.catalog import find
    from rehearsal.store import open_store
    from rehearsal.store.bundle import write_bundle
    from rehearsal.store.store import scenario_hash
    from rehearsal.voice.interfaces import Audio, Transcript

    scenario = find("follow-up-better-fit")
    judge = Judge()
    noise = Audio(bytes(rng.getrandbits(8) for _ in range(2 * 16000 * 2)), 16000) if audio else None
    with open_store(root / name / "sessions.sqlite3") as store:
        ids = []
        for _ in range(attempts):
            rec = store.recorder(scenario, mode="voice" if audio else "typed", keep_audio=audio)
            call = Call(scenario, judge)
            for options in REPLIES:
                if call.finished:
                    break
                reply = rng.choice(options)
                rec(ManagerSpeaking(call.current_id, call.manager_line, noise))
                rec(ReplyHeard(call.current_id, Transcript(reply), noise))
                rec(TurnScored(call.reply(reply)))
            rec(CallEnded(call.result()))
            ids.append(rec.session_id)
        details = [store.get(i) for i in ids]
    out = root / f"{name}.zip"
    write_bundle(out, details, learner=name, scenario=scenario.model_dump(mode="json"),
                 scenario_hash=scenario_hash(scenario), include_audio=audio)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=20)
    ap.add_argument("--attempts", type=int, default=5)
    ap.add_argument("--audio", action="store_true", help="bundles with 2 s of audio per line (bigger zips)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from rehearsal.store.review import review

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        bundles = [make_learner(root, f"learner{n:02d}", args.attempts, args.audio, rng) for n in range(args.learners)]
        built = time.perf_counter() - t0
        size = sum(b.stat().st_size for b in bundles)
        cli = [str(Path(sys.executable).with_name("rehearsal")), "review", *map(str, bundles)]
        env = {**os.environ, "REHEARSAL_DATA_DIR": str(root / "coach"), "REHEARSAL_CONFIG_DIR": str(root / "coach")}
        wall = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            out = subprocess.run(cli, capture_output=True, text=True, env=env)
            wall.append(time.perf_counter() - t)
            if out.returncode != 0:
                print(out.stderr, file=sys.stderr)
                return 1
        inproc = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            rows, failures = review(bundles)
            inproc.append(time.perf_counter() - t)
        assert len(rows) == args.learners and not failures
        print(out.stdout.splitlines()[0])
        print("\n".join(out.stdout.splitlines()[2:5]) + "\n...")
        print(f"\nbundles: {args.learners} learners x {args.attempts} attempts"
              f"{' with audio' if args.audio else ''}, {size / 1e6:.2f} MB in all (built in {built:.1f} s)")
        print(f"`rehearsal review` on all {args.learners} (fresh process, start-up included): "
              f"median {statistics.median(wall):.3f} s, best {min(wall):.3f} s over {args.repeat} runs")
        print(f"review() in-process: median {statistics.median(inproc) * 1000:.1f} ms "
              f"({statistics.median(inproc) / args.learners * 1000:.2f} ms per bundle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
