"""The scenario format, as typed models.

These models are the single source of truth for the file format: the loader validates
against them, `rehearsal schema` prints their JSON Schema, and docs/scenarios.md
documents them. Unknown keys are errors (coaches' typos should not pass silently).
Types are strict, as in the JSON Schema: `end: yes` or `target: true` are errors, not guesses,
and numbers must be finite (every weight is also bounded, so a score is always a number).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from rehearsal.dimensions import Expectable as Dimension  # what `expects` may name

ToneLabel = Literal["positive", "neutral", "negative"]
Difficulty = Literal["easy", "medium", "hard"]

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
# Ids that are mapping keys (turns, cast) follow the same rule, so `goto` and `speaker` can name them.
IdKey = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


def _text_required(value: str) -> str:
    if not value.strip():
        raise ValueError("this is only spaces; write some text here")
    return value


def _phrase_required(value: str) -> str:
    # The judge matches words, so a phrase with no letters or digits would never count.
    if not any(ch.isalnum() for ch in value):
        raise ValueError("this phrase has no words in it; write the words that should count, or remove it")
    return value


# Text that must say something: spaces alone are refused, like an empty value.
Text = Annotated[str, AfterValidator(_text_required)]
Phrase = Annotated[str, AfterValidator(_phrase_required)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class VoiceHints(_Strict):
    """How the manager sounds. Hints: the TTS engine uses what it can."""

    voice: str | list[str] | None = Field(
        None,
        description="A Piper voice (e.g. 'en_US-joe-medium'), an espeak voice or a language ('en-us', 'en-gb'); "
        "a list gives fallbacks, the first one installed wins.",
    )
    rate: int | None = Field(None, ge=80, le=400, description="Words per minute.")
    pitch: int | None = Field(None, ge=0, le=99, description="0-99, 50 is the voice's normal pitch.")

    @field_validator("voice")
    @classmethod
    def _one_string(cls, value: str | list[str] | None) -> str | None:
        # Engines take one string: fallbacks travel comma-separated (see rehearsal.voice.piper_voice).
        if isinstance(value, list):
            return ", ".join(v.strip() for v in value if v.strip()) or None
        return value


class Persona(_Strict):
    """The person the learner calls."""

    name: Text = Field(min_length=1, description="Who the learner is talking to.")
    role: Text = Field(min_length=1, description="Their role, e.g. 'Engineering manager, Northwind'.")
    voice: VoiceHints = Field(default_factory=VoiceHints, description="How they sound: voice, rate, pitch.")


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
    """One way out of a turn: go to `goto` when the reply meets `when`."""

    when: Condition | None = Field(None, description="Omit for the default branch (put it last).")
    goto: str = Field(pattern=ID_PATTERN, description="The id of the turn to go to.")


class Turn(_Strict):
    """One thing the manager says, and (unless it ends the call) where the reply leads."""

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
    requires_contact: bool = Field(
        False,
        description="True when the reply must say how to reach the caller (a phone number or email); "
        "scored as the 'contact' part.",
    )
    speaker: str | None = Field(
        None,
        pattern=ID_PATTERN,
        description="Who says this line, as a key of `cast` (e.g. an assistant); omit for the persona.",
    )

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


MAX_WEIGHT = 100  # weights are relative; a bound keeps every score a finite number


class Weights(_Strict):
    """How much each part counts in a turn's score (only the parts the turn expects, plus tone)."""

    gratitude: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="Thanking the listener.")
    feedback_request: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="Asking for feedback.")
    tone: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="Staying gracious; counts on every turn.")
    door_open: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="Taking the hint to keep in touch or reapply.")
    contact: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="Leaving a phone number or email, on turns with requires_contact.")
    delivery: float = Field(0.5, ge=0, le=MAX_WEIGHT, description="Only counts when the reply was spoken.")


class Rubric(_Strict):
    """How the call is scored."""

    weights: Weights = Field(default_factory=Weights, description="Weight of each scored part.")
    target: float | None = Field(None, ge=0, le=100, description="The call score to aim for (0-100).")
    attempts: int | None = Field(None, ge=1, le=100, description="How many attempts the coach expects.")


class Phrases(_Strict):
    """Extra phrases that count for a dimension in this scenario only."""

    gratitude: list[Phrase] = Field(default_factory=list, description="Extra ways to say thanks.")
    feedback_request: list[Phrase] = Field(default_factory=list, description="Extra ways to ask for feedback.")
    door_open: list[Phrase] = Field(default_factory=list, description="Extra ways to keep the door open.")


class Scenario(_Strict):
    """A practice call: who the learner calls, what they hear, and how the call branches."""

    id: str = Field(pattern=ID_PATTERN, description="Unique id, lower case, e.g. 'follow-up-better-fit'.")
    title: Text = Field(min_length=1, description="Short name shown in the scenario list.")
    description: Text = Field(min_length=1, description="One or two sentences for the scenario list.")
    difficulty: Difficulty = Field("medium", description="easy, medium or hard.")
    situation: Text = Field(min_length=1, description="What happened, who the learner calls, and when.")
    persona: Persona = Field(description="The person the learner calls.")
    cast: dict[IdKey, Persona] = Field(
        default_factory=dict,
        description="Other people on the call (e.g. an assistant who answers first), by id; see Turn.speaker.",
    )
    rubric: Rubric = Field(default_factory=Rubric, description="Weights and target score.")
    phrases: Phrases = Field(default_factory=Phrases, description="Extra phrases that count in this scenario.")
    reply_time_limit: float | None = Field(None, gt=0, le=600, description="Default seconds per reply.")
    start: str = Field(pattern=ID_PATTERN, description="The id of the first turn.")
    turns: dict[IdKey, Turn] = Field(min_length=1, description="The manager's turns, by id.")

    def turn(self, turn_id: str) -> Turn:
        return self.turns[turn_id]

    def time_limit(self, turn_id: str) -> float | None:
        return self.turns[turn_id].time_limit or self.reply_time_limit

    def speaker(self, turn_id: str) -> Persona:
        """Who says the turn's line: a cast member, or the persona."""
        name = self.turns[turn_id].speaker
        return self.cast.get(name, self.persona) if name else self.persona
