"""A fixed scenario, a keyword judge and app builders for the TUI tests.

The app runs the real CallRunner; the engines are the voice package's fakes (or none, for
typed calls), so the tests see what a person would, without devices or a model.
"""

from __future__ import annotations

from rehearsal.scenario.model import Scenario
from rehearsal.services import Services
from rehearsal.settings import Settings
from rehearsal.ui.app import RehearsalApp
from rehearsal.ui.sources import StaticSource
from fakes import FakeJudge

SCENARIO = Scenario.model_validate(
    {
        "id": "follow-up",
        "title": "The follow-up call",
        "description": "Call the hiring manager after the rejection email.",
        "difficulty": "easy",
        "situation": "You interviewed for a data analyst role at Northwind last Tuesday; the rejection came this morning.",
        "persona": {"name": "Dana Reyes", "role": "Analytics manager, Northwind"},
        "rubric": {"target": 75},
        "start": "hello",
        "turns": {
            "hello": {
                "say": "Dana Reyes speaking. What can I do for you?",
                "expects": ["gratitude", "feedback_request", "tone"],
                "hint": "Thank her for the interview, then ask for feedback.",
                "time_limit": 45,
                "next": [{"when": {"feedback_request": False}, "goto": "why"}, {"goto": "fit"}],
            },
            "why": {
                "say": "Sure. Was there something you wanted to ask?",
                "expects": ["feedback_request", "tone"],
                "next": [{"goto": "fit"}],
            },
            "fit": {
                "say": "Honestly, another candidate was a better fit. Keep an eye on our postings.",
                "expects": ["door_open", "tone"],
                "next": [{"goto": "bye"}],
            },
            "bye": {"say": "Thanks for calling. Good luck!", "end": True},
        },
    }
)

OTHER = SCENARIO.model_copy(update={"id": "voicemail", "title": "Leave a voicemail", "difficulty": "hard",
                                    "description": "Nobody picks up: leave a short message."})

GOOD_OPENING = "Thanks so much for the interview, could you share any feedback?"
GOOD_FIT = "I appreciate that, I will keep an eye on your postings."


def make_services(settings: Settings | None = None, **factories) -> Services:
    return Services(
        settings=settings or Settings(input_mode="typed"),
        judge_factory=lambda phrases=None: FakeJudge(),
        **factories,
    )


def make_app(services: Services | None = None, *, scenarios=(SCENARIO, OTHER), **kwargs) -> RehearsalApp:
    return RehearsalApp(services or make_services(), scenarios=StaticSource(list(scenarios)), **kwargs)


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app (and the call's thread) run until `condition()` holds."""
    import asyncio

    loop = asyncio.get_running_loop()
    ends = loop.time() + timeout
    while not condition():
        if loop.time() > ends:
            raise AssertionError(f"timed out after {timeout}s waiting for {condition}")
        await pilot.pause(0.02)


def sync(test):
    """Run an async pilot test on its own event loop (no asyncio plugin is installed)."""
    import asyncio
    import functools

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run
