"""What the end-of-turn policy's "done" wait buys and costs, offline, on the turn-taking corpus.

The policy (rehearsal/conversation/turn_end.py) is stepped through each reply's word timings
from the corpus manifest (tests/spoken_corpus.py), every 20 ms as the listening loop does, each
turn expecting what its whole reply does (as benchmarks/bench_turn_taking.py sets it up). For
each "done" wait (`end_silence_ms`) it prints:

- where the manager would answer inside a pause after finished / unfinished words;
- the policy's own wait after complete replies (median, p95), and that plus the pipeline's
  overhead as measured live (`--overhead-ms`: bench_turn_taking's median gap less the wait it
  ran with), an estimate of the gap a caller would hear.

No audio, no clock: this is the trade-off the policy faces on these words, not a live figure.

    .venv/bin/python benchmarks/bench_turn_policy.py [--overhead-ms 77] [--waits 300,350,500,...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import spoken_corpus  # noqa: E402
from figures import percentile  # noqa: E402
from turn_timing import first_end  # noqa: E402

from rehearsal.conversation.turn_end import TurnPolicy  # noqa: E402
from rehearsal.judging.judge import Judge  # noqa: E402
from rehearsal.settings import Settings  # noqa: E402

DIMENSIONS = ("gratitude", "feedback_request", "door_open")


def sweep(replies, waits: list[int], overhead_ms: float) -> None:
    judge = Judge()
    base = TurnPolicy.from_settings(Settings())
    cases = []
    for reply in replies:
        words = [(w["text"], w["start"], w["end"]) for w in reply.words]
        verdict = judge.judge(reply.text)
        expects = [d for d in DIMENSIONS if getattr(verdict, d).detected]
        cases.append((reply, words, expects))
    print(f"{'done wait':>9}  {'finished cut':>12}  {'unfinished cut':>14}  {'wait after complete':>20}  "
          f"{'est. gap median / p95':>22}  cut after finished words")
    for wait in waits:
        policy = replace(base, done_ms=wait, closed_ms=min(base.closed_ms, wait))
        cut = {spoken_corpus.FINISHED: [], spoken_corpus.UNFINISHED: []}
        after = []
        for reply, words, expects in cases:
            end, _ = first_end(words, policy=policy, expects=expects, judge=judge)
            if reply.kind == spoken_corpus.COMPLETE:
                after.append((end - words[-1][2]) * 1000)
            elif any(p.at <= end < p.at + p.seconds for p in reply.pauses):
                cut[reply.kind].append(reply.text.split(".")[0] + ".")
        n_fin = sum(r.kind == spoken_corpus.FINISHED for r, _, _ in cases)
        n_unf = sum(r.kind == spoken_corpus.UNFINISHED for r, _, _ in cases)
        med, high = statistics.median(after), percentile(after, 0.95)
        print(f"{wait:>6} ms  {len(cut[spoken_corpus.FINISHED]):>7}/{n_fin:<4}  {len(cut[spoken_corpus.UNFINISHED]):>9}/{n_unf:<4}"
              f"  {med:>7.0f} / {high:>4.0f} ms  {med + overhead_ms:>9.0f} / {high + overhead_ms:>4.0f} ms"
              f"   {'; '.join(cut[spoken_corpus.FINISHED])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--overhead-ms", type=float, default=77.0,
                        help="live gap less the policy's wait (bench_turn_taking, quiet: 427 ms median at 350 ms)")
    parser.add_argument("--waits", default="300,350,450,550,650,750,900,1100,1300")
    args = parser.parse_args()
    _, replies = spoken_corpus.build()
    sweep(replies, [int(w) for w in args.waits.split(",")], args.overhead_ms)


if __name__ == "__main__":
    main()
