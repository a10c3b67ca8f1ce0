"""The scorecard: every turn with its evidence and tips, the call score, the change since last time."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from rehearsal.call.ending import NAMES as ENDINGS
from rehearsal.call.engine import CallResult
from rehearsal.call.turn import TurnRecord
from rehearsal.ui.widgets.title_bar import TitleBar
from rehearsal.scenario.model import Scenario
from rehearsal.printable import printable
from rehearsal.ui.widgets.turn_card import TurnCard, legend


def change_text(now: float, before: float | None, label: str) -> Text:
    if before is None:
        return Text("")
    delta = now - before
    style = "green" if delta > 0 else "red" if delta < 0 else ""
    return Text.assemble(f"{label}: {before:.0f} → {now:.0f} (", (f"{delta:+.0f}", style), ")")


def summary_text(result: CallResult, previous: float | None, retry_score: float | None) -> Text:
    text = Text()
    text.append(f"Call score {result.score:.0f}", style="bold")
    if result.target is not None:
        text.append(f" / target {result.target:.0f} ")
        text.append("met" if result.met_target else "not yet", style="bold green" if result.met_target else "bold yellow")
    reason = ENDINGS[result.end_reason].sentence
    if reason:
        text.append(f"   {reason}")
    if retry_score is not None and result.turns:
        text.append("\n")
        text.append_text(change_text(result.turns[0].score.score, retry_score, "This turn"))
    elif previous is not None:
        text.append("\n")
        text.append_text(change_text(result.score, previous, "Since your previous attempt"))
    if result.closing_line:
        text.append(f"\nThe call ended: “{printable(result.closing_line)}”", style="italic")
    return text


class ScorecardScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "retry_turn", "Retry turn", tooltip="Practise the focused turn again", id="scorecard.retry"),
        Binding("a", "again", "Call again", tooltip="Take the whole call again", id="scorecard.again"),
        Binding("down,j", "app.focus_next", "Next turn", tooltip="Move to the next turn", id="scorecard.next", show=False),
        Binding("up,k", "app.focus_previous", "Previous turn", tooltip="Move to the previous turn", id="scorecard.prev", show=False),
        Binding("escape", "home", "Home", tooltip="Back to the scenario list", id="scorecard.home"),
    ]

    def __init__(self, scenario: Scenario, result: CallResult, *, previous: float | None = None, typed: bool = True,
                 scenario_path: str | None = None, retry_score: float | None = None) -> None:
        super().__init__()
        self.scenario = scenario
        self.result = result
        self.previous = previous
        self.typed = typed
        self.scenario_path = scenario_path
        self.retry_score = retry_score
        self.sub_title = f"{scenario.title}: scorecard"  # shown by the TitleBar

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(summary_text(self.result, self.previous, self.retry_score), id="summary")
        with VerticalScroll(id="turns"):
            for record in self.result.turns:
                yield TurnCard(self.scenario.persona.name, record)
            if not self.result.turns:
                yield Static("No turns were answered.", classes="empty")
            yield Static(legend(), id="legend")
        yield Footer()

    def on_mount(self) -> None:
        cards = self.query(TurnCard)
        if cards:
            cards.first().focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry_turn":
            return True if self.result.turns else None
        return True

    def _focused_record(self) -> TurnRecord | None:
        focused = self.focused
        if isinstance(focused, TurnCard):
            return focused.record
        return self.result.turns[0] if self.result.turns else None

    def action_retry_turn(self) -> None:
        from rehearsal.ui.screens.call import CallScreen

        record = self._focused_record()
        if record is None:
            return
        self.app.switch_screen(CallScreen(self.scenario, typed=self.typed, scenario_path=self.scenario_path,
                                          start_at=record.turn_id, retry_score=record.score.score))

    def action_again(self) -> None:
        from rehearsal.ui.screens.call import CallScreen

        self.app.switch_screen(CallScreen(self.scenario, typed=self.typed, scenario_path=self.scenario_path))

    def action_home(self) -> None:
        from rehearsal.ui.screens.home import HomeScreen

        while len(self.app.screen_stack) > 1 and not isinstance(self.app.screen, HomeScreen):
            self.app.pop_screen()
