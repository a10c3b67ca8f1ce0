"""Checks on the shape of the call: every branch lands somewhere, and every path can end.

These run on the plain data from the file (not the validated model), so a file with both a
typo in a key and a branch to a missing turn gets both reported in one run.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from pydantic import StrictBool, TypeAdapter, ValidationError

from rehearsal.scenario.model import Scenario
from rehearsal.scenario.problems import Problem, sort_problems
from rehearsal.scenario.suggest import did_you_mean
from rehearsal.scenario.yamltree import DataPath, Located

_BOOL = TypeAdapter(StrictBool)  # as strict as the model: `end: yes` is an error, not true

# Keys that mean nothing on a turn that ends the call (it takes no reply).
_REPLY_ONLY_KEYS = ("next", "expects", "hint", "time_limit", "requires_contact")
# A report stays readable (and fast) on a hostile file: a few onward turns per message, and
# "did you mean" only for the first few missing targets (each search reads every turn id).
_ONWARD_SHOWN = 5
_SUGGESTIONS = 20


@dataclass
class _Turn:
    end: bool
    malformed: bool = False  # `next` or `end` of the wrong type: the schema check reports it
    gotos: list[tuple[str, DataPath]] = field(default_factory=list)  # (target, path of `goto`)


class _Checker:
    def __init__(self, located: Located, file: str) -> None:
        self.located = located
        self.file = file
        self.problems: list[Problem] = []
        self._suggestions = _SUGGESTIONS

    def suggest(self, word: str, choices: dict) -> str:
        """did_you_mean, for the first few mistakes only (each one reads every choice)."""
        self._suggestions -= 1
        return did_you_mean(word, choices) if self._suggestions >= 0 else ""

    def at_value(self, path: DataPath, message: str) -> None:
        line, col = self.located.value_at(path)
        self.problems.append(Problem(self.file, line, col, message))

    def at_key(self, path: DataPath, message: str) -> None:
        line, col = self.located.key_at(path)
        self.problems.append(Problem(self.file, line, col, message))


def check_graph(located: Located, file: str) -> list[Problem]:
    """Every problem with the call's branching, sorted by line."""
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("turns"), dict) or not data["turns"]:
        return []  # the schema check already says what is wrong with `turns`
    check = _Checker(located, file)
    raw_turns: dict[str, object] = data["turns"]
    turns = {tid: _read_turn(tid, raw, check, data) for tid, raw in raw_turns.items()}
    start = data.get("start")
    if isinstance(start, str) and start not in turns:
        check.at_value(("start",), f"start: there is no turn '{start}'{check.suggest(start, turns)}")
    dangling = False
    for tid, turn in turns.items():
        for target, path in turn.gotos:
            if target not in turns:
                dangling = True
                check.at_value(path, f"turns.{tid}: there is no turn '{target}' to go to{check.suggest(target, turns)}")
    # With a branch or the start pointing nowhere, or a turn the schema check rejects,
    # "unreachable" and "never ends" would mostly repeat that mistake; they are checked
    # once it is fixed.
    known_start = start if isinstance(start, str) and start in turns else None
    if not any(t.malformed for t in turns.values()):
        _check_reach(turns, None if dangling else known_start, check)
    return sort_problems(check.problems)


def check_scenario(scenario: Scenario, file: str = "<scenario>") -> list[Problem]:
    """The same checks for a scenario built in code (positions are unknown: line 0)."""
    data = scenario.model_dump(mode="json", exclude_unset=True)
    return check_graph(Located(data=data, values={(): (0, 0)}), file)


