"""A small scenario, a scripted judge and an event recorder for the voice loop tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

from rehearsal.call import events as ev
from rehearsal.scenario.model import Scenario
from fakes import FakeJudge

SCENARIO = Scenario.model_validate(
    {
        "id": "tiny",
        "title": "Tiny call",
        "description": "A short call for the voice loop tests.",
        "situation": "You were turned down yesterday.",
        "persona": {"name": "Dana", "role": "Manager", "voice": {"voice": "en-us", "rate": 150, "pitch": 40}},
        "start": "hello",
        "turns": {
            "hello": {
                "say": "Dana speaking. How can I help?",
                "expects": ["gratitude", "feedback_request", "tone"],
                "next": [
                    {"when": {"silent": True}, "goto": "anyone"},
                    {"when": {"feedback_request": False}, "goto": "what_for"},
                    {"goto": "answer"},
                ],
            },
            "anyone": {"say": "Hello? Anyone?", "next": [{"goto": "bye"}]},
            "what_for": {"say": "What can I do for you?", "next": [{"goto": "bye"}]},
            "answer": {"say": "We found a better fit.", "next": [{"goto": "bye"}]},
            "bye": {"say": "Goodbye.", "end": True},
        },
    }
)


def fake_judge() -> FakeJudge:
    return FakeJudge(thanks=("thanks",), rude=(), plain="neutral")


class Events:
    """Collects events; `on(Type, action)` reacts to an event (in the runner's thread)."""

    def __init__(self) -> None:
        self.items: list[ev.Event] = []
        self.ended = threading.Event()
        self._actions: list[tuple[type, Callable[[ev.Event], None], list[int]]] = []
        self.errors: list[BaseException] = []

    def on(self, kind: type, action: Callable[[ev.Event], None], times: int = 1) -> None:
        self._actions.append((kind, action, [times]))

    def __call__(self, event: ev.Event) -> None:
        self.items.append(event)
        for kind, action, left in self._actions:
            if isinstance(event, kind) and left[0] > 0:
                left[0] -= 1
                try:
                    action(event)
                except BaseException as exc:  # surfaced by the test, not swallowed by the runner
                    self.errors.append(exc)
        if isinstance(event, ev.CallEnded):
            self.ended.set()

    def of(self, kind: type) -> list:
        return [e for e in self.items if isinstance(e, kind)]

    def names(self, skip=(ev.Level, ev.Partial)) -> list[str]:
        return [type(e).__name__ for e in self.items if not isinstance(e, skip)]


def real_runner(scenario: Scenario, judge, events: Events, recognizer, settings):
    """A CallRunner with every real engine: the system's synthesiser, the default (virtual) speaker and mic.

    Returns the runner and its speaker, for `run_aloud` to close.
    """
    from rehearsal.call.engine import Call
    from rehearsal.conversation.loop import CallRunner
    from rehearsal.voice.microphone import create_microphone
    from rehearsal.voice.speaker import create_speaker
    from rehearsal.voice.tts import create_synthesizer

    speaker = create_speaker(settings)
    runner = CallRunner(Call(scenario, judge), events, synthesizer=create_synthesizer(settings), speaker=speaker,
                        microphone=create_microphone(settings), recognizer=lambda: recognizer, settings=settings)
    return runner, speaker


def run_aloud(runner, speaker, caller, events: Events, timeout: float) -> None:
    """Run the call to its end; the speaker and the virtual caller are closed whatever happens."""
    try:
        runner.start()
        assert events.ended.wait(timeout), events.names()
        assert runner.join(5)
    finally:
        speaker.close()
        caller.close()
    assert not events.errors, events.errors
