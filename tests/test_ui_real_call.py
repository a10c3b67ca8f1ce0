"""A whole call in the app through the real engine: the real judge and the classic scenario."""

from __future__ import annotations

import pytest

from rehearsal.call import events as ev
from rehearsal.services import Services
from rehearsal.settings import Settings
from rehearsal.ui.app import RehearsalApp
from rehearsal.ui.messages import CallUpdate
from rehearsal.ui.screens.call import CallScreen
from rehearsal.ui.screens.scorecard import ScorecardScreen
from rehearsal.ui.widgets.turn_card import TurnCard
from ui_support import sync, wait_for

judge_module = pytest.importorskip("rehearsal.judging.judge")

REPLIES = [
    "Hi Dana, this is Sam from the backend interviews. Thank you for taking my call, and thanks again "
    "for the interview. Would you be willing to share any feedback?",
    "Thank you, that's kind of you. Was there anything specific I could work on?",
    "That's really helpful, thank you. I'll keep an eye on the postings and I'd love to apply again in the spring.",
]


@sync
async def test_the_classic_call_typed_through_the_real_engine():
    from rehearsal.store import open_store

    services = Services(settings=Settings(input_mode="typed"), judge_factory=judge_module.Judge, store_factory=open_store)
    app = RehearsalApp(services)  # the real catalog: built-in scenarios
    events: list[ev.Event] = []
    async with app.run_test(size=(80, 24), message_hook=lambda m: isinstance(m, CallUpdate) and events.append(m.event)) as pilot:
        options = app.screen.query_one("#scenarios")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("follow-up-better-fit")
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, CallScreen)
        for n, text in enumerate(REPLIES, start=1):
            await wait_for(pilot, lambda: sum(isinstance(e, ev.Listening) for e in events) == n)
            app.screen.query_one("#reply").value = text
            await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        result = next(e for e in events if isinstance(e, ev.CallEnded)).result
        assert [t.turn_id for t in result.turns] == ["greeting", "better_fit", "specifics"]
        assert result.end_reason == "completed" and result.closing_line.startswith("That's great to hear")
        assert result.score >= 75
        assert "met" in str(app.screen.query_one("#summary").render())
        cards = list(app.screen.query(TurnCard))
        assert len(cards) == 3 and "door open ✓" in str(cards[2].render())
        assert app.store.scenario_stats("follow-up-better-fit").attempts == 1
