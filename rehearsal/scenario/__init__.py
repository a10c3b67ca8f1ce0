"""Scenario files: the calls coaches write and learners rehearse."""

from rehearsal.scenario.model import Branch, Condition, Persona, Rubric, Scenario, Turn, VoiceHints

__all__ = ["Branch", "Condition", "Persona", "Rubric", "Scenario", "Turn", "VoiceHints"]
