"""Read a scenario file: YAML with line numbers, the models, then the call-graph checks.

Every problem found is reported together, each as `FILE:LINE:COLUMN: message`, so a coach
fixes a file in one pass. Nothing in a file is ever executed or constructed.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from rehearsal.scenario.messages import problems_from
from rehearsal.scenario.model import Scenario
from rehearsal.scenario.problems import Problem, ScenarioError
from rehearsal.scenario.validate import check_graph
from rehearsal.scenario.yamltree import YamlProblem, parse

__all__ = ["MAX_BYTES", "Problem", "ScenarioError", "load_file", "load_scenario", "load_text", "problems_in"]

MAX_BYTES = 256 * 1024  # the longest real scenario is a few KiB
SUFFIXES = (".yaml", ".yml")


def load_scenario(source: str | Path, *, name: str | None = None) -> Scenario:
    """A validated scenario from a path, or from YAML text.

    A `Path`, or a one-line string ending in .yaml/.yml or naming an existing file, is read
    from disk; any other string is the YAML itself. Raises ScenarioError.
    """
    if _is_path(source):
        return load_file(Path(source))
    return load_text(str(source), name or "<text>")


def load_file(path: Path) -> Scenario:
    return load_text(read_text(path), str(path))


def load_text(text: str, name: str = "<text>") -> Scenario:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ScenarioError([_too_big(name)])
    try:
        located = parse(text)
    except YamlProblem as exc:
        raise ScenarioError([Problem(name, exc.line, exc.column, exc.message)]) from None
    if located.data is None:
        raise ScenarioError([Problem(name, 1, 1, "the file is empty; a scenario needs at least id, title, "
                                     "description, situation, persona, start and turns (see docs/scenarios.md)")])
    if not isinstance(located.data, dict):
        line, col = located.value_at(())
        raise ScenarioError([Problem(name, line, col, "the file must be a mapping of keys ('id: ...', "
                                     "'title: ...'), not a list or a single value; see docs/scenarios.md")])
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, located, name))
    problems.extend(check_graph(located, name))
    if problems or scenario is None:
        raise ScenarioError(problems)
    return scenario


def problems_in(source: str | Path, *, name: str | None = None) -> list[Problem]:
    """Everything wrong with a scenario; an empty list when it is fine."""
    try:
        load_scenario(source, name=name)
    except ScenarioError as exc:
        return exc.problems
    return []


def read_text(path: Path) -> str:
    """The file's text, refusing what cannot be a scenario before parsing it.

    Only a regular file is read (a FIFO or /dev/zero would block or never end), its size is
    checked first, and it is read in chunks up to MAX_BYTES (rehearsal.untrusted).
    """
    from rehearsal.untrusted import UntrustedInput, read_file

    name = str(path)
    try:
        raw = read_file(path, MAX_BYTES, "scenario file")
    except UntrustedInput as exc:
        message = str(exc)
        if message.startswith("is "):
            message = "this " + message  # "FILE:1:1: this is a folder, ..."
        if "folder" in message:
            message += f"; give the .yaml files in it, e.g. {path / '*.yaml'}"
        elif "larger than" in message:
            raise ScenarioError([_too_big(name)]) from None
        raise ScenarioError([Problem(name, 0, 0, message)]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError([Problem(name, line, column, "this is not UTF-8 text (a binary file, or another "
                                     "encoding); save the scenario as UTF-8")]) from None


def _too_big(name: str) -> Problem:
    return Problem(name, 0, 0, f"the file is larger than {MAX_BYTES // 1024} KiB, far more than any scenario "
                   "needs; check that this is the right file")


def _is_path(source: str | Path) -> bool:
    if isinstance(source, Path):
        return True
    if "\n" in source or len(source) > 4096:
        return False
    return source.endswith(SUFFIXES) or Path(source).is_file()
