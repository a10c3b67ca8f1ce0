"""The labelled replies (tests/data/judge_labelled.tsv, the blind and hard sets), agreement figures,
the held-out slice the learned reader never trains on, and a keyword baseline.

Shared by the judge tests, benchmarks/bench_judge*.py and scripts/train_judge.py.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

LABELLED = Path(__file__).parent / "data" / "judge_labelled.tsv"
# A blind test: 150 replies labelled by the same guide, written apart from the rules and first
# measured untouched (docs/judge.md has its figures). Reported on its own; never tuned on.
BLIND = Path(__file__).parent / "data" / "judge_blind.tsv"
# A second blind test: 120 replies, same columns, same rules (docs/judge.md has its first-pass and
# after-fix figures). Reported on its own slice; no test asserts targets on it.
BLIND2 = Path(__file__).parent / "data" / "judge_blind2.tsv"
# Hard replies with the manager's line before each (columns: id, context, gratitude,
# feedback_request, tone, door_open, text), written and labelled blind by annotators who had not
# read the judge. HARD_TRAIN is for training. HARD_BLIND1 was measured untouched first (docs/judge.md),
# then studied and added to training. HARD_BLIND2 is held out: measured once, after the last change
# to the model and rules; never trained or tuned on.
HARD_TRAIN = Path(__file__).parent / "data" / "judge_hard_train.tsv"
HARD_BLIND1 = Path(__file__).parent / "data" / "judge_hard_blind1.tsv"
HARD_BLIND2 = Path(__file__).parent / "data" / "judge_hard_blind2.tsv"
# HARD_BLIND3 was measured untouched first on merged main (docs/judge.md), then studied and added to
# training. HARD_CLASSES4 was written after that, aimed at the classes of request it showed (labelled
# by the guide, with look-alike controls), scored once, then trained on. Both keep the one-in-five
# held-out slice (is_holdout) out of training.
HARD_BLIND3 = Path(__file__).parent / "data" / "judge_hard_blind3.tsv"
HARD_CLASSES4 = Path(__file__).parent / "data" / "judge_hard_classes4.tsv"
# HARD_BLIND4: a fourth blind set, measured once at the end of session judge2 (docs/judge.md); not
# read and not trained on, so the next session can study it (or keep it held out).
HARD_BLIND4 = Path(__file__).parent / "data" / "judge_hard_blind4.tsv"
# 300 hard replies written and labelled blind (guide only) in session 6, for training.
HARD_TRAIN5 = Path(__file__).parent / "data" / "judge_hard_train5.tsv"
# Written and labelled blind in session 6 and held out then; first contact (judge as at f25fb6a) is in
# docs/judge.md. Moved into training by session judge4 (2026-12-01, 15:40 UTC), after that first contact
# had been recorded and they had been measured three times: they were no longer a first-contact measure,
# and more blind-labelled rows were what had moved the feedback request most. Their misses are read.
HARD_BLIND5 = Path(__file__).parent / "data" / "judge_hard_blind5.tsv"
HARD_BLIND6 = Path(__file__).parent / "data" / "judge_hard_blind6.tsv"
# Session 8 (2026-12-01): blind7 and blind8 (150 each, labellers helper-22 and helper-23) were measured
# untouched against main @ a5370f0 by the lead (first contact in docs/judge.md), then released to
# session judge4 at 15:36 UTC to read and train on; train6a (request-leaning) and train6b (tone-leaning),
# 150 each, written for training, first contact likewise recorded by the lead, released at 15:39 UTC.
HARD_BLIND7 = Path(__file__).parent / "data" / "judge_hard_blind7.tsv"
HARD_BLIND8 = Path(__file__).parent / "data" / "judge_hard_blind8.tsv"
HARD_TRAIN6A = Path(__file__).parent / "data" / "judge_hard_train6a.tsv"
HARD_TRAIN6B = Path(__file__).parent / "data" / "judge_hard_train6b.tsv"
# Held out, session 8: blind9 and blind10 (labellers helper-24, helper-30) and blind11 and blind12
# (helper-33, helper-34), 150 each, written while the judge was being changed and never given to
# whoever changed it; measured by the lead only (figures in docs/judge.md, "Session 8: first contact
# on held-out batches"). Not trained on. The lead read three rows of blind10 (its gratitude misses).
HARD_HELD_OUT_8 = [Path(__file__).parent / "data" / f"judge_hard_blind{n}.tsv" for n in (9, 10, 11, 12)]
FORMS = ("text", "recognized")
DIMENSIONS = ("gratitude", "feedback_request", "tone_negative", "tone_3way", "door_open")


@dataclass(frozen=True)
class Row:
    id: str
    split: str  # guide (the scoring guide's own examples), train, heldout (never tuned on)
    gratitude: bool
    feedback_request: bool
    tone: str
    door_open: bool
    text: str
    recognized: str
    context: str = ""  # the manager's line before the reply, when the set has one


def load_rows() -> list[Row]:
    with LABELLED.open(newline="") as fh:
        return [
            Row(
                id=r["id"],
                split=r["split"],
                gratitude=r["gratitude"] == "1",
                feedback_request=r["feedback_request"] == "1",
                tone=r["tone"],
                door_open=r["door_open"] == "1",
                text=r["text"],
                recognized=r["recognized"],
            )
            for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def load_blind(path: Path = BLIND, prefix: str = "b", split: str = "blind") -> list[Row]:
    """The blind replies (columns: gratitude, feedback_request, tone, text), with a recognizer form
    made the same way as the labelled set's (tests/data/make_recognized.py). No door labels."""
    spec = importlib.util.spec_from_file_location("make_recognized", LABELLED.parent / "make_recognized.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    with path.open(newline="") as fh:
        return [
            Row(
                id=f"{prefix}{i:03d}",
                split=split,
                gratitude=r["gratitude"] == "1",
                feedback_request=r["feedback_request"] == "1",
                tone=r["tone"],
                door_open=False,
                text=r["text"],
                recognized=make.recognized(r["text"], f"{prefix}{i:03d}"),
            )
            for i, r in enumerate(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=1)
        ]


def load_blind2() -> list[Row]:
    """The second blind set, loaded like the first (ids c001..., split "blind2")."""
    return load_blind(BLIND2, "c", "blind2")


def _make_recognized():
    spec = importlib.util.spec_from_file_location("make_recognized", LABELLED.parent / "make_recognized.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    return make


def load_hard(path: Path, split: str) -> list[Row]:
    """A hard set (with context and door labels); ids are prefixed by the split so sets never collide."""
    if not path.exists():
        return []
    make = _make_recognized()
    with path.open(newline="") as fh:
        rows = []
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            ident = f"{split}:{r['id']}"
            rows.append(
                Row(
                    id=ident,
                    split=split,
                    gratitude=r["gratitude"].strip() == "1",
                    feedback_request=r["feedback_request"].strip() == "1",
                    tone=r["tone"].strip(),
                    door_open=r.get("door_open", "0").strip() == "1",
                    text=r["text"],
                    recognized=make.recognized(r["text"], ident),
                    context=r.get("context") or "",
                )
            )
    return rows


def is_holdout(row_id: str) -> bool:
    """One row id in five, by a hash: the slice the learned reader is never trained on."""
    return zlib.crc32(row_id.encode()) % 5 == 0


def training_rows(
    include_blind1: bool = True, include_blind3: bool = True, include_train5: bool = True, include_blind56: bool = True,
    include_session8: bool = True,
) -> list[Row]:
    """Every row the learned reader may be trained on: all labelled sets but HARD_BLIND2 and
    HARD_BLIND4 (held out) and the held-out slice. `include_blind1=False` gives the rows before
    blind1 was added, `include_blind3=False` those before blind3 and classes4 were,
    `include_blind56=False` those before blind5 and blind6 were, `include_session8=False` those before
    blind7, blind8, train6a and train6b were (both added in session judge4)."""
    rows = load_rows() + load_blind() + load_blind2() + load_hard(HARD_TRAIN, "hard_train")
    if include_blind1:
        rows += load_hard(HARD_BLIND1, "hard_blind1")
    if include_blind3:
        rows += load_hard(HARD_BLIND3, "hard_blind3") + load_hard(HARD_CLASSES4, "hard_classes4")
    if include_train5:
        rows += load_hard(HARD_TRAIN5, "hard_train5")
    if include_blind56:
        rows += load_hard(HARD_BLIND5, "hard_blind5") + load_hard(HARD_BLIND6, "hard_blind6")
    if include_session8:
        rows += load_hard(HARD_BLIND7, "hard_blind7") + load_hard(HARD_BLIND8, "hard_blind8")
        rows += load_hard(HARD_TRAIN6A, "hard_train6a") + load_hard(HARD_TRAIN6B, "hard_train6b")
    return [r for r in rows if not is_holdout(r.id)]


def holdout_rows() -> list[Row]:
    """The held-out slice of the training sets (never trained on), everyday and hard."""
    rows = load_rows() + load_blind() + load_blind2() + load_hard(HARD_TRAIN, "hard_train")
    return [r for r in rows if is_holdout(r.id)]


def holdout_newer_hard_rows() -> list[Row]:
    """The held-out slice (is_holdout) of the hard sets added after hard_train: never trained on
    either, and ~300 rows where holdout_rows() has 58 hard ones (its rules were read, though, so
    it is no blind estimate). Session judge4's learning curve reads it."""
    rows = load_hard(HARD_BLIND1, "hard_blind1") + load_hard(HARD_BLIND3, "hard_blind3") + load_hard(HARD_CLASSES4, "hard_classes4")
    rows += load_hard(HARD_TRAIN5, "hard_train5") + load_hard(HARD_BLIND5, "hard_blind5") + load_hard(HARD_BLIND6, "hard_blind6")
    rows += load_hard(HARD_BLIND7, "hard_blind7") + load_hard(HARD_BLIND8, "hard_blind8")
    rows += load_hard(HARD_TRAIN6A, "hard_train6a") + load_hard(HARD_TRAIN6B, "hard_train6b")
    return [r for r in rows if is_holdout(r.id)]


@dataclass(frozen=True)
class Guess:
    gratitude: bool
    feedback_request: bool
    tone: str
    door_open: bool = False


def agreement(rows: Iterable[Row], form: str, guess: Callable[..., Guess]) -> dict[str, float]:
    """Share of rows each dimension agrees on; `guess(text, context)` sees the manager's line too."""
    rows = list(rows)
    hits = dict.fromkeys(DIMENSIONS, 0)
    for row in rows:
        g = guess(getattr(row, form), row.context or None)
        hits["gratitude"] += g.gratitude == row.gratitude
        hits["feedback_request"] += g.feedback_request == row.feedback_request
        hits["tone_negative"] += (g.tone == "negative") == (row.tone == "negative")
        hits["tone_3way"] += g.tone == row.tone
        hits["door_open"] += g.door_open == row.door_open
    return {d: hits[d] / len(rows) for d in DIMENSIONS}


def misses(rows: Iterable[Row], form: str, guess: Callable[..., Guess]) -> list[str]:
    out = []
    for row in rows:
        text = getattr(row, form)
        g = guess(text, row.context or None)
        wrong = [
            f"{name}: want {want} got {got}"
            for name, want, got in (
                ("gratitude", row.gratitude, g.gratitude),
                ("feedback_request", row.feedback_request, g.feedback_request),
                ("tone", row.tone, g.tone),
            )
            if want != got
        ]
        if wrong:
            out.append(f"{row.id} [{row.split}] {text!r}: " + "; ".join(wrong))
    return out


def judge_guess(learned=True) -> Callable[..., Guess]:
    """The judge as a guesser; `learned=False` is the rules alone, or pass a LearnedReader."""
    from rehearsal.judging.judge import Judge

    judge = Judge(learned=learned)

    def guess(text: str, context: str | None = None) -> Guess:
        v = judge.judge(text, context)
        return Guess(v.gratitude.detected, v.feedback_request.detected, v.tone.label, v.door_open.detected)

    return guess


# A plain keyword matcher, the bar the judge has to clear (the issue puts it at ~0.93 / 0.82).
_KW_THANKS = re.compile(r"\b(thank|thanks|appreciate|grateful)\b")
_KW_FEEDBACK = re.compile(r"\b(feedback|feed back|advice|improve|differently|why|tips|pointers)\b")
_KW_NEGATIVE = re.compile(r"\b(unfair|ridiculous|nothing|wasting|waste|joke|rigged|please|terrible|rude|mistake)\b")
_KW_POSITIVE = re.compile(r"\b(thank|thanks|appreciate|grateful|love|great|glad|enjoyed|helpful)\b")
_KW_DOOR = re.compile(r"\b(future|postings|again|considered|openings)\b")


def keyword_guess(text: str, context: str | None = None) -> Guess:
    low = text.lower()
    tone = "negative" if _KW_NEGATIVE.search(low) else "positive" if _KW_POSITIVE.search(low) else "neutral"
    return Guess(bool(_KW_THANKS.search(low)), bool(_KW_FEEDBACK.search(low)), tone, bool(_KW_DOOR.search(low)))


# Replies written by session judge3 (the engineer, not a blind annotator) straight from the
# scoring guide's rules, aimed at the weak spots the blind sets showed; same columns as the hard
# sets. Marked as authored, kept apart, and reported with and without (docs/judge.md).
AUTHORED = sorted((Path(__file__).parent / "data").glob("judge_authored_*.tsv"))


def authored_rows() -> list[Row]:
    """The authored rows (all of them train: they are not a measure of anything)."""
    return [row for path in AUTHORED for row in load_hard(path, "authored_" + path.stem.removeprefix("judge_authored_"))]
