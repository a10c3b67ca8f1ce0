"""Judge figures: throughput (replies per second, one core), `rehearsal score` cold start, and
agreement with the labelled replies in tests/data (per slice, per form, per dimension), next to
a plain keyword matcher.

    .venv/bin/python benchmarks/bench_judge.py [--seconds 5] [--runs 7]

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


def throughput(seconds: float) -> tuple[float, float]:
    from rehearsal.judging.judge import Judge

    rows = load_rows()
    texts = [r.text for r in rows] + [r.recognized for r in rows]
    judge = Judge()
    for text in texts:  # warm the per-word caches once, as a long session would
        judge.judge(text)
    n = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall0 < seconds:
        for text in texts:
            judge.judge(text)
        n += len(texts)
    return n / (time.process_time() - cpu0), n / (time.perf_counter() - wall0)


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


def agreement_table() -> None:
    rows = load_rows()
    judge = judge_guess()
    head = "".join(f"{d:>18}" for d in DIMENSIONS)
    print(f"{'slice':<26}{'form':<12}{'n':>5}{head}")
    for name, splits in SLICES.items():
        part = [r for r in rows if r.split in splits]
        for form in FORMS:
            ours = agreement(part, form, judge)
            kw = agreement(part, form, keyword_guess)
            cells = "".join(f"{ours[d]:>10.3f} ({kw[d]:.2f})" for d in DIMENSIONS)
            print(f"{name:<26}{form:<12}{len(part):>5}{cells}")
    for name, blind in (("blind", load_blind()), ("blind2", load_blind2())):  # no door labels
        for form in FORMS:
            ours = agreement(blind, form, judge)
            kw = agreement(blind, form, keyword_guess)
            cells = "".join(f"{ours[d]:>10.3f} ({kw[d]:.2f})" for d in DIMENSIONS if d != "door_open")
            print(f"{name:<26}{form:<12}{len(blind):>5}{cells}{'n/a':>18}")
    print("(in brackets: a plain keyword matcher on the same replies)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    per_cpu, per_wall = throughput(args.seconds)
    print(f"judge throughput: {per_cpu:,.0f} replies/s per core (CPU time), {per_wall:,.0f} replies/s wall")
    wall, cpu = cold_start(args.runs)
    bare_wall, bare_cpu = python_start(args.runs)
    print(
        f"rehearsal score cold start: {wall:.0f} ms wall, {cpu:.0f} ms CPU (median of {args.runs}); "
        f"a bare python start: {bare_wall:.0f} ms wall, {bare_cpu:.0f} ms CPU"
    )
    print()
    agreement_table()


if __name__ == "__main__":
    main()
