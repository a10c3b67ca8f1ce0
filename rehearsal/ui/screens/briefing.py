"""Before the call: what happened, who answers, what a good call does, voice or typed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from rehearsal.ui.widgets.title_bar import TitleBar
from rehearsal.printable import printable
from rehearsal.scenario.model import Scenario
from rehearsal.ui.messages import ModelStatus

GOOD_CALL = [
    "Thank them for taking the call, and again for the interview.",
    "Admit the disappointment if you like, but say you are calling to learn.",
    "Ask for feedback that would help you in future interviews.",
    "Stay upbeat and gracious, even if the answer is vague.",
    "If they mention future postings, take the hint and keep the door open.",
]

MODEL_LINES: dict[ModelStatus, str] = {
    "off": "Speech model: not needed for typed replies.",
    "loading": "Speech model: loading…",
    "ready": "Speech model: ready.",
    "missing": "Speech model: missing.",
}


class BriefingScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "start", "Start call", tooltip="Call the manager now", id="briefing.start", priority=True),
        Binding("m", "toggle_mode", "Voice/typed", tooltip="Answer aloud or type your replies", id="briefing.mode"),
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to the scenario list", id="briefing.back"),
    ]

    def __init__(self, scenario: Scenario, scenario_path: str | None = None) -> None:
        super().__init__()
        self.scenario = scenario
        self.scenario_path = scenario_path
        self.typed = True
        self._start_when_ready = False

    def compose(self) -> ComposeResult:
        s = self.scenario
        yield TitleBar()
        with VerticalScroll(id="briefing"):
            yield Static(Text(printable(s.title), style="bold"), classes="section-title")
            yield Static(Text(printable(s.situation)), id="situation-text")  # text, never markup
            yield Static(Text.assemble(("Who answers: ", "bold"), printable(f"{s.persona.name}, {s.persona.role}")), id="persona")
            yield Static(self._good_call(), id="good-call")
        with Horizontal(id="briefing-bar"):
            with Vertical():
                yield Static(id="mode")
                yield Static(id="model-status")
            yield Button("Start the call", variant="primary", compact=True, id="start")
        yield Footer()

    def on_mount(self) -> None:
        self.typed = self.app.typed_default
        self.watch(self.app, "model_status", self._show_model, init=False)
        self._show_mode()
        self._show_model()

    def _good_call(self) -> Text:
        text = Text("What a good call does:\n", style="bold")  # the scoring guide, in brief
        for line in GOOD_CALL:
            text.append(f" • {line}\n", style="")
        target = self.scenario.rubric.target
        if target is not None:
            text.append(f"Target score: {target:.0f}", style="italic")
        return text.rstrip() or text

    def _show_mode(self) -> None:
        mode = "typed (type each reply, Enter sends it)" if self.typed else "voice (speak; a pause ends your reply)"
        if not self.typed and self.app.services.settings.end_mode == "push-to-talk":
            mode = "voice, push-to-talk (ctrl+t starts and stops your reply)"
        self.query_one("#mode", Static).update(Text.assemble(("Replies: ", "bold"), mode, ("   m to switch", "dim")))

    def _show_model(self, *_: object) -> None:
        status: ModelStatus = "off" if self.typed else self.app.model_status
        line = Text(MODEL_LINES[status])
        if status == "ready" and self.app.model_detail:  # which engine hears the replies, and what it does
            line = Text(f"Speech model: {self.app.model_detail}, ready (live text, end of reply, the words kept).")
        if status == "missing" and self.app.model_detail:
            line.append(f"\n{self.app.model_detail}", style="yellow")
        self.query_one("#model-status", Static).update(line)
        if self._start_when_ready and status in ("ready", "missing"):
            self._start_when_ready = False
            self._begin()

    def action_toggle_mode(self) -> None:
        if self.app.force_typed and self.typed:
            self.notify("This session was started with --typed; replies are typed.", severity="information")
            return
        self.typed = not self.typed
        if not self.typed and self.app.model_status == "off":
            self.app.load_model()
        self._show_mode()
        self._show_model()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def action_start(self) -> None:
        if not self.typed and self.app.model_status == "loading":
            self._start_when_ready = True
            self.notify("The call starts as soon as the speech model has loaded.")
            return
        self._begin()

    def _begin(self) -> None:
        from rehearsal.ui.screens.call import CallScreen

        typed = self.typed or self.app.recognizer is None
        if not self.typed and typed:
            self.notify("No speech model, so this call takes typed replies.", severity="warning", timeout=5)
        self.app.push_screen(CallScreen(self.scenario, typed=typed, scenario_path=self.scenario_path))
