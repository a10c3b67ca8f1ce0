"""Scorecard retry, settings, opening a file, and the palette, driven through the pilot."""

from __future__ import annotations

import pytest
import yaml

from rehearsal import paths, settings as settings_module
from rehearsal.call import events as ev
from rehearsal.ui.messages import CallUpdate
from rehearsal.ui.screens.briefing import BriefingScreen
from rehearsal.ui.screens.call import CallScreen
from rehearsal.ui.screens.home import HomeScreen
from rehearsal.ui.screens.scorecard import ScorecardScreen
from rehearsal.ui.screens.settings import SettingsScreen
from rehearsal.ui.sources import CatalogSource
from rehearsal.ui.widgets.turn_card import TurnCard
from ui_support import GOOD_FIT, GOOD_OPENING, make_app, make_services, sync, wait_for


@pytest.fixture(autouse=True)
def no_real_devices(monkeypatch):
    """Keep PortAudio unloaded: it lists devices once per process, and the audio tests that run
    later need it to start after their virtual audio server is up."""
    from rehearsal.ui.screens import settings

    monkeypatch.setattr(settings, "audio_devices", lambda: (["Test mic"], ["Test speaker"], None))


class Events:
    def __init__(self) -> None:
        self.items: list[ev.Event] = []

    def __call__(self, message) -> None:
        if isinstance(message, CallUpdate):
            self.items.append(message.event)

    def count(self, kind) -> int:
        return sum(isinstance(e, kind) for e in self.items)


async def reply(pilot, text: str) -> None:
    pilot.app.screen.query_one("#reply").value = text
    await pilot.press("enter")


async def typed_call(pilot, events: Events, replies: list[str]) -> None:
    for text in replies:
        listened = events.count(ev.Listening)
        await wait_for(pilot, lambda: events.count(ev.Listening) > listened - 1 and pilot.app.screen.runner is not None)
        await reply(pilot, text)
        await wait_for(pilot, lambda: events.count(ev.TurnScored) > listened - 1 or isinstance(pilot.app.screen, ScorecardScreen))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ScorecardScreen))


@sync
async def test_retry_a_turn_from_the_scorecard_shows_the_change():
    events = Events()
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=events) as pilot:
        await pilot.press("enter", "enter")
        await typed_call(pilot, events, ["Hi, it's Sam.", "Sure, any feedback?", GOOD_FIT])
        cards = list(app.screen.query(TurnCard))
        assert [c.record.turn_id for c in cards] == ["hello", "why", "fit"]
        assert "Thank her for the interview" not in str(cards[0].render())
        assert any("Open with thanks" in tip for tip in cards[0].record.tips)
        first_score = cards[0].record.score.score
        assert cards[0].has_focus
        await pilot.press("r")
        assert isinstance(app.screen, CallScreen) and app.screen.start_at == "hello"
        await typed_call(pilot, events, [GOOD_OPENING, GOOD_FIT])
        summary = str(app.screen.query_one("#summary").render())
        assert f"This turn: {first_score:.0f} → 100 (+{100 - first_score:.0f})" in summary


@sync
async def test_hint_and_retry_during_the_call():
    events = Events()
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=events) as pilot:
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: events.count(ev.Listening) == 1)
        await pilot.press("ctrl+g")
        hint = app.screen.query_one("#hint-line")
        assert hint.display and "Thank her for the interview" in str(hint.render())
        assert not app._notifications  # beside the reply box, not a toast over it
        await pilot.press("ctrl+g")
        assert not app.screen.query_one("#hint-line").display  # pressed again: hidden
        await reply(pilot, "?")  # as in the terminal: the hint, not a reply
        await pilot.pause(0.3)
        assert app.screen.query_one("#hint-line").display and events.count(ev.TurnScored) == 0
        await reply(pilot, "Hello there.")
        await wait_for(pilot, lambda: events.count(ev.Listening) == 2)
        assert not app.screen.query_one("#hint-line").display  # answered: the hint goes
        assert len(app.screen.query(".exchange")) == 1
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: events.count(ev.Listening) == 3)
        assert not app.screen.query(".exchange")
        assert [e.turn_id for e in events.items if isinstance(e, ev.Listening)] == ["hello", "why", "hello"]


