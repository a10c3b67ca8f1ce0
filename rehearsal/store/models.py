"""What the store hands out: plain, read-only records of past calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rehearsal.call.ending import Ending
from rehearsal.call.turn import TurnRecord
from rehearsal.dimensions import RATED

Status = Ending  # a stored call that never reached its end (a crash, a quit) stays "incomplete"


@dataclass(frozen=True, slots=True)
class SessionSummary:
    id: str
    scenario_id: str
    scenario_title: str
    started_at: datetime
    score: float | None
    status: Status
    turn_count: int
    mode: str = "typed"
    start_turn: str | None = None
    target: float | None = None
    scenario_hash: str | None = None  # the version of the scenario the call was made against

    @property
    def met_target(self) -> bool | None:
        if self.target is None or self.score is None:
            return None
        return self.score >= self.target


@dataclass(frozen=True, slots=True)
class Recordings:
    """Where a stored turn's audio is on this computer (None: not kept, or gone)."""

    manager: Path | None = None
    reply: Path | None = None

    def get(self, role: str) -> Path | None:
        return self.manager if role == "manager" else self.reply


@dataclass(frozen=True, slots=True)
class SessionDetail:
    summary: SessionSummary
    turns: list[TurnRecord]
    scenario: dict | None = None  # the scenario as it was at the time of the call
    closing_line: str | None = None
    closing_audio: Path | None = None
    recordings: dict[int, Recordings] = field(default_factory=dict)  # turn index -> its audio

    def recording(self, turn: TurnRecord, role: str) -> Path | None:
        """The WAV of a turn's manager line (role "manager") or reply ("reply"), if kept."""
        return self.recordings.get(turn.index, Recordings()).get(role)

    # The summary's fields, read straight through.
    id = property(lambda self: self.summary.id)
    scenario_id = property(lambda self: self.summary.scenario_id)
    scenario_title = property(lambda self: self.summary.scenario_title)
    started_at = property(lambda self: self.summary.started_at)
    score = property(lambda self: self.summary.score)
    status = property(lambda self: self.summary.status)
    turn_count = property(lambda self: self.summary.turn_count)
    target = property(lambda self: self.summary.target)

    def dimension_rates(self) -> dict[str, float]:
        return dimension_rates(self.turns)


@dataclass(frozen=True, slots=True)
class ScenarioStats:
    attempts: int
    last: float | None
    best: float | None
    previous: float | None


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    session_id: str
    started_at: datetime
    score: float
    rates: dict[str, float]  # dimension -> 0..100, only the dimensions the call scored


def counts_as_attempt(summary: SessionSummary) -> bool:
    """An attempt is a whole call (not a one-turn retry), answered, and taken to its close."""
    return (summary.status == "completed" and summary.start_turn is None and summary.score is not None
            and summary.turn_count > 0)


def dimension_rates(turns: list[TurnRecord]) -> dict[str, float]:
    """Mean credit (0..100) per dimension over the turns that scored it."""
    rates: dict[str, float] = {}
    for dim in RATED:
        credits = [t.score.parts[dim] for t in turns if dim in t.score.parts]
        if credits:
            rates[dim] = round(100.0 * sum(credits) / len(credits), 1)
    return rates
