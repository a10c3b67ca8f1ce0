"""How a call ended: one vocabulary for the engine, the store, bundles and every screen.

A call the engine reports before its close, and one the store finds never closed (the
program quit or was killed mid-call), are both `incomplete`.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

Ending = Literal["completed", "hung_up", "incomplete"]
ENDINGS: tuple[Ending, ...] = get_args(Ending)


class EndingNames(NamedTuple):
    label: str  # in lists and report headers: "hung up early"
    sentence: str  # under a call's score; empty when there is nothing to say


NAMES: dict[Ending, EndingNames] = {
    "completed": EndingNames("completed", ""),
    "hung_up": EndingNames("hung up early", "You hung up."),
    "incomplete": EndingNames("interrupted", "The call stopped early."),
}


def ending(value: object) -> Ending:
    """An ending read from a file or an old database: anything unknown (or the old
    `in_progress`) is `incomplete`, never trusted to be a finished call."""
    return value if value in ENDINGS else "incomplete"  # type: ignore[return-value]


def label(value: Ending) -> str:
    return NAMES[value].label


__all__ = ["ENDINGS", "NAMES", "Ending", "EndingNames", "ending", "label"]
