"""The history and session screens, each run on its own in a small host app."""

from __future__ import annotations

import asyncio
import functools

import pytest
from textual.app import App
from textual.widgets import DataTable, Select, Static
from textual_plotext import PlotextPlot

from rehearsal.store import open_store
from rehearsal.ui.screens.history import HistoryScreen, chart_series
from rehearsal.ui.screens.session import SessionScreen, TurnView
from store_support import GOOD, POOR, beep, record_call, scenario


def sync(test):
    """Run an async test on its own event loop (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


class Host(App[None]):
    def __init__(self, screen) -> None:
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)


class FakePlayback:
    def __init__(self) -> None:
        self.stopped = False
        self.done = False
        self.started_at = self.ended_at = None

    def stop(self) -> None:
        self.stopped = True

    def wait(self, timeout=None) -> bool:
        return True


class RecordingSpeaker:
    def __init__(self) -> None:
        self.played, self.playbacks = [], []
        self.closed = False

    def play(self, audio):
        self.played.append(audio)
        self.playbacks.append(FakePlayback())
        return self.playbacks[-1]

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def store():
    with open_store() as s:
        record_call(s, POOR)
        record_call(s, GOOD)
        record_call(s, GOOD[:1], sc=scenario(id="other", title="Other call"), end=False)
        yield s


def _rows(screen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@sync
async def test_history_lists_calls_and_filters_by_scenario(store):
    screen = HistoryScreen(store)
    async with Host(screen).run_test(size=(100, 32)) as pilot:
        rows = _rows(screen)
        assert [(r[1], r[2], r[3]) for r in rows] == [
            ("Other call", "-", "interrupted"),
            ("Follow-up after a rejection", "100", "completed"),
            ("Follow-up after a rejection", "17", "completed"),
        ]
        assert screen.series["call score"] == [16.6, 100.0]
        screen.query_one(Select).value = "other"
        await pilot.pause()
        assert [r[1] for r in _rows(screen)] == ["Other call"]
        assert screen.series == {"call score": []}
        screen.query_one(Select).value = "follow-up"
        await pilot.pause()
        assert len(_rows(screen)) == 2


def test_chart_series_has_each_dimension_the_calls_scored(store):
    series = chart_series(store.progress("follow-up"))
    assert series == {
        "call score": [16.6, 100.0],
        "gratitude": [0.0, 100.0],
        "feedback request": [0.0, 100.0],
        "tone": [50.0, 100.0],
        "door open": [0.0, 100.0],
    }


def test_same_day_ticks_show_the_time_and_the_legend_sits_outside_the_chart(store):
    from datetime import UTC, datetime

    from rehearsal.store.models import ProgressPoint
    from rehearsal.ui.screens.history import legend_text, tick_labels

    def at(day, hour):
        return ProgressPoint("x", datetime(2026, 12, day, hour, 5, tzinfo=UTC).astimezone(), 50.0, {})

    labels = tick_labels([at(1, 9), at(1, 10), at(1, 11), at(2, 9)])
    assert labels[0] != labels[3] and len(set(labels)) == 4  # four calls, four different labels
    assert labels[1].count(":") == 1 and labels[3].count("-") == 1
    assert "gratitude" in legend_text(chart_series(store.progress("follow-up"))).plain


@sync
async def test_history_draws_a_chart_and_shows_an_empty_state(tmp_path):
    with open_store(tmp_path / "empty.sqlite3") as empty:
        screen = HistoryScreen(empty)
        async with Host(screen).run_test(size=(80, 24)):
            assert screen.query_one("#history-empty", Static).display
            assert "No calls yet" in str(screen.query_one("#history-empty", Static).render())
            assert screen.query_one(PlotextPlot).display


@sync
async def test_enter_opens_the_session_screen(store):
    speaker, made = RecordingSpeaker(), []
    screen = HistoryScreen(store, speaker_factory=lambda: made.append(1) or speaker)
    async with Host(screen).run_test(size=(100, 32)) as pilot:
        screen.query_one(DataTable).move_cursor(row=1)
        await pilot.press("enter")
        await pilot.pause()
        opened = pilot.app.screen
        assert isinstance(opened, SessionScreen) and opened.detail.score == 100.0
        assert opened.speaker is speaker
        await pilot.press("escape")
        assert pilot.app.screen is screen
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        assert made == [1]  # one speaker for the screen's life
        assert not speaker.closed
        pilot.app.pop_screen()
        await pilot.pause()
        assert speaker.closed


@sync
async def test_session_screen_replays_turn_by_turn(store):
    sid = store.list_sessions("follow-up")[0].id
    speaker = RecordingSpeaker()
    screen = SessionScreen(store=store, session_id=sid, speaker=speaker)
    async with Host(screen).run_test(size=(80, 24)) as pilot:  # small: the turns scroll
        views = list(screen.query(TurnView))
        assert [v.turn.turn_id for v in views] == ["hello", "vague"]
        text = views[0].render()
        assert "Hi." in str(text) and "turn score 33" in str(text)
        assert "Open with thanks" in str(text)  # the tip
        await pilot.press("y")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("down")
        assert screen.focused_turn().turn_id == "vague"
        await pilot.press("m")
        await pilot.app.workers.wait_for_complete()
        assert [a.pcm for a in speaker.played] == [beep(0.3).pcm, beep().pcm]
        await pilot.press("down", "down", "up")
        assert screen.focused_turn().turn_id == "hello"
        assert speaker.playbacks[0].stopped  # starting another line stops the one playing
        await pilot.press("s")
        assert speaker.playbacks[1].stopped


@sync
async def test_evidence_is_highlighted(store):
    sid = store.list_sessions("follow-up")[1].id
    screen = SessionScreen(store=store, session_id=sid)
    async with Host(screen).run_test(size=(100, 40)):
        view = list(screen.query(TurnView))[0]
        rendered = view.render()
        styled = {rendered.plain[s.start:s.end]: str(s.style) for s in rendered.spans}
        assert styled["Thank"].endswith("on ansi_green") and styled["feedback"].endswith("on ansi_cyan")
        assert "Hi" not in styled


@sync
async def test_retry_this_turn_calls_back_with_the_turn(store):
    sid = store.list_sessions("follow-up")[0].id
    asked = []
    screen = SessionScreen(store=store, session_id=sid, on_retry=lambda detail, turn: asked.append((detail.id, turn.turn_id)))
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "r")
        assert asked == [(sid, "vague")]


@sync
async def test_a_bundle_opens_read_only(store, tmp_path, monkeypatch):
    from rehearsal.cli.main import main

    out = tmp_path / "r.zip"
    assert main(["bundle", "follow-up", "-o", str(out), "--learner", "Ana", "--audio"]) == 0
    asked, speaker = [], RecordingSpeaker()
    screen = SessionScreen(bundle_path=out, speaker=speaker, on_retry=lambda *a: asked.append(a))
    async with Host(screen).run_test(size=(100, 40)) as pilot:
        assert screen.read_only and screen.detail.score == 100.0  # the latest attempt
        assert "Ana" in str(screen.query_one("#session-summary", Static).render())
        await pilot.press("r")
        assert asked == []
        await pilot.press("y")
        await pilot.app.workers.wait_for_complete()
        assert [a.pcm for a in speaker.played] == [beep(0.3).pcm]


@sync
async def test_a_call_can_be_saved_as_a_report_and_deleted_from_the_app(store, tmp_path):
    from rehearsal.ui.screens.confirm import ConfirmScreen
    from rehearsal.ui.screens.export import ExportScreen

    history = HistoryScreen(store)
    async with Host(history).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # the newest call
        await pilot.pause()
        session = pilot.app.screen
        assert isinstance(session, SessionScreen)
        gone = session.detail.id
        await pilot.press("e")
        assert isinstance(pilot.app.screen, ExportScreen)
        box = pilot.app.screen.query_one("#export-path")
        box.value = str(tmp_path / "report.txt")
        await pilot.press("enter")
        assert "End the file name with .html" in str(pilot.app.screen.query_one("#export-error").render())
        box.value = str(tmp_path / "report.html")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "report.html").read_text().startswith("<!DOCTYPE html>")
        assert pilot.app.screen is session
        await pilot.press("d")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # kept
        assert gone in [s.id for s in store.list_sessions()]
        await pilot.press("d", "y")
        await pilot.pause()
        assert pilot.app.screen is history
        assert gone not in [s.id for s in store.list_sessions()]
        assert len(_rows(history)) == 2  # of three
