"""What the store hands out: plain, read-only records of past calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

Status = Literal["completed", "hung_up", "incomplete"]
DIMENSIONS = ("gratitude", "feedback_request", "tone", "door_open", "delivery")
DIMENSION_LABELS = {
    "gratitude": "gratitude",
    "feedback_request": "feedback request",
    "tone": "tone",
    "door_open": "door open",
    "delivery": "delivery",
    "contact": "contact details",
}


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
class StoredTurn:
    index: int
    turn_id: str
    manager_text: str
    reply: str
    verdict: dict
    delivery: dict | None
    score: float
    parts: dict[str, float]
    tips: list[str]
    cue: str
    manager_audio: Path | None = None
    reply_audio: Path | None = None
    expects: list[str] = field(default_factory=list)
    words: list[dict] = field(default_factory=list)
    skipped: bool = False

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "turn_id": self.turn_id,
            "manager_text": self.manager_text,
            "reply": self.reply,
            "expects": self.expects,
            "verdict": self.verdict,
            "delivery": self.delivery,
            "score": self.score,
            "parts": self.parts,
            "tips": self.tips,
            "cue": self.cue,
            "words": self.words,
            "skipped": self.skipped,
        }


@dataclass(frozen=True, slots=True)
class SessionDetail:
    summary: SessionSummary
    turns: list[StoredTurn]
    scenario: dict | None = None  # the scenario as it was at the time of the call
    closing_line: str | None = None
    closing_audio: Path | None = None

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


def dimension_rates(turns: list[StoredTurn]) -> dict[str, float]:
    """Mean credit (0..100) per dimension over the turns that scored it."""
    rates: dict[str, float] = {}
    for dim in DIMENSIONS:
        credits = [t.parts[dim] for t in turns if dim in t.parts]
        if credits:
            rates[dim] = round(100.0 * sum(credits) / len(credits), 1)
    return rates
