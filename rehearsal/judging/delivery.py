"""Delivery figures for a spoken reply (filled in by the voice path)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rehearsal.judging.verdict import Evidence

PACE_BAND_WPM = (100.0, 165.0)  # the band Microsoft's Speaker Coach recommends


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its timing (seconds from the start of the reply audio)."""

    text: str
    start: float
    end: float
    conf: float = 1.0


@dataclass(frozen=True, slots=True)
class Delivery:
    words: int
    duration_s: float  # first word to last word
    wpm: float | None
    fillers: list[Evidence] = field(default_factory=list)
    fillers_per_min: float | None = None
    longest_pause_s: float = 0.0
    latency_s: float | None = None  # end of the manager's line to the first word

    def to_dict(self) -> dict:
        return asdict(self)