def _read_turn(tid: str, raw: object, check: _Checker, data: dict) -> _Turn:
    base: DataPath = ("turns", tid)
    if not isinstance(raw, dict) or not _well_typed(raw):
        return _Turn(end=True, malformed=True)
    end = _is_true(raw.get("end"))
    branches = raw.get("next") or []
    turn = _Turn(end=end)
    default_at: int | None = None
    for i, branch in enumerate(branches):
        if not isinstance(branch, dict):
            continue
        if isinstance(branch.get("goto"), str):
            turn.gotos.append((branch["goto"], (*base, "next", i, "goto")))
        if default_at is not None:
            check.at_value(
                (*base, "next", i),
                f"turns.{tid}: this branch comes after the default branch (the one with no 'when') "
                "and can never be taken; move it above the default",
            )
        elif not branch.get("when"):
            default_at = i
    if end:
        for key in _REPLY_ONLY_KEYS:
            if key in raw:
                check.at_key(
                    (*base, key),
                    f"turns.{tid}: an end turn takes no reply, so '{key}' does nothing here; "
                    "remove it, or remove 'end: true' if the call should go on",
                )
    elif not branches:
        check.at_key(
            base,
            f"turns.{tid}: this turn neither ends the call nor says where it goes; "
            "add 'next:' with a default branch ('- goto: TURN'), or 'end: true'",
        )
    elif default_at is None:
        check.at_value(
            (*base, "next", len(branches) - 1),
            f"turns.{tid}: every branch has a 'when', so a reply that matches none has nowhere to go; "
            "add a last branch with only 'goto:' (the default)",
        )
    _check_speaker(tid, raw, check, data)
    return turn


def _well_typed(raw: dict) -> bool:
    if raw.get("next") is not None and not isinstance(raw["next"], list):
        return False
    try:
        _BOOL.validate_python(raw.get("end", False))
    except ValidationError:
        return False
    return True


def _is_true(value: object) -> bool:
    """Read `end:` the way the model does (only true/false), so both checks agree."""
    try:
        return value is not None and _BOOL.validate_python(value)
    except ValidationError:
        return False


def _check_speaker(tid: str, raw: dict, check: _Checker, data: dict) -> None:
    speaker = raw.get("speaker")
    cast = data.get("cast") if isinstance(data.get("cast"), dict) else {}
    if isinstance(speaker, str) and speaker not in cast:
        check.at_value(
            ("turns", tid, "speaker"),
            f"turns.{tid}: the speaker '{speaker}' is not in 'cast'; add them under 'cast:', or remove "
            f"'speaker' so the persona says this line{check.suggest(speaker, cast)}",
        )


def _check_reach(turns: dict[str, _Turn], start: str | None, check: _Checker) -> None:
    ends = {tid for tid, t in turns.items() if t.end}
    if not ends:
        check.at_key(("turns",), "no turn has 'end: true', so the call can never finish; add a closing turn")
        return
    if start is None:
        return  # the missing start is reported; reachability would only repeat it
    reached = _reachable(start, turns)
    for tid in turns:
        if tid not in reached:
            check.at_key(
                ("turns", tid),
                f"turns.{tid}: no path from the start ('{start}') reaches this turn; "
                f"add a branch with 'goto: {tid}' to another turn, or delete this one",
            )
    can_end = _can_reach_end(turns, ends)
    for tid in turns:
        if tid in reached and tid not in can_end:
            onward = _onward(tid, turns)
            via = f" (it only leads to {onward})" if onward else ""
            check.at_key(
                ("turns", tid),
                f"turns.{tid}: the call can never end once it gets here{via}; "
                "add a branch from one of these turns to an end turn",
            )


def _onward(tid: str, turns: dict[str, _Turn]) -> str:
    """'a, b, c' for the turns reachable from `tid`: the nearest few, then how many more.

    Counting them all is one walk per stuck turn, quadratic on a 5,000-turn cycle; so past
    200 turns the message only says "and others".
    """
    seen = {tid}
    queue = deque([tid])
    found: list[str] = []
    while queue and len(found) <= _ONWARD_SHOWN:
        for target, _ in turns[queue.popleft()].gotos:
            if target in turns and target not in seen:
                seen.add(target)
                queue.append(target)
                found.append(target)
    if len(found) <= _ONWARD_SHOWN:
        return ", ".join(sorted(found))
    shown = ", ".join(found[:_ONWARD_SHOWN])
    if len(turns) > 200:
        return f"{shown} and others"
    return f"{shown} and {len(_reachable(tid, turns)) - 1 - _ONWARD_SHOWN} more"


def _reachable(start: str, turns: dict[str, _Turn]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for target, _ in turns[queue.popleft()].gotos:
            if target in turns and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _can_reach_end(turns: dict[str, _Turn], ends: set[str]) -> set[str]:
    leads_from: dict[str, set[str]] = {tid: set() for tid in turns}
    for tid, turn in turns.items():
        for target, _ in turn.gotos:
            if target in leads_from:
                leads_from[target].add(tid)
    seen = set(ends)
    queue = deque(ends)
    while queue:
        for source in leads_from[queue.popleft()]:
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen
