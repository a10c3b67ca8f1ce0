"""Out-of-fold gratitude decisions of the learned reader, by form, for thresholds to take away thanks
the rules found (session judge5). The same 5-fold CV as bench_judge_cv.py (folds by a hash of the row
id, both forms in one fold, the whole two-stage training inside each fold), for the gratitude
decision alone (its models do not depend on the other decisions'), so it runs in a fraction of the
time; the probabilities are kept, so every threshold is scored from one training per fold.

    .venv/bin/python benchmarks/bench_judge_thanks.py [--authored] [--variants default,grat-own]
        [--take 0.7,0.8,0.9,0.95,0.99,1.01] [--misses]   # --misses: training rows the pick gets wrong

Prints figures only (and with --misses the text of training rows, never of a held-out set).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

import train_judge as tj  # noqa: E402
from bench_judge_cv import VARIANTS, cv_fold  # noqa: E402
from judge_data import authored_rows, training_rows  # noqa: E402

from rehearsal.judging import learned  # noqa: E402


def out_of_fold(examples: list, extra: list, config: tj.Config, folds: int) -> np.ndarray:
    """P(thanks) for each example from a reader trained on the other folds (gratitude only)."""
    classes, dims = tj.CLASSES, learned.DIMENSIONS
    tj.CLASSES, learned.DIMENSIONS = {"gratitude": classes["gratitude"]}, ("gratitude",)
    try:
        p = np.zeros(len(examples))
        for f in range(folds):
            train = [e for e in examples if cv_fold(e.row.id, folds) != f] + extra
            spec = tj.train([], config, examples=train)
            reader = learned.LearnedReader({**spec, "overrule_at": {"gratitude": 0.7}})
            for i, e in enumerate(examples):
                if cv_fold(e.row.id, folds) == f:
                    p[i] = reader.decide(e.text_feats, e.signals, e.windows)["gratitude"][0][1]
        return p
    finally:
        tj.CLASSES, learned.DIMENSIONS = classes, dims


def pick(p: np.ndarray, ruled: np.ndarray, give_at: float, take_at: float) -> np.ndarray:
    """The reader's yes/no, the rules' where it is not sure enough to overrule them."""
    yes = p >= 0.5
    return np.where(ruled, np.where(~yes & (1 - p >= take_at), False, True), np.where(yes & (p >= give_at), True, False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--variants", default="default,grat-own")
    parser.add_argument("--authored", action="store_true")
    parser.add_argument("--take", default="0.7,0.8,0.9,0.95,0.99,1.01")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    examples = tj.featurize(training_rows())
    extra = tj.featurize(authored_rows()) if args.authored else []
    y = np.array([e.row.gratitude for e in examples])
    ruled = np.array(["r:thanks" in e.signals for e in examples])
    form = np.array([i % 2 for i in range(len(examples))])  # featurize: typed, then recognized
    hard = np.array([e.row.split.startswith("hard") for e in examples])
    slices = {"hard typed": hard & (form == 0), "hard recog": hard & (form == 1),
              "everyday typed": ~hard & (form == 0), "everyday recog": ~hard & (form == 1)}
    print(f"{args.folds}-fold CV, gratitude, {len(examples) // 2} training rows" + (f" (+{len(extra) // 2} authored in every training fold)" if extra else ""))
    print(f"{'':>22}" + "".join(f"{name} (n={int(m.sum())})".rjust(24) for name, m in slices.items()) + "   overrules right/wrong")
    print(f"{'rules':>22}" + "".join(f"{(ruled[m] == y[m]).mean():24.3f}" for m in slices.values()))
    for name in args.variants.split(","):
        p = out_of_fold(examples, extra, VARIANTS[name], args.folds)
        for take in map(float, args.take.split(",")):
            got = pick(p, ruled, 0.7, take)
            changed = got != ruled
            print(f"{name + ' take@' + str(take):>22}" + "".join(f"{(got[m] == y[m]).mean():24.3f}" for m in slices.values())
                  + f"   {int((changed & (got == y)).sum())}/{int((changed & (got != y)).sum())}", flush=True)
            if args.misses and take == 0.7:
                for i in np.flatnonzero(got != y):
                    e = examples[i]
                    print(f"  miss {e.row.id} {'rec' if form[i] else 'typ'} want {int(y[i])} rules {int(ruled[i])} p={p[i]:.2f}: {(e.row.recognized if form[i] else e.row.text)[:120]!r}")


if __name__ == "__main__":
    main()
