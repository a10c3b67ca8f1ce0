"""Home: the scenarios with your last and best score; open a coach's file; settings; history."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static

from rehearsal.ui.widgets.title_bar import TitleBar
from rehearsal.printable import printable
from rehearsal.scenario.catalog import looks_like_path
from rehearsal.scenario.model import Scenario
from rehearsal.ui.sources import ScenarioEntry, ScenarioUnavailable
from rehearsal.ui.widgets.scenario_list import ScenarioList, Scores


def matches(entry: ScenarioEntry, query: str) -> bool:
    """Every word of the query appears in the title, id or description (any case)."""
    haystack = f"{entry.title} {entry.id} {entry.description}".lower()
    return all(word in haystack for word in query.lower().split())


class HomeScreen(Screen[None]):
    AUTO_FOCUS = "#scenarios"  # the list, not the (hidden) search box
    BINDINGS = [
        Binding("enter", "choose", "Practise", tooltip="Prepare the highlighted call", id="home.choose", priority=True),
        # Priority: otherwise the key that opens the search box is also typed into it.
        Binding("slash", "search", "Search", tooltip="Find a scenario by title, id or description", id="home.search",
                priority=True),
        Binding("escape", "clear_search", "Clear search", tooltip="Close the search and show every scenario",
                show=False, id="home.clear_search"),
        Binding("o", "open_file", "Open file", tooltip="Open a scenario file from disk (a coach's assignment)", id="home.open"),
        Binding("h", "history", "History", tooltip="Your past calls and scores", id="home.history"),
        Binding("s", "app.settings", "Settings", tooltip="Devices, voice, speech model, theme", id="home.settings"),
        Binding("q", "app.quit", "Quit", tooltip="Leave rehearsal", id="home.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[ScenarioEntry] = []
        self._loaded: dict[str, Scenario | str] = {}
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Choose a call to practise", id="home-title")
        yield Input(placeholder="Search: title, id or description (Esc clears)", id="search", classes="hidden")
        yield ScenarioList(id="scenarios")
        yield Static(id="situation")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_entries()
        if self.app.store_error:
            self.notify(self.app.store_error, severity="warning", timeout=8)

    def on_screen_resume(self) -> None:
        self.refresh_entries()  # a call just ended: show the new last/best scores

    def refresh_entries(self) -> None:
        try:
            self.entries = self.app.scenarios.entries()
        except Exception as exc:  # noqa: BLE001 - show the problem, keep the app usable
            self.entries = []
            self.notify(f"The scenarios could not be listed: {exc}", severity="error", timeout=10)
        self._show_entries()

    def _show_entries(self) -> None:
        shown = [e for e in self.entries if matches(e, self.query_text)]
        self.query_one(ScenarioList).show(shown, {e.id: self._scores(e.id) for e in shown})
        if not self.entries:
            self.query_one("#situation", Static).update("No scenarios found. Press o to open a scenario file.")
        elif not shown:
            self.query_one("#situation", Static).update(f"No scenario matches {self.query_text!r}. Esc clears the search.")

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.remove_class("hidden")
        box.focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#search", Input)
        box.value = ""
        box.add_class("hidden")
        self.query_one(ScenarioList).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.query_text = event.value.strip()
            self._show_entries()

    def action_history(self) -> None:
        self.app.action_history()

    def _scores(self, scenario_id: str) -> Scores:
        store = self.app.store
        if store is None:
            return Scores()
        try:
            stats = store.scenario_stats(scenario_id)
        except Exception:  # noqa: BLE001 - a history problem should not hide the scenarios
            return Scores()
        return Scores(stats.attempts, stats.last, stats.best)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is None:
            return
        loaded = self._load(event.option.id)
        situation = self.query_one("#situation", Static)
        if isinstance(loaded, str):
            situation.update(Text(printable(loaded), style="red"))
        else:
            situation.update(Text(printable(loaded.situation)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.open_scenario(event.option.id)

    def action_choose(self) -> None:
        scenario_list = self.query_one(ScenarioList)
        if scenario_list.highlighted is not None:
            option = scenario_list.get_option_at_index(scenario_list.highlighted)
            if option.id is not None:
                self.open_scenario(option.id)

    def _load(self, id_or_path: str) -> Scenario | str:
        if id_or_path not in self._loaded:
            try:
                self._loaded[id_or_path] = self.app.scenarios.load(id_or_path)
            except ScenarioUnavailable as exc:
                self._loaded[id_or_path] = str(exc)
        return self._loaded[id_or_path]

    def open_scenario(self, id_or_path: str) -> None:
        from rehearsal.ui.screens.briefing import BriefingScreen

        self._loaded.pop(id_or_path, None)  # a coach may have just fixed the file
        loaded = self._load(id_or_path)
        if isinstance(loaded, str):
            self.app.show_problem("This scenario cannot be opened", loaded)
            return
        path = id_or_path if looks_like_path(id_or_path) else None
        self.app.push_screen(BriefingScreen(loaded, scenario_path=path))

    def action_open_file(self) -> None:
        from rehearsal.ui.screens.open_file import OpenFileScreen

        def opened(path: str | None) -> None:
            if path:
                self.open_scenario(path)

        self.app.push_screen(OpenFileScreen(), opened)