@sync
async def test_settings_change_is_saved_and_applied():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#end_silence_ms").value = "1200"
        app.screen.query_one("#rate").value = "150"
        app.screen.query_one("#theme").value = "textual-light"
        await pilot.press("ctrl+s")
        saved = yaml.safe_load(paths.config_file().read_text())
        assert saved["end_silence_ms"] == 1200 and saved["rate"] == 150 and saved["theme"] == "textual-light"
        assert app.services.settings.end_silence_ms == 1200 and app.theme == "textual-light"
        assert settings_module.load().rate == 150
        app.screen.query_one("#rate").value = "5"
        await pilot.press("ctrl+s")
        assert "Not saved" in str(app.screen.query_one("#settings-error").render())
        assert settings_module.load().rate == 150
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@sync
async def test_a_broken_scenario_file_shows_where_it_is_wrong(tmp_path):
    broken = tmp_path / "assignment.yaml"
    broken.write_text("id: homework\ntitle: Homework\nturns: [\n", encoding="utf-8")
    app = make_app(scenarios=(), services=make_services())
    app.scenarios = CatalogSource()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        app.screen.query_one("#path").value = str(tmp_path / "missing.yaml")
        await pilot.press("enter")
        assert "There is no file" in str(app.screen.query_one("#path-error").render())
        app.screen.query_one("#path").value = str(broken)
        await pilot.press("enter")
        await pilot.pause()
        from rehearsal.ui.screens.message import MessageScreen

        assert isinstance(app.screen, MessageScreen)  # a dialog to read and copy from, not a toast
        assert f"{broken}:" in app.screen.query_one("#message-text").text
        assert not app._notifications
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@sync
async def test_f1_lists_the_screens_own_keys():
    from rehearsal.ui.screens.keys import KeysScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")  # into a typed call, focus in the reply box
        await pilot.pause()
        await pilot.press("f1")
        assert isinstance(app.screen, KeysScreen)
        keys = {row[0]: row[1] for row in app.screen.rows}
        assert keys["ctrl+g"] == "Hint" and keys["ctrl+r"] == "Retry turn" and keys["Esc"] == "Hang up"
        assert "ctrl+t" not in keys  # push-to-talk is off in a typed call
        assert {row[0]: row[2] for row in app.screen.rows}["ctrl+r"].endswith("(not now)")  # nothing to retry yet
        await pilot.press("escape")
        assert not isinstance(app.screen, KeysScreen)
        assert "Keys" in [c.title for c in app.get_system_commands(app.screen)]


@sync
async def test_the_typed_reply_timer_stops_at_the_limit_and_says_so():
    from rehearsal.ui.widgets.meters import ReplyTimer

    events = Events()
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=events) as pilot:
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: events.count(ev.Listening) == 1)
        timer = app.screen.query_one(ReplyTimer)
        timer._started -= 46  # the first turn allows 45 s
        await wait_for(pilot, lambda: not timer.running)
        assert timer.elapsed == 45 and "time's up 0:45" in str(timer.render())
        live = app.screen.query_one("#live")
        await wait_for(pilot, lambda: "Time's up" in str(live.render()))  # the TimeUp message, handled


@sync
async def test_every_footer_key_is_in_the_palette():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Open file", "Settings", "Quit", "Practise", "History"} <= set(titles)
        assert len(titles) == len(set(titles))
        await pilot.press("enter")
        assert isinstance(app.screen, BriefingScreen)
        commands = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Start call", "Voice/typed", "Back"} <= commands
        for binding in app.screen.active_bindings.values():
            assert binding.binding.id and binding.binding.tooltip or not binding.binding.show


@sync
async def test_the_scenarios_show_last_and_best_scores():
    from dataclasses import dataclass

    @dataclass
    class Stats:
        attempts: int
        last: float | None
        best: float | None
        previous: float | None = None

    class Store:
        def scenario_stats(self, scenario_id):
            return Stats(3, 62.0, 81.5) if scenario_id == "follow-up" else Stats(0, None, None)

        def close(self):
            pass

    app = make_app(store=Store())
    async with app.run_test(size=(80, 24)):
        options = app.screen.query_one("#scenarios")
        first, second = (str(options.get_option_at_index(i).prompt) for i in (0, 1))
        assert "last 62 · best 82" in first and "not tried yet" in second


@sync
async def test_calls_are_kept_and_history_opens_from_home():
    from rehearsal.store import open_store
    from rehearsal.ui.screens.history import HistoryScreen

    events = Events()
    app = make_app(make_services(store_factory=open_store))
    async with app.run_test(size=(80, 24), message_hook=events) as pilot:
        await pilot.press("enter", "enter")
        await typed_call(pilot, events, [GOOD_OPENING, GOOD_FIT])
        await pilot.press("a")  # the same call again: the scorecard compares with the first
        await typed_call(pilot, events, ["Hello.", "Sure, any feedback?", GOOD_FIT])
        summary = str(app.screen.query_one("#summary").render())
        assert "Since your previous attempt: 100 →" in summary
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        first = str(app.screen.query_one("#scenarios").get_option_at_index(0).prompt)
        assert "best 100" in first
        await pilot.press("h")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@sync
async def test_settings_microphone_test_moves_the_meter(monkeypatch):
    from rehearsal.ui.screens import settings
    from rehearsal.ui.widgets.meters import LevelMeter
    from fakes import FakeMicrophone

    monkeypatch.setattr(settings, "MIC_TEST_S", 0.6)
    levels: list[float] = []
    app = make_app(make_services(microphone_factory=lambda: FakeMicrophone([("speech", 2.0)], speed=5)))
    async with app.run_test(size=(80, 24), message_hook=lambda m: hasattr(m, "rms") and levels.append(m.rms)) as pilot:
        await pilot.press("s")
        app.screen.query_one("#test-mic").press()
        await wait_for(pilot, lambda: any(level > 0.05 for level in levels))
        await wait_for(pilot, lambda: levels and levels[-1] == 0.0)  # the test ends and the meter drops
        assert app.screen.query_one("#settings-meter", LevelMeter).level == 0.0


