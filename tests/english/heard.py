"""The labelled judge replies spoken, recognised and judged: agreement beside typed, and the words
the recognizer got wrong that changed a verdict. Shared by tests/test_english_judge.py and
benchmarks/bench_heard_judge.py."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from english.make_spoken import spoken_pcm
from judge_data import Guess, Row, load_rows

MARKS = ("gratitude", "feedback_request", "tone", "door_open")


@dataclass(frozen=True)
class Change:
    row: Row
    heard: str
    marks: list[str]  # the verdict's parts that differ from the typed reply's
    words: list[tuple[str, str]]  # (typed words, heard words) that differ

    def describe(self) -> str:
        swaps = ", ".join(f"{a or '-'!r} -> {b or '-'!r}" for a, b in self.words)
        return f"{self.row.id}: {', '.join(self.marks)} changed by {swaps}\n    typed: {self.row.text}\n    heard: {self.heard}"


def sample(every: int, all_rows: bool = False) -> list[Row]:
    rows = load_rows()
    return rows if all_rows else rows[::every]


def heard_rows(rows: list[Row], transcribe: Callable[[bytes], str], voice: str) -> list[Row]:
    """The rows with `recognized` replaced by what the recognizer heard of the spoken text."""
    return [replace(row, recognized=transcribe(spoken_pcm(row.text, voice))) for row in rows]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def word_swaps(typed: str, heard: str) -> list[tuple[str, str]]:
    a, b = _words(typed), _words(heard)
    return [(" ".join(a[i1:i2]), " ".join(b[j1:j2]))
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op != "equal"]


def changes(heard: list[Row], guess: Callable[[str], Guess]) -> list[Change]:
    """Replies whose verdict heard differs from the verdict typed."""
    out = []
    for row in heard:
        typed, got = guess(row.text), guess(row.recognized)
        differ = [m for m in MARKS if getattr(typed, m) != getattr(got, m)]
        if differ:
            out.append(Change(row, row.recognized, differ, word_swaps(row.text, row.recognized)))
    return out
