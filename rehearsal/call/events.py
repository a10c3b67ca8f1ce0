"""What a running call reports to whoever shows it (TUI, CLI) or keeps it (the store).

Drivers (typed or voice) call `sink(event)` from whatever thread they run in; a UI wraps
these into its own messages. Plain dataclasses: no UI types here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rehearsal.call.engine import CallResult
from rehearsal.call.turn import TurnRecord
from rehearsal.media import Audio, Transcript


@dataclass(frozen=True, slots=True)
class ManagerSpeaking:
    turn_id: str
    text: str
    # The line's audio, when all of it was rendered as it began (rendered ahead); else ManagerDone
    # carries it. None in typed mode or when TTS is unavailable.
    audio: Audio | None = None


@dataclass(frozen=True, slots=True)
class ManagerDone:
    turn_id: str
    interrupted: bool = False  # the caller barged in
    # The line's audio when ManagerSpeaking could not carry it: the line began while its later
    # sentences were still being rendered. All of it that was rendered (up to a barge-in).
    audio: Audio | None = None


@dataclass(frozen=True, slots=True)
class Listening:
    turn_id: str
    time_limit: float | None


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    turn_id: str


@dataclass(frozen=True, slots=True)
class Partial:
    turn_id: str
    text: str


@dataclass(frozen=True, slots=True)
class Level:
    rms: float  # 0..1


@dataclass(frozen=True, slots=True)
class ReplyHeard:
    turn_id: str
    transcript: Transcript
    audio: Audio | None = None


@dataclass(frozen=True, slots=True)
class TurnScored:
    record: TurnRecord


@dataclass(frozen=True, slots=True)
class TurnRevised:
    """A second recognizer heard a scored reply again and it was judged again on those words.

    `record` replaces the scored turn of the same index (its `revision` says what was heard
    live). It arrives after that turn's TurnScored, possibly after CallEnded, from the
    revising thread; the call's path is not changed by it."""

    record: TurnRecord


@dataclass(frozen=True, slots=True)
class Prompted:
    """The manager nudged a silent caller ("Hello? Are you still there?")."""

    turn_id: str
    text: str


@dataclass(frozen=True, slots=True)
class Notice:
    level: Literal["info", "warning", "error"]
    message: str  # a sentence for a person, with the fix


@dataclass(frozen=True, slots=True)
class CallEnded:
    result: CallResult


Event = (
    ManagerSpeaking | ManagerDone | Listening | SpeechStarted | Partial | Level
    | ReplyHeard | TurnScored | TurnRevised | Prompted | Notice | CallEnded
)
EventSink = Callable[[Event], None]
