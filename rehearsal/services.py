"""The engines a call needs, gathered in one place so the CLI and the TUI inject them.

Tests build a `Services` with fakes (tests/fakes.py); real use calls
`default_services()`, which creates nothing heavy until it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rehearsal.call.engine import Judge
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import Endpointer, Microphone, Recognizer, Speaker, Synthesizer

if TYPE_CHECKING:  # the store loads SQLite; a typed call in the CLI never needs it
    from rehearsal.store.store import SessionStore


@dataclass
class Services:
    settings: Settings
    judge_factory: Callable[..., Judge]  # (extra_phrases) -> Judge
    # Each factory raises rehearsal.voice.interfaces.VoiceUnavailable with a sentence for a person.
    synthesizer_factory: Callable[[], Synthesizer] | None = None
    speaker_factory: Callable[[], Speaker] | None = None
    microphone_factory: Callable[[], Microphone] | None = None
    recognizer_factory: Callable[[Path | None], Recognizer] | None = None
    endpointer_factory: Callable[[], Endpointer] | None = None
    store_factory: Callable[[], SessionStore] | None = None
    # The second pass: which model hears each spoken reply again, for these settings (None: no
    # second pass); it is loaded with recognizer_factory. Raises VoiceUnavailable when asked for and missing.
    reviser_model: Callable[[Settings], Path | None] | None = None


def default_services(settings: Settings | None = None) -> Services:
    from rehearsal import settings as settings_module

    settings = settings or settings_module.load()

    def judge_factory(extra_phrases=None):
        from rehearsal.judging.judge import Judge

        return Judge(extra_phrases)

    def synthesizer_factory():
        from rehearsal.voice.tts import create_synthesizer

        return create_synthesizer(settings)

    def speaker_factory():
        from rehearsal.voice.speaker import create_speaker

        return create_speaker(settings)

    def microphone_factory():
        from rehearsal.voice.microphone import create_microphone

        return create_microphone(settings)

    def recognizer_factory(model_path=None):
        from rehearsal.voice.engine_choice import create_recognizer

        return create_recognizer(settings, model_path)  # Vosk or Whisper, as the `recognizer` setting says

    def endpointer_factory():
        from rehearsal.voice.endpoint import create_endpointer

        return create_endpointer(settings)

    def reviser_model(call_settings):
        from rehearsal.voice.engine_choice import reviser_model as choose

        return choose(call_settings)

    def store_factory():
        from rehearsal.store import open_store

        return open_store()

    return Services(
        settings=settings,
        judge_factory=judge_factory,
        synthesizer_factory=synthesizer_factory,
        speaker_factory=speaker_factory,
        microphone_factory=microphone_factory,
        recognizer_factory=recognizer_factory,
        endpointer_factory=endpointer_factory,
        store_factory=store_factory,
        reviser_model=reviser_model,
    )
