"""Past calls: a table (scenario, date, score), a filter by scenario, and a chart of progress."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Select, Static
from textual_plotext import PlotextPlot

from rehearsal.printable import printable
from rehearsal.store import ProgressPoint, SessionStore
from rehearsal.call.ending import label as ending_label
from rehearsal.dimensions import RATED, label as dimension_label
from rehearsal.ui.screens.session import RetryCallback, SessionScreen
from rehearsal.voice.interfaces import Speaker

# One colour per line, named alike in plotext and rich, so the legend below the chart matches it.
_DIMENSION_COLORS = {"gratitude": "green", "feedback_request": "cyan", "tone": "magenta", "door_open": "yellow",
                     "delivery": "blue", "contact": "red"}
COLORS = {"call score": "white", **{dimension_label(d): c for d, c in _DIMENSION_COLORS.items()}}


def tick_labels(points: list[ProgressPoint]) -> list[str]:
    """The date at the first call of each day, the time at later calls that day: never ten "12-01"s."""
    labels, last_day = [], None
    for p in points:
        local = p.started_at.astimezone()
        labels.append(local.strftime("%H:%M") if local.date() == last_day else local.strftime("%m-%d"))
        last_day = local.date()
    return labels


def legend_text(series: dict[str, list[float | None]]) -> Text:
    text = Text()
    for label in series:
        text.append("━━ ", style=COLORS.get(label, "white"))
        text.append(f"{label}   ")
    return text


def chart_series(points: list[ProgressPoint]) -> dict[str, list[float | None]]:
    """Call score and each dimension's rate per attempt; None where a call did not score it."""
    series: dict[str, list[float | None]] = {"call score": [p.score for p in points]}
    for dim in RATED:
        values = [p.rates.get(dim) for p in points]
        if any(v is not None for v in values):
            series[dimension_label(dim)] = values
    return series


class HistoryScreen(Screen[None]):
    DEFAULT_CSS = """
    HistoryScreen #history-filter { width: 60; margin: 0 1; }
    HistoryScreen #history-table { height: 1fr; min-height: 5; border: round $primary; }
    HistoryScreen #history-chart { height: 1fr; min-height: 8; }
    HistoryScreen #history-legend { height: auto; padding: 0 1; }
    HistoryScreen #history-empty { padding: 1 2; color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Replay the selected call turn by turn", id="history.open"),
        Binding("f", "focus_filter", "Filter", tooltip="Show one scenario only", id="history.filter"),
        Binding("escape", "back", "Back", tooltip="Back to where you were", id="history.back"),
    ]

    def __init__(self, store: SessionStore, *, scenario_id: str | None = None,
                 speaker_factory: Callable[[], Speaker] | None = None, on_retry: RetryCallback | None = None) -> None:
        super().__init__()
        self.store = store
        self.scenario_id = scenario_id
        self.speaker_factory = speaker_factory
        self.on_retry = on_retry
        self.series: dict[str, list[float | None]] = {}
        self._speaker_obj: Speaker | None = None
        self._speaker_made = False

    def compose(self) -> ComposeResult:
        yield Header()
        options = [(title, sid) for sid, title in self.store.scenarios()]
        yield Select(options, prompt="All scenarios", value=self.scenario_id or Select.NULL, id="history-filter")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-empty")
        yield PlotextPlot(id="history-chart")
        yield Static("", id="history-legend")  # under the chart, so it never covers a line
        yield Footer()

    def on_mount(self) -> None:
        self.title = "History"
        self.sub_title = "Enter replays the selected call"
        table = self.query_one(DataTable)
        table.add_columns("Date", "Scenario", "Score", "Status", "Turns")
        self.refresh_data()
        table.focus()

    def refresh_data(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        sessions = list(reversed(self.store.list_sessions(self.scenario_id)))  # newest first
        for s in sessions:
            score = "-" if s.score is None else f"{s.score:.0f}"
            status = ending_label(s.status) + (" (one turn)" if s.start_turn else "")
            table.add_row(s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"), Text(printable(s.scenario_title, one_line=True)), score,
                          status, str(s.turn_count), key=s.id)
        empty = self.query_one("#history-empty", Static)
        empty.display = not sessions
        empty.update("No calls yet. Take one from the home screen; it will show up here." if not sessions else "")
        self._draw_chart(self.store.progress(self.scenario_id))

    def _draw_chart(self, points: list[ProgressPoint]) -> None:
        self.series = chart_series(points)
        widget = self.query_one(PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        legend = self.query_one("#history-legend", Static)
        if not points:
            plt.title("Your scores will be charted here after your first finished call")
            legend.update("")
            widget.refresh()
            return
        xs = list(range(1, len(points) + 1))
        for label, values in self.series.items():
            pairs = [(x, v) for x, v in zip(xs, values) if v is not None]
            marker = "braille" if label != "call score" else "hd"
            plt.plot([x for x, _ in pairs], [v for _, v in pairs], marker=marker, color=COLORS.get(label, "white"))
        plt.ylim(0, 100)
        step = max(1, len(xs) // 8)
        plt.xticks(xs[::step], tick_labels(points)[::step])
        legend.update(legend_text(self.series))
        which = "all scenarios" if self.scenario_id is None else self._title()
        plt.title(f"Call score and each dimension (%), {which}")
        widget.refresh()

    def _title(self) -> str:
        return dict(self.store.scenarios()).get(self.scenario_id or "", self.scenario_id or "")

    def on_select_changed(self, event: Select.Changed) -> None:
        self.scenario_id = None if event.value is Select.NULL else str(event.value)
        self.refresh_data()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self._open(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _open(self, session_id: str) -> None:
        speaker = self._speaker()
        self.app.push_screen(SessionScreen(store=self.store, session_id=session_id, speaker=speaker,
                                           on_retry=self.on_retry))

    def _speaker(self) -> Speaker | None:
        """One speaker for every call opened from here, made on first use, closed with the screen."""
        if self._speaker_made or self.speaker_factory is None:
            return self._speaker_obj
        self._speaker_made = True
        try:
            self._speaker_obj = self.speaker_factory()
        except Exception as exc:  # noqa: BLE001 - replay still shows the transcript without sound
            self.notify(f"Playback is off: {exc}", severity="warning")
        return self._speaker_obj

    def on_unmount(self) -> None:
        if self._speaker_obj is not None:
            self._speaker_obj.close()

    def action_focus_filter(self) -> None:
        self.query_one(Select).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_screen_resume(self) -> None:
        # A session may have been deleted or a new call taken since this screen was built.
        self.refresh_data()
