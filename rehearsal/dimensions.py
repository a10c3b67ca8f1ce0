"""What a reply is scored on: the one list of dimensions, and the one table of their names.

At the bottom of the layers (beside media): the scenario format, the judge, the store and
every view read it, and it imports nothing (`rehearsal score` stays free of pydantic).

Every view (scorecard, replay, reports, the coach's review, the history chart) names a
dimension from this table, so the words a learner reads are the same everywhere.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

# What a scenario turn may ask for in `expects`.
Expectable = Literal["gratitude", "feedback_request", "tone", "door_open"]
# Everything a turn can be scored on: `contact` on turns that require it, `delivery` for spoken replies.
Dimension = Literal["gratitude", "feedback_request", "tone", "door_open", "contact", "delivery"]
# The ones the judge finds as spans of the reply (tone has a label instead of a yes/no).
Detected = Literal["gratitude", "feedback_request", "door_open", "contact"]

EXPECTABLE: tuple[Expectable, ...] = get_args(Expectable)
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
DETECTED: tuple[Detected, ...] = get_args(Detected)
# Found by phrases (a scenario's `phrases:` adds more), and credited even when a turn did not ask.
PHRASED: tuple[Dimension, ...] = ("gratitude", "feedback_request", "door_open")
# Rated across a call (reports, review, chart). Contact is asked on one turn of a few scenarios,
# a yes or no rather than a rate, so it shows on its turn only.
RATED: tuple[Dimension, ...] = ("gratitude", "feedback_request", "tone", "door_open", "delivery")


class Names(NamedTuple):
    label: str  # in sentences, tables and legends
    short: str  # a column head in the coach's review table


NAMES: dict[Dimension, Names] = {
    "gratitude": Names("gratitude", "thx"),
    "feedback_request": Names("feedback request", "ask"),
    "tone": Names("tone", "tone"),
    "door_open": Names("door open", "door"),
    "contact": Names("contact details", "contact"),
    "delivery": Names("delivery", "dlv"),
}


def label(dimension: str) -> str:
    """The dimension's name for people; an unknown key (from someone else's file) as written."""
    names = NAMES.get(dimension)  # type: ignore[call-overload]
    return names.label if names else dimension


__all__ = ["DETECTED", "DIMENSIONS", "EXPECTABLE", "NAMES", "PHRASED", "RATED", "Detected", "Dimension", "Expectable", "label"]
