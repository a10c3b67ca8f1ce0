"""K-fold cross-validation of the judge's learned reader on its training rows, and variants of
what it reads (word n-grams only, + character n-grams, + stretches of long replies).

    .venv/bin/python benchmarks/bench_judge_cv.py [--folds 5] [--variants base,chars,windows,both]
        [--authored]   # add the rows in tests/data/judge_authored_*.tsv to training (never to scoring)

Each fold's rows are judged by a reader trained on the other folds only (the whole two-stage
training, out-of-fold text scores inside it too), so every figure is on replies that reader did
not see. Folds are by a hash of the row id, so a reply's typed and recognizer forms stay together.
Figures are split into the hard sets (with the manager's line) and the everyday sets, both forms
counted. Read with care: the rules were written while reading these rows, so the "rules" line is
in-sample for the rules; the gain of a variant over "base" is what this measures. Prints figures
only, no reply text.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "tests"))

import train_judge as tj  # noqa: E402
from bench_judge_learning import DIMS, rules_agreement  # noqa: E402
from judge_data import authored_rows, training_rows  # noqa: E402

_ALL = ("gratitude", "feedback_request", "tone")
VARIANTS = {
    "base": replace(tj.Config(), chars=(), windows=()),  # word n-grams only (the reader before session judge3)
    "chars": replace(tj.Config(), chars=_ALL, windows=()),
    "windows": replace(tj.Config(), chars=(), windows=_ALL),
    "both": replace(tj.Config(), chars=_ALL, windows=_ALL),
    "chars-fb": replace(tj.Config(), chars=("feedback_request",), windows=()),
    "chars-fb+win": replace(tj.Config(), chars=("feedback_request",), windows=_ALL),
    "default": tj.Config(),  # as shipped: character n-grams for the request, stretches for tone
    # Session judge4: how strongly the n-gram models are regularised, how much the hard rows weigh.
    "l2-3e-4": replace(tj.Config(), text_l2=3e-4),
    "l2-3e-3": replace(tj.Config(), text_l2=3e-3),
    "l2-1e-2": replace(tj.Config(), text_l2=1e-2),
    "comb-l2-1e-2": replace(tj.Config(), combiner_l2=1e-2),
    "hard5": replace(tj.Config(), hard_weight=5.0, text_hard_weight=5.0),
    "hard1": replace(tj.Config(), hard_weight=1.0, text_hard_weight=1.0),
    "min1": replace(tj.Config(), min_rows=1),
    "min3": replace(tj.Config(), min_rows=3),
    "iters600": replace(tj.Config(), iters=600),
    # Session judge5: the gratitude combiner reads only the rules' findings about thanks.
    "grat-own": replace(tj.Config(), grat_own=True),
}


NEWEST = ("hard_blind5", "hard_blind6", "hard_blind7", "hard_blind8")


def cv_fold(row_id: str, folds: int) -> int:
    return zlib.crc32(f"cv:{row_id}".encode()) % folds


def pooled(parts: list[dict[str, float]], sizes: list[int]) -> dict[str, float]:
    return {d: float(np.average([p[d] for p in parts], weights=sizes)) for d in DIMS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--variants", default="base,chars,windows,both")
    parser.add_argument("--authored", action="store_true")
    parser.add_argument("--misses", action="store_true", help="also print the hard training rows each variant gets wrong out of fold (their text: training rows only)")
    parser.add_argument("--never-train-on", default="", help="splits (comma-separated) scored but kept out of every training fold")
    parser.add_argument("--overrule", default="", help="thresholds to try on each fold's reader, as g/f/t;g/f/t (overrule_at: gratitude, request, tone); no retraining")
    parser.add_argument("--take-thanks", default="", help="take_thanks_at values to try (comma-separated), each with the shipped overrule_at; no retraining")
    args = parser.parse_args()
    never = set(filter(None, args.never_train_on.split(",")))
    examples = tj.featurize(training_rows())
    extra = tj.featurize(authored_rows()) if args.authored else []
    slices = {
        "hard": lambda e: e.row.split.startswith("hard"),
        "everyday": lambda e: not e.row.split.startswith("hard"),
        # the newest blind-labelled batches (in training since session judge4): the nearest thing to
        # a fresh batch inside the training rows
        "newest": lambda e: e.row.split in NEWEST,
    }
    print(f"{args.folds}-fold CV over {len(examples) // 2} training rows" + (f" (+{len(extra) // 2} authored rows in every training fold)" if extra else ""))
    print(f"{'reader':>10}  " + "  ".join(f"{name} (n={sum(map(fn, examples)) // 2}): " + " / ".join(DIMS) for name, fn in slices.items()))
    print(f"{'rules':>10}  " + "  ".join(" ".join(f"{rules_agreement([e for e in examples if fn(e)])[d]:.3f}" for d in DIMS) for fn in slices.values()))
    thresholds: list = [None] + [tuple(float(x) for x in t.split("/")) for t in filter(None, args.overrule.split(";"))]
    thresholds += [float(x) for x in filter(None, args.take_thanks.split(","))]
    for name in args.variants.split(","):
        config = VARIANTS[name]
        got: dict = {(t, s): [] for t in thresholds for s in slices}
        sizes: dict[str, list[int]] = {s: [] for s in slices}
        for f in range(args.folds):
            train = [e for e in examples if cv_fold(e.row.id, args.folds) != f and e.row.split not in never] + extra
            test = [e for e in examples if cv_fold(e.row.id, args.folds) == f]
            spec = tj.train([], config, examples=train)
            if args.misses:
                hard = [e for e in test if e.row.split.startswith("hard")]
                pred = tj.predict(spec, hard)
                for j, e in enumerate(hard):
                    wrong = [d for d in tj.CLASSES if pred[d][j] != tj.label(e.row, d)]
                    if wrong:
                        text = e.row.text if j % 2 == 0 else e.row.recognized
                        print(f"  miss {e.row.id} {'/'.join(wrong)}: {text!r}")
            shipped, take = dict(spec["overrule_at"]), spec["take_thanks_at"]
            for t in thresholds:
                spec["overrule_at"] = dict(zip(tj.CLASSES, t)) if isinstance(t, tuple) else shipped
                spec["take_thanks_at"] = t if isinstance(t, float) else take if t is None else t[0]
                for s, fn in slices.items():
                    part = [e for e in test if fn(e)]
                    got[(t, s)].append(tj.agreement(spec, part))
            for s, fn in slices.items():
                sizes[s].append(sum(map(fn, test)))
        for t in thresholds:
            line = "  ".join(" ".join(f"{pooled(got[(t, s)], sizes[s])[d]:.3f}" for d in DIMS) for s in slices)
            label = name if t is None else f"{name}@{'/'.join(map(str, t))}" if isinstance(t, tuple) else f"{name}@take{t}"
            print(f"{label:>10}  {line}", flush=True)

if __name__ == "__main__":
    main()
