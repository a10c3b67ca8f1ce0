"""What is wrong with a scenario file, said for a person: `FILE:LINE:COLUMN: message`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rehearsal.printable import printable


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file. Lines and columns count from 1; 0 means "the whole file".

    It always prints as `FILE:LINE:COLUMN: message` (a whole-file problem at 1:1), so editors
    and scripts can read every line the same way.
    """

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        # One problem, one line, and no terminal escapes: names and values come from the file.
        if self.line <= 0:
            return printable(f"{self.file}:1:1: {self.message}", one_line=True)
        return printable(f"{self.file}:{self.line}:{max(self.column, 1)}: {self.message}", one_line=True)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by position, with exact repeats dropped (two checks can trip on the same spot)."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.file, p.line, p.column))


MAX_PROBLEMS = 100  # a hostile file can have thousands; the first hundred say what to fix


class ScenarioError(Exception):
    """A scenario file that cannot be used; `problems` says what is wrong with it.

    At most MAX_PROBLEMS are kept, then one more line says how many were left out, so a
    report stays readable (and small) whatever the file.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        ordered = sort_problems(problems)
        if len(ordered) > MAX_PROBLEMS:
            last = ordered[MAX_PROBLEMS - 1]
            more = len(ordered) - MAX_PROBLEMS
            ordered = [*ordered[:MAX_PROBLEMS], Problem(last.file, max(last.line, 0), last.column,
                       f"... and {more} more problems after this one; fix these, then validate again")]
        self.problems = ordered
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
