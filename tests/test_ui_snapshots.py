"""SVG snapshots of each screen at 80x24 and 120x40 (update with `pytest --snapshot-update`).

Deterministic on purpose: fixed scenarios, typed replies, no store, the reply timer stopped.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from rehearsal.ui.screens.call import CallScreen
from rehearsal.ui.screens.scorecard import ScorecardScreen
from rehearsal.ui.widgets.meters import ReplyTimer
from ui_support import GOOD_FIT, GOOD_OPENING, make_app, wait_for

SIZES = [(80, 24), (120, 40)]


def still(pilot) -> None:
    """Stop what moves: the reply timer and the cursor blink."""
    for screen in pilot.app.screen_stack:
        for timer in screen.query(ReplyTimer):
            timer.stop()
            timer.elapsed = 12.0
        for field in screen.query(Input):
            field.cursor_blink = False


def your_turn(app, scored: int) -> bool:
    screen = app.screen
    if isinstance(screen, ScorecardScreen):
        return True
    return (isinstance(screen, CallScreen) and screen.scored == scored
            and "Your turn" in str(screen.query_one("#live").render()))


async def into_call(pilot, replies: list[str]) -> None:
    await pilot.press("enter", "enter")
    for n, text in enumerate(replies):
        await wait_for(pilot, lambda: your_turn(pilot.app, n))
        pilot.app.screen.query_one("#reply").value = text
        await pilot.press("enter")
    await wait_for(pilot, lambda: your_turn(pilot.app, len(replies)))
    await pilot.pause()


def snap(snap_compare, size, steps=None, app=None):
    async def run_before(pilot) -> None:
        if steps is not None:
            await steps(pilot)
        still(pilot)
        await pilot.pause()

    return snap_compare(app or make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, size):
    assert snap(snap_compare, size)


@pytest.mark.parametrize("size", SIZES)
def test_briefing(snap_compare, size):
    async def steps(pilot):
        await pilot.press("enter")

    assert snap(snap_compare, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_call(snap_compare, size):
    async def steps(pilot):
        await into_call(pilot, [GOOD_OPENING])

    assert snap(snap_compare, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_hang_up_dialog(snap_compare, size):
    async def steps(pilot):
        await into_call(pilot, [])
        await pilot.press("escape")

    assert snap(snap_compare, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_scorecard(snap_compare, size):
    async def steps(pilot):
        await into_call(pilot, ["Hi, it's Sam. Any feedback?", GOOD_FIT])
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ScorecardScreen))

    assert snap(snap_compare, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_settings(snap_compare, size, monkeypatch):
    from rehearsal.ui.screens import settings

    monkeypatch.setattr(settings, "audio_devices", lambda: (["USB headset"], ["USB headset", "Speakers"], None))

    async def steps(pilot):
        await pilot.press("s")
        await pilot.pause(0.2)

    assert snap(snap_compare, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_call_with_the_hint_shown(snap_compare, size):
    async def steps(pilot):
        await into_call(pilot, [])
        await pilot.press("ctrl+g")

    assert snap(snap_compare, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_keys_of_the_call_screen(snap_compare, size):
    async def steps(pilot):
        await into_call(pilot, [])
        await pilot.press("f1")
        await pilot.pause()

    assert snap(snap_compare, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_open_file_dialog(snap_compare, size, monkeypatch):
    from rehearsal import paths

    monkeypatch.chdir(paths.builtin_scenarios_dir())  # a folder whose files are the same everywhere

    async def steps(pilot):
        await pilot.press("o")
        await pilot.pause(0.3)  # the folder listing loads in a worker

    assert snap(snap_compare, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_a_scenario_that_cannot_open(snap_compare, size):
    async def steps(pilot):
        await pilot.pause(0.1)

    assert snap(snap_compare, size, steps, app=make_app(open_scenario="no-such-call"))
