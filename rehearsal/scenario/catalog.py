"""The scenarios a learner can pick: the built-in ones and those in the user's folder.

A broken user file is listed with its problem rather than hiding the rest of the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rehearsal import paths
from rehearsal.scenario.loader import SUFFIXES, load_file
from rehearsal.scenario.model import Scenario
from rehearsal.scenario.problems import Problem, ScenarioError


class ScenarioNotFound(LookupError):
    """No scenario with that id or path; the message lists the ones there are."""

    def __init__(self, wanted: str, available: list[str], *, is_path: bool = False) -> None:
        self.wanted = wanted
        self.available = available
        listed = ", ".join(available) if available else "none"
        missing = f"There is no scenario file at {wanted}." if is_path else f"There is no scenario '{wanted}'."
        super().__init__(
            f"{missing} Available: {listed}. Give one of these ids, or the path of a scenario .yaml file."
        )


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    description: str
    difficulty: str
    path: Path
    builtin: bool
    problems: tuple[Problem, ...] = ()
    scenario: Scenario | None = None

    @property
    def broken(self) -> bool:
        return bool(self.problems)

    @property
    def problem(self) -> str | None:
        """The first problem, for a one-line listing (None when the file is fine)."""
        if not self.problems:
            return None
        more = len(self.problems) - 1
        return str(self.problems[0]) + (f" (and {more} more)" if more else "")


def entries() -> list[Entry]:
    """Built-in scenarios first (easiest first), then the user's, each group in a stable order."""
    builtin = sorted(_scan(paths.builtin_scenarios_dir(), builtin=True), key=_order)
    taken = {e.id for e in builtin if not e.broken}
    user = []
    for entry in sorted(_scan(paths.user_scenarios_dir(), builtin=False), key=_order):
        if not entry.broken and entry.id in taken:
            entry = _clash(entry)
        if not entry.broken:
            taken.add(entry.id)
        user.append(entry)
    return builtin + user


def looks_like_path(id_or_path: str | Path) -> bool:
    """True when the argument names a scenario file rather than a scenario id."""
    text = str(id_or_path)
    return isinstance(id_or_path, Path) or text.endswith(SUFFIXES) or "/" in text or Path(text).is_file()


def find(id_or_path: str | Path) -> Scenario:
    """A scenario by id, or by the path of a file. Raises ScenarioNotFound or ScenarioError."""
    text = str(id_or_path)
    if looks_like_path(id_or_path):
        path = Path(text).expanduser()
        if not path.exists():
            raise ScenarioNotFound(text, _ids(entries()), is_path=True)
        return load_file(path)
    listed = entries()
    for entry in listed:
        if entry.id == text:
            if entry.scenario is None:
                raise ScenarioError(entry.problems)
            return entry.scenario
    raise ScenarioNotFound(text, _ids(listed))


def _scan(folder: Path, *, builtin: bool) -> list[Entry]:
    try:
        files = [p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()]
    except OSError:
        return []  # no user folder yet is the normal case
    return [_entry(path, builtin) for path in files]


def _entry(path: Path, builtin: bool) -> Entry:
    try:
        s = load_file(path)
    except ScenarioError as exc:
        return Entry(path.stem, path.name, "This file has problems; run 'rehearsal validate' on it.",
                     "", path, builtin, tuple(exc.problems))
    return Entry(s.id, s.title, s.description, s.difficulty, path, builtin, scenario=s)


def _clash(entry: Entry) -> Entry:
    problem = Problem(str(entry.path), 0, 0, f"the id '{entry.id}' is already used by another scenario; "
                      "give this file a different 'id'")
    return Entry(entry.id, entry.title, entry.description, entry.difficulty, entry.path, entry.builtin,
                 (problem,))


def _order(entry: Entry) -> tuple[int, str]:
    rank = {"easy": 0, "medium": 1, "hard": 2}.get(entry.difficulty, 3)
    return (rank, entry.id)


def _ids(listed: list[Entry]) -> list[str]:
    return [e.id for e in listed if not e.broken]
