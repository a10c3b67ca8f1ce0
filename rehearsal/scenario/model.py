"""The scenario format, as typed models.

These models are the single source of truth for the file format: the loader validates
against them, `rehearsal schema` prints their JSON Schema, and docs/scenarios.md
documents them. Unknown keys are errors (coaches' typos should not pass silently).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Dimension = Literal["gratitude", "feedback_request", "tone", "door_open"]
ToneLabel = Literal["positive", "neutral", "negative"]
Difficulty = Literal["easy", "medium", "hard"]

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VoiceHints(_Strict):
    """How the manager sounds. Hints: the TTS engine uses what it can."""

    voice: str | None = Field(None, description="TTS voice id or language, e.g. 'en-us' or 'en-gb'.")
    rate: int | None = Field(None, ge=80, le=400, description="Words per minute.")
    pitch: int | None = Field(None, ge=0, le=99, description="0-99, 50 is the voice's normal pitch.")


class Persona(_Strict):
    name: str = Field(min_length=1, description="Who the learner is talking to.")
    role: str = Field(min_length=1, description="Their role, e.g. 'Engineering manager, Northwind'.")
    voice: VoiceHints = Field(default_factory=VoiceHints)


class Condition(_Strict):
    """What the judge must have found in the reply for a branch to be taken.

    Every key given must hold; keys left out do not matter.
    """

    gratitude: bool | None = Field(None, description="Did the reply thank the listener?")
    feedback_request: bool | None = Field(None, description="Did the reply ask for feedback?")
    door_open: bool | None = Field(None, description="Did the caller keep the door open?")
    tone: ToneLabel | list[ToneLabel] | None = Field(None, description="Tone label(s) that match.")
    silent: bool | None = Field(None, description="True when the caller said nothing.")
    asked_before: bool | None = Field(
        None, description="True when the caller has asked for feedback in any earlier turn."
    )


class Branch(_Strict):
    when: Condition | None = Field(None, description="Omit for the default branch (put it last).")
    goto: str = Field(pattern=ID_PATTERN, description="The id of the turn to go to.")


class Turn(_Strict):
    say: str | list[str] = Field(
        description="The manager's line. A list is spoken as consecutive sentences.",
    )
    expects: list[Dimension] = Field(
        default_factory=lambda: ["tone"],
        description="What a good reply does here; the turn is scored on these.",
    )
    hint: str | None = Field(None, description="Shown when the learner asks for a hint.")
    time_limit: float | None = Field(None, gt=0, le=600, description="Seconds allowed for the reply.")
    next: list[Branch] | None = Field(None, description="Where the call goes after the reply; first match wins.")
    end: bool = Field(False, description="True for a closing turn: the manager speaks and the call ends.")

    @field_validator("say")
    @classmethod
    def _not_blank(cls, value: str | list[str]) -> str | list[str]:
        lines = [value] if isinstance(value, str) else value
        if not lines or any(not line.strip() for line in lines):
            raise ValueError("the manager's line is empty; write what the manager says")
        return value

    @property
    def text(self) -> str:
        return self.say if isinstance(self.say, str) else " ".join(self.say)

    @property
    def expects_reply(self) -> bool:
        return not self.end


class Weights(_Strict):
    gratitude: float = Field(1.0, ge=0)
    feedback_request: float = Field(1.0, ge=0)
    tone: float = Field(1.0, ge=0)
    door_open: float = Field(1.0, ge=0)
    delivery: float = Field(0.5, ge=0, description="Only counts when the reply was spoken.")


class Rubric(_Strict):
    weights: Weights = Field(default_factory=Weights)
    target: float | None = Field(None, ge=0, le=100, description="The call score to aim for (0-100).")
    attempts: int | None = Field(None, ge=1, le=100, description="How many attempts the coach expects.")


class Phrases(_Strict):
    """Extra phrases that count for a dimension in this scenario only."""

    gratitude: list[str] = Field(default_factory=list)
    feedback_request: list[str] = Field(default_factory=list)
    door_open: list[str] = Field(default_factory=list)


class Scenario(_Strict):
    id: str = Field(pattern=ID_PATTERN, description="Unique id, lower case, e.g. 'follow-up-better-fit'.")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1, description="One or two sentences for the scenario list.")
    difficulty: Difficulty = "medium"
    situation: str = Field(min_length=1, description="What happened, who the learner calls, and when.")
    persona: Persona
    rubric: Rubric = Field(default_factory=Rubric)
    phrases: Phrases = Field(default_factory=Phrases)
    reply_time_limit: float | None = Field(None, gt=0, le=600, description="Default seconds per reply.")
    start: str = Field(pattern=ID_PATTERN, description="The id of the first turn.")
    turns: dict[str, Turn] = Field(min_length=1)

    def turn(self, turn_id: str) -> Turn:
        return self.turns[turn_id]

    def time_limit(self, turn_id: str) -> float | None:
        return self.turns[turn_id].time_limit or self.reply_time_limit
