"""Who speaks with which voice: each person in a scenario, their VoiceSpec, and how the engine says it.

Shown on the settings and pre-call screens ("Dylan Marsh: Piper en_US-joe-medium, -1.0
semitones, 165 wpm, phone line") and used for their "play a sample".
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearsal.scenario.model import Scenario, VoiceHints
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import Synthesizer, VoiceSpec


@dataclass(frozen=True, slots=True)
class Cast:
    name: str
    role: str
    spec: VoiceSpec
    description: str  # the engine's words for how it speaks `spec`
    sample: str  # a line this person says in the scenario


def spec_for(hints: VoiceHints, settings: Settings) -> VoiceSpec:
    """A speaker's voice hints, with the user's own settings taking precedence (the voice loop and the screens use this one)."""
    return VoiceSpec(voice=settings.voice or hints.voice, rate=settings.rate or hints.rate, pitch=hints.pitch)


def cast_list(scenario: Scenario, synth: Synthesizer, settings: Settings) -> list[Cast]:
    """The persona first, then the rest of the cast in the order the scenario lists them."""
    from rehearsal.voice.tts import describe

    people = [(None, scenario.persona), *scenario.cast.items()]
    out = []
    for key, person in people:
        spec = spec_for(person.voice, settings)
        said = [t.text for t in scenario.turns.values() if t.speaker == key or (key is None and t.speaker not in scenario.cast)]
        out.append(Cast(person.name, person.role, spec, describe(synth, spec), said[0] if said else f"Hello, this is {person.name}."))
    return out
