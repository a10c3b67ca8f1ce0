"""Judge figures: throughput (replies per second, one core), `rehearsal score` cold start, and
agreement with the labelled replies in tests/data (per slice, per form, per dimension), next to
a plain keyword matcher.

    .venv/bin/python benchmarks/bench_judge.py [--seconds 5] [--runs 7] [--speed-only]

Speed: for the hybrid judge (rules + learned reader) and the rules alone, replies/s, one reply's
latency, and the time to load the judge; and `rehearsal score --jsonl` in bulk.

Throughput is reported against CPU time (what one core can do) and wall time (what you get on
this machine right now); on a shared machine the two differ.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from judge_data import (  # noqa: E402
    DIMENSIONS,
    FORMS,
    HARD_BLIND1,
    HARD_BLIND2,
    HARD_BLIND3,
    HARD_CLASSES4,
    HARD_TRAIN,
    is_holdout,
    load_hard,
    agreement,
    judge_guess,
    keyword_guess,
    load_blind,
    load_blind2,
    load_rows,
)

SLICES: dict[str, tuple[str, ...]] = {
    "tuned on (guide + train)": ("guide", "train"),
    "heldout": ("heldout",),
    "fresh": ("fresh",),
    "fresh2": ("fresh2",),
    "fresh3": ("fresh3",),
    "fresh4": ("fresh4",),
    "fresh5": ("fresh5",),
    "fresh6": ("fresh6",),
    "fresh7": ("fresh7",),
    "fresh8": ("fresh8",),
    "fresh9": ("fresh9",),
    "classes1": ("classes1",),
    "classes2": ("classes2",),
    "classes3": ("classes3",),
}
SLICES["all"] = tuple(split for splits in SLICES.values() for split in splits)


def throughput(seconds: float, learned: bool = True) -> tuple[float, float]:
    from rehearsal.judging.judge import Judge

    rows = load_rows()
    texts = [r.text for r in rows] + [r.recognized for r in rows]
    judge = Judge(learned=learned)
    for text in texts:  # warm the per-word caches once, as a long session would
        judge.judge(text)
    n = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall0 < seconds:
        for text in texts:
            judge.judge(text)
        n += len(texts)
    return n / (time.process_time() - cpu0), n / (time.perf_counter() - wall0)


def latency(learned: bool = True) -> tuple[float, float, float]:
    """Median, 99th percentile and worst CPU ms to judge one reply (hard replies with their
    manager's line, then the everyday ones), caches warm."""
    from judge_data import HARD_TRAIN, load_hard

    from rehearsal.judging.judge import Judge

    judge = Judge(learned=learned)
    items = [(r.text, r.context) for r in load_hard(HARD_TRAIN, "hard_train")] + [(r.text, None) for r in load_rows()]
    for text, context in items:
        judge.judge(text, context)
    times = []
    for text, context in items:
        t0 = time.process_time()
        judge.judge(text, context)
        times.append((time.process_time() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.99 * len(times))], times[-1]


def load_time(runs: int, learned: bool = True) -> tuple[float, float]:
    """Median wall ms and CPU ms to import the judge and load it (with the learned reader's weights)."""
    code = (
        "import time; t = time.perf_counter(); c = time.process_time(); from rehearsal.judging.judge import Judge; "
        f"Judge(learned={learned}); print(time.perf_counter() - t, time.process_time() - c)"
    )
    out = [subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split() for _ in range(runs)]
    return statistics.median(float(w) for w, _ in out) * 1000, statistics.median(float(c) for _, c in out) * 1000


def bulk_jsonl(n: int = 3000) -> tuple[float, float]:
    """`rehearsal score --jsonl` on n replies (with context where the set has it): replies/s per
    core (CPU time, start-up included) and wall."""
    import json
    import tempfile

    from judge_data import HARD_TRAIN, load_hard

    rows = load_hard(HARD_TRAIN, "hard_train") + load_rows()
    lines = [json.dumps({"id": i, "text": r.text, "context": r.context or None}) for i, r in enumerate(rows)]
    lines = (lines * (n // len(lines) + 1))[:n]
    with tempfile.TemporaryFile("w+") as fh:
        fh.write("\n".join(lines) + "\n")
        fh.seek(0)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rehearsal", "score", "--jsonl"], stdin=fh, check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return n / cpu, n / wall


def _start_times(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall ms and median CPU ms (user + system) of running `cmd`."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def cold_start(runs: int) -> tuple[float, float]:
    reply = "Thanks for your time, what could I have done differently?"
    return _start_times([sys.executable, "-m", "rehearsal", "score", reply], runs)


def python_start(runs: int) -> tuple[float, float]:
    return _start_times([sys.executable, "-c", "pass"], runs)


def agreement_table(held_out: bool = False) -> None:
    rows = load_rows()
    judge = judge_guess()
    rules_only = judge_guess(False)
    head = "".join(f"{d:>18}" for d in DIMENSIONS)
    print(f"{'slice':<26}{'form':<12}{'n':>5}{head}")
    for name, splits in SLICES.items():
        part = [r for r in rows if r.split in splits]
        for form in FORMS:
            ours = agreement(part, form, judge)
            kw = agreement(part, form, keyword_guess)
            cells = "".join(f"{ours[d]:>10.3f} ({kw[d]:.2f})" for d in DIMENSIONS)
            print(f"{name:<26}{form:<12}{len(part):>5}{cells}")
    for name, hard in (
        ("hard_train (trained on)", [r for r in load_hard(HARD_TRAIN, "hard_train") if not is_holdout(r.id)]),
        ("hard_train held out", [r for r in load_hard(HARD_TRAIN, "hard_train") if is_holdout(r.id)]),
        ("hard_blind1 (trained on)", [r for r in load_hard(HARD_BLIND1, "hard_blind1") if not is_holdout(r.id)]),
        ("hard_blind3 (trained on)", [r for r in load_hard(HARD_BLIND3, "hard_blind3") if not is_holdout(r.id)]),
        ("hard_classes4 (trained on)", [r for r in load_hard(HARD_CLASSES4, "hard_classes4") if not is_holdout(r.id)]),
        # The held-out blind set is measured once per session, on purpose (measure_blind.py): not by default.
        *([("hard_blind2 (held out)", load_hard(HARD_BLIND2, "hard_blind2"))] if held_out else []),
    ):
        for form in FORMS:
            ours = agreement(hard, form, judge)
            rules = agreement(hard, form, rules_only)
            cells = "".join(f"{ours[d]:>10.3f} ({rules[d]:.2f})" for d in DIMENSIONS)
            print(f"{name:<26}{form:<12}{len(hard):>5}{cells}")
    for name, blind in (("blind", load_blind()), ("blind2", load_blind2())):  # no door labels
        for form in FORMS:
            ours = agreement(blind, form, judge)
            kw = agreement(blind, form, keyword_guess)
            cells = "".join(f"{ours[d]:>10.3f} ({kw[d]:.2f})" for d in DIMENSIONS if d != "door_open")
            print(f"{name:<26}{form:<12}{len(blind):>5}{cells}{'n/a':>18}")
    print("(in brackets: a plain keyword matcher on the same replies; for the hard sets, the rules alone)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--speed-only", action="store_true", help="no agreement table")
    parser.add_argument("--held-out", action="store_true", help="also the held-out blind set (hard_blind2); measure it once, at the end")
    args = parser.parse_args()
    for name, learned in (("hybrid (rules + learned reader)", True), ("rules only", False)):
        per_cpu, per_wall = throughput(args.seconds, learned)
        med, p99, worst = latency(learned)
        print(f"{name}: {per_cpu:,.0f} replies/s per core (CPU time), {per_wall:,.0f} replies/s wall; "
              f"one reply {med:.2f} ms median, {p99:.2f} ms p99, {worst:.2f} ms worst (CPU); "
              "loaded in {:.0f} ms wall, {:.0f} ms CPU (import + load, median of {})".format(*load_time(args.runs, learned), args.runs))
    bulk_cpu, bulk_wall = bulk_jsonl()
    print(f"rehearsal score --jsonl (hybrid, 3,000 replies, start-up included): {bulk_cpu:,.0f} replies/s per core (CPU), {bulk_wall:,.0f} wall")
    wall, cpu = cold_start(args.runs)
    bare_wall, bare_cpu = python_start(args.runs)
    print(
        f"rehearsal score cold start: {wall:.0f} ms wall, {cpu:.0f} ms CPU (median of {args.runs}); "
        f"a bare python start: {bare_wall:.0f} ms wall, {bare_cpu:.0f} ms CPU"
    )
    if not args.speed_only:
        print()
        agreement_table(args.held_out)


if __name__ == "__main__":
    main()
