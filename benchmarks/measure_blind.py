"""First contact with a blind labelled set: agreement figures only, never a reply's text.

    .venv/bin/python benchmarks/measure_blind.py tests/data/judge_hard_blind1.tsv --split hard_blind1 [--before 3b142b8]

Prints, per form (typed; recognizer form from tests/data/make_recognized.py), the agreement of the
hybrid judge (rules + learned reader) and of the rules alone (the judge before the learned
reader), both given the manager's line; with --before COMMIT, also the judge as it was at that
commit (git history; the judge before the learned reader is 3b142b8). It prints no text and no
disagreement, so it can be run on a set nobody may read yet.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from judge_data import FORMS, Guess, agreement, judge_guess, load_hard  # noqa: E402

# Judges each line (a JSON string) with the judge of an older commit; prints only its labels.
_OLD_JUDGE = r"""
import inspect, json, sys
from rehearsal.judging.judge import Judge
judge = Judge()
takes_context = "context" in inspect.signature(judge.judge).parameters  # judges before context had none
for line in sys.stdin:
    text, context = json.loads(line)
    v = judge.judge(text, context=context or None) if takes_context else judge.judge(text)
    print(json.dumps([v.gratitude.detected, v.feedback_request.detected, v.tone.label, v.door_open.detected]))
"""


def old_guess(commit: str, asks: list[tuple[str, str]]):
    """A guesser answering from the judge at `commit` (judged all at once, in a subprocess), each reply
    with the manager's line before it, as the judge of today is given it (when that judge took one)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "rehearsal"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        out = subprocess.run(
            [sys.executable, "-c", _OLD_JUDGE], input="\n".join(json.dumps(list(a)) for a in asks), check=True,
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": tmp}, cwd=tmp,
        ).stdout.splitlines()
    answers = {a: Guess(*json.loads(line)) for a, line in zip(asks, out)}
    return lambda text, context=None: answers[(text, context or "")]

DIMS = ("gratitude", "feedback_request", "tone_negative", "tone_3way", "door_open")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--split", default="blind")
    parser.add_argument("--before", help="also measure the judge as it was at this commit")
    args = parser.parse_args()
    rows = load_hard(args.path, args.split)
    with_context = sum(bool(r.context) for r in rows)
    print(f"{args.path.name}: {len(rows)} replies ({with_context} with the manager's line)")
    print(f"{'judge':<22}{'form':<12}" + "".join(f"{d:>18}" for d in DIMS))
    judges = [("hybrid", judge_guess(True)), ("rules only", judge_guess(False))]
    if args.before:
        judges.append((f"judge at {args.before}", old_guess(args.before, [(getattr(r, f), r.context or "") for r in rows for f in FORMS])))
    for name, guess in judges:
        for form in FORMS:
            got = agreement(rows, form, guess)
            print(f"{name:<22}{form:<12}" + "".join(f"{got[d]:>18.3f}" for d in DIMS))


if __name__ == "__main__":
    main()
