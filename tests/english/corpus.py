"""The texts the English tests speak: the callers of calls.yaml and a slice of the labelled judge set."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LABELLED = HERE.parent / "data" / "judge_labelled.tsv"
SLICE_EVERY = 64  # the CI slice: every 64th labelled row (24 rows)
SAMPLE_EVERY = 8  # the benchmark's default sample: every 8th row (191 rows)


@dataclass(frozen=True)
class Caller:
    name: str  # e.g. "follow-up-better-fit/good"
    scenario: str
    voice: str
    replies: list[str]
    slips: dict[int, dict] = field(default_factory=dict)  # reply number -> {heard, why}


def callers() -> list[Caller]:
    data = yaml.safe_load((HERE / "calls.yaml").read_text(encoding="utf-8"))
    found = []
    for key, kinds in data.items():
        for kind in ("good", "poor"):
            if kind in kinds:
                c = kinds[kind]
                found.append(Caller(f"{key}/{kind}", kinds.get("scenario", key), c["voice"], list(c["replies"]),
                                    {int(k): v for k, v in (c.get("slips") or {}).items()}))
    return found


def call_replies() -> list[str]:
    return [r for c in callers() for r in c.replies]


def judge_rows(*, all_rows: bool = False, every: int | None = None) -> list[dict]:
    with open(LABELLED, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    step = 1 if all_rows else (every or SLICE_EVERY)
    return rows[::step]