@sync
async def test_retry_a_turn_from_a_past_session():
    from rehearsal.store import open_store

    session_screen = pytest.importorskip("rehearsal.ui.screens.session")
    events = Events()
    app = make_app(make_services(store_factory=open_store))
    async with app.run_test(size=(100, 30), message_hook=events) as pilot:
        await pilot.press("enter", "enter")
        await typed_call(pilot, events, ["Hello.", "Sure, any feedback?", GOOD_FIT])
        await pilot.press("escape", "h")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, session_screen.SessionScreen))
        await pilot.press("r")  # the first turn has focus
        await wait_for(pilot, lambda: isinstance(app.screen, CallScreen))
        assert app.screen.start_at == "hello" and app.screen.retry_score is not None
        await typed_call(pilot, events, [GOOD_OPENING, GOOD_FIT])
        assert "This turn:" in str(app.screen.query_one("#summary").render())


@sync
async def test_a_history_that_cannot_open_is_a_notice_and_practice_works():
    def broken_store():
        raise OSError("database is locked")

    app = make_app(make_services(store_factory=broken_store))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.store is None
        assert any("database is locked" in n.message for n in app._notifications)
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, CallScreen)


@sync
async def test_the_open_file_dialog_completes_paths_and_browses(tmp_path):
    from rehearsal.ui.screens.briefing import BriefingScreen
    from rehearsal.ui.screens.open_file import OpenFileScreen, ScenarioTree

    folder = tmp_path / "coaching"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a scenario")
    src = paths.builtin_scenarios_dir() / "follow-up-better-fit.yaml"
    (folder / "assignment.yaml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    app = make_app(scenarios=(), services=make_services())
    app.scenarios = CatalogSource()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OpenFileScreen)
        box = app.screen.query_one("#path")
        box.value = str(folder / "ass")
        box.cursor_position = len(box.value)
        await wait_for(pilot, lambda: box._suggestion != "")
        await pilot.press("right")  # accept the completion
        assert box.value == str(folder / "assignment.yaml")
        tree = app.screen.query_one(ScenarioTree)
        assert [p.name for p in tree.filter_paths(list(folder.iterdir()))] == ["assignment.yaml"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)


@sync
async def test_slash_searches_the_scenarios():
    from rehearsal.ui.widgets.scenario_list import ScenarioList

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        scenarios = app.screen.query_one(ScenarioList)
        assert scenarios.option_count == 2
        await pilot.press("slash", *"voicem")
        assert app.screen.query_text == "voicem", app.screen.query_text
        assert scenarios.option_count == 1 and scenarios.get_option_at_index(0).id == "voicemail"
        await pilot.press("q")  # typed into the search box, not "quit"
        assert scenarios.option_count == 0 and "No scenario matches" in str(app.screen.query_one("#situation").render())
        await pilot.press("escape")
        assert scenarios.option_count == 2 and not app.screen.query_one("#search").display


@sync
async def test_settings_problems_open_in_a_dialog_at_start():
    from rehearsal.ui.screens.message import MessageScreen

    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("rate: 5\nbogus: 1\n", encoding="utf-8")
    loaded = settings_module.load().model_copy(update={"input_mode": "typed"})
    try:
        app = make_app(make_services(loaded))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, MessageScreen)
            text = app.screen.query_one("#message-text").text
            assert "rate = 5 is not valid" in text and "unknown setting 'bogus'" in text
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)
    finally:
        paths.config_file().unlink()


@sync
async def test_settings_echo_test_says_what_to_do_once(monkeypatch):
    from textual.widgets import Static

    from rehearsal.voice import echo_check
    from rehearsal.voice.echo_check import Advice, EchoReport

    reports = [EchoReport(-3.0, 31.0, Advice.LOWER_VOLUME, True), EchoReport(-30.0, 30.0, Advice.CANCELLER_ENOUGH, True)]
    monkeypatch.setattr(echo_check, "measure_echo", lambda settings=None: reports.pop(0))
    app = make_app(make_services())
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("s")
        advice = app.screen.query_one("#echo-advice", Static)
        app.screen.query_one("#test-echo").press()
        await wait_for(pilot, lambda: "volume down" in str(advice.render()))
        assert "echo at -3 dB" in str(advice.render())
        app.screen.query_one("#test-echo").press()
        await wait_for(pilot, lambda: "takes it out" in str(advice.render()))
        assert "volume down" not in str(advice.render())  # replaced, not piled up
        assert not app._notifications  # said in the screen, not in a toast
