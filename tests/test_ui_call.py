"""Driving the app with the keyboard: pick a scenario, take a typed call, read the scorecard."""

from __future__ import annotations

from rehearsal.call import events as ev
from rehearsal.ui.messages import CallUpdate
from rehearsal.ui.screens.briefing import BriefingScreen
from rehearsal.ui.screens.call import CallScreen
from rehearsal.ui.screens.home import HomeScreen
from rehearsal.ui.screens.scorecard import ScorecardScreen
from rehearsal.ui.widgets.turn_card import TurnCard, highlighted_reply
from ui_support import GOOD_FIT, GOOD_OPENING, make_app, sync, wait_for


def rendered(widget) -> str:
    return str(widget.render())


async def type_reply(pilot, text: str) -> None:
    pilot.app.screen.query_one("#reply").value = text
    await pilot.press("enter")


async def listening(pilot, turn_id: str, seen: list) -> None:
    await wait_for(pilot, lambda: any(isinstance(e, ev.Listening) and e.turn_id == turn_id for e in seen[-3:]))


@sync
async def test_typed_call_from_home_to_scorecard():
    seen: list[ev.Event] = []

    def hook(message):
        if isinstance(message, CallUpdate):
            seen.append(message.event)

    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, BriefingScreen)
        assert "Dana Reyes" in rendered(app.screen.query_one("#persona"))
        await pilot.press("enter")
        assert isinstance(app.screen, CallScreen)
        await listening(pilot, "hello", seen)
        assert "What can I do for you?" in rendered(app.screen.query_one("#manager-line"))
        await type_reply(pilot, GOOD_OPENING)
        await listening(pilot, "fit", seen)
        log = app.screen.query(".exchange")
        assert len(log) == 1 and "thanked" in rendered(log.first())
        await type_reply(pilot, GOOD_FIT)
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        card = app.screen
        assert [e for e in seen if isinstance(e, ev.CallEnded)][0].result.end_reason == "completed"
        summary = rendered(card.query_one("#summary"))
        assert "Call score 100 / target 75 met" in summary
        turns = card.query(TurnCard)
        assert [t.record.turn_id for t in turns] == ["hello", "fit"]
        first = turns.first()
        assert "gratitude ✓" in rendered(first) and "feedback request ✓" in rendered(first)
        # The evidence is highlighted where it was found in the reply.
        reply = highlighted_reply(first.record)
        assert {str(reply)[s.start : s.end]: str(s.style) for s in reply.spans} == {
            "Thank": "black on green", "feedback": "black on cyan"}


@sync
async def test_hang_up_asks_first_and_ends_on_a_scorecard():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallScreen) and app.screen.runner is not None)
        await pilot.press("escape")
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        assert isinstance(app.screen, CallScreen)
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        assert "You hung up." in rendered(app.screen.query_one("#summary"))
        assert not app.screen.query(TurnCard)


@sync
async def test_a_call_that_cannot_start_says_why_and_esc_goes_back():
    from ui_support import make_services

    def broken_judge(phrases=None):
        raise RuntimeError("the judge's word lists are missing")

    services = make_services()
    services.judge_factory = broken_judge
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: app.screen.start_failed)
        await pilot.pause()
        assert "word lists are missing" in rendered(app.screen.query_one("#notice-line"))
        await pilot.press("escape")
        assert isinstance(app.screen, BriefingScreen)
