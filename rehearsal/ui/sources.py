"""Where the app gets its scenarios, behind a small seam.

The shipped app lists scenarios with `rehearsal.scenario.catalog`; tests hand the app fixed
scenarios so screens can be driven and snapshotted deterministically. (Calls are opened with
`rehearsal.practice.open_call`, as in the terminal.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rehearsal.scenario.model import Scenario


class ScenarioUnavailable(Exception):
    """A scenario could not be found or loaded; the message says what is wrong and what to do."""


@dataclass(frozen=True, slots=True)
class ScenarioEntry:
    id: str
    title: str
    description: str
    difficulty: str
    path: Path | None = None
    problem: str | None = None  # FILE:LINE:COL lines when the file is broken


class ScenarioSource(Protocol):
    def entries(self) -> list[ScenarioEntry]: ...

    def load(self, id_or_path: str) -> Scenario:
        """Raises ScenarioUnavailable with a message for a person."""
        ...


class CatalogSource:
    """The built-in scenarios plus the user's scenario folder, via rehearsal.scenario.catalog."""

    def __init__(self) -> None:
        self._listed: dict[str, object] = {}

    def entries(self) -> list[ScenarioEntry]:
        from rehearsal.scenario import catalog

        listed = catalog.entries()
        self._listed = {e.id: e for e in listed}
        return [
            ScenarioEntry(e.id, e.title, e.description, e.difficulty, e.path,
                          "\n".join(str(p) for p in e.problems) or None)
            for e in listed
        ]

    def load(self, id_or_path: str) -> Scenario:
        from rehearsal.scenario import catalog

        listed = self._listed.get(id_or_path)
        if listed is not None and listed.scenario is not None:
            return listed.scenario
        try:
            return catalog.find(listed.path if listed is not None else id_or_path)
        except Exception as exc:  # noqa: BLE001 - the catalog's errors are written for people
            raise ScenarioUnavailable(str(exc)) from exc


class StaticSource:
    """A fixed list of scenarios (tests, snapshots, a single file opened with --scenario)."""

    def __init__(self, scenarios: list[Scenario]) -> None:
        self._by_id = {s.id: s for s in scenarios}

    def entries(self) -> list[ScenarioEntry]:
        return [ScenarioEntry(s.id, s.title, s.description, s.difficulty) for s in self._by_id.values()]

    def load(self, id_or_path: str) -> Scenario:
        try:
            return self._by_id[id_or_path]
        except KeyError:
            raise ScenarioUnavailable(f"There is no scenario {id_or_path!r}.") from None
