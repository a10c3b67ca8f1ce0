"""Learning curve of the judge's learned reader: agreement as the training data grows.

    .venv/bin/python benchmarks/bench_judge_learning.py [--with-blind1] [--authored] [--by-batch]

Trains the reader (scripts/train_judge.py, same config) on 25 / 50 / 75 / 100 % of the training
rows (a fixed subset by a hash of the row id, so each step holds the one before) and prints
agreement, typed and recognizer form together, on: the held-out slice of the hard training set,
the held-out slice of the everyday sets, and blind1 (by default the reader is trained without it,
as when blind1 was first measured; --with-blind1 adds it to training and drops that column). The
rules alone are the 0 % row. --authored adds the replies session judge3 wrote from the guide
(tests/data/judge_authored_*.tsv) to the training rows, subset the same way. Prints figures only,
no reply text.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "tests"))

import train_judge as tj  # noqa: E402
from judge_data import HARD_BLIND1, authored_rows, holdout_newer_hard_rows, holdout_rows, load_hard, training_rows  # noqa: E402

DIMS = ("gratitude", "feedback_request", "tone_negative", "tone_3way")


def rules_agreement(examples: list[tj.Example]) -> dict[str, float]:
    import numpy as np

    got = {}
    y = {d: np.array([tj.label(e.row, d) for e in examples]) for d in tj.CLASSES}
    g = np.array([int("r:thanks" in e.signals) for e in examples])
    f = np.array([int("r:ask" in e.signals) for e in examples])
    t = np.array([tj.CLASSES["tone"].index(next((s[7:] for s in e.signals if s.startswith("r:tone:")), "neutral")) for e in examples])
    got["gratitude"] = float((g == y["gratitude"]).mean())
    got["feedback_request"] = float((f == y["feedback_request"]).mean())
    got["tone_negative"] = float(((t == 0) == (y["tone"] == 0)).mean())
    got["tone_3way"] = float((t == y["tone"]).mean())
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--with-blind1", action="store_true")
    parser.add_argument("--authored", action="store_true")
    parser.add_argument("--by-batch", action="store_true", help="grow the data batch by batch, as it arrived (session judge4), not by a hash")
    args = parser.parse_args()
    train_rows = training_rows(include_blind1=args.with_blind1) + (authored_rows() if args.authored else [])
    held = holdout_rows()
    evals = {
        "held-out hard": tj.featurize([r for r in held if r.split.startswith("hard")]),
        "held-out everyday": tj.featurize([r for r in held if not r.split.startswith("hard")]),
        # the held-out slice of the later hard sets (blind1 ... blind8, train5, train6a/b): never trained on
        "held-out newer hard": tj.featurize(holdout_newer_hard_rows()),
    }
    if not args.with_blind1:
        evals["blind1"] = tj.featurize(load_hard(HARD_BLIND1, "hard_blind1"))
    examples = tj.featurize(train_rows)
    print(f"{'train':>12}{'rows':>6}  " + "  ".join(f"{name} (n={len(ex) // 2}): " + " / ".join(DIMS) for name, ex in evals.items()))
    row = [f"{'rules only':>12}{0:>6}"]
    for ex in evals.values():
        got = rules_agreement(ex)
        row.append(" ".join(f"{got[d]:.3f}" for d in DIMS))
    print("  ".join(row))
    steps = [(f"{pct} %", [e for e in examples if zlib.crc32(f"curve:{e.row.id}".encode()) % 100 < pct]) for pct in (25, 50, 75, 100)]
    if args.by_batch:
        extra = authored_rows() if args.authored else []
        batches = [
            ("to judge3", dict(include_train5=False, include_blind56=False, include_session8=False)),
            ("+train5", dict(include_blind56=False, include_session8=False)),
            ("+blind5/6", dict(include_session8=False)),
            ("+session 8", {}),
        ]
        steps = [(name, tj.featurize(training_rows(include_blind1=args.with_blind1, **kw) + extra)) for name, kw in batches]
    for name, keep in steps:
        spec = tj.train([], tj.Config(), examples=keep)
        row = [f"{name:>12}{len(keep) // 2:>6}"]
        for ex in evals.values():
            got = tj.agreement(spec, ex)
            row.append(" ".join(f"{got[d]:.3f}" for d in DIMS))
        print("  ".join(row), flush=True)

if __name__ == "__main__":
    main()
