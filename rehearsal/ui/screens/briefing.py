"""Before the call: what happened, who answers, what a good call does, voice or typed."""

from __future__ import annotations

from rich.text import Text
from textual import work
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
        Binding("p", "play_sample", "Play a sample", tooltip="Hear each person's voice before the call", id="briefing.sample"),
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
            yield Static(Text("Voices: …", style="dim"), id="voices")
            yield Button("Play a sample (p)", compact=True, id="play-sample")
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
        self._show_model()  # and the mode line
        self._cast: list = []
        self._find_voices()

    # -- who speaks with which voice ---------------------------------------------------

    @work(thread=True, group="voices", exit_on_error=False)
    def _find_voices(self) -> None:
        from rehearsal.voice.casting import cast_list

        services = self.app.services
        if services.synthesizer_factory is None:
            self.app.call_from_thread(self._show_voices, [], "none in this build: the lines are shown as text")
            return
        try:
            synth = services.synthesizer_factory()
        except Exception as exc:  # noqa: BLE001 - VoiceUnavailable says what to do
            self.app.call_from_thread(self._show_voices, [], f"{exc}")
            return
        self._synth = synth
        self.app.call_from_thread(self._show_voices, cast_list(self.scenario, synth, services.settings), None)

    def _show_voices(self, cast: list, problem: str | None) -> None:
        self._cast = cast
        text = Text("Voices: ", style="bold")
        if problem:
            text.append(problem, style="yellow")
        for n, person in enumerate(cast):
            text.append(("\n" if n else "") + f" • {person.name}: ", style="bold" if n == 0 else "")
            text.append(person.description, style="")
        self.query_one("#voices", Static).update(text)

    def action_play_sample(self) -> None:
        if not self._cast or self.app.services.speaker_factory is None:
            self.notify("No voice to play: the lines are shown as text.", severity="warning")
            return
        self._play_sample()

    @work(thread=True, exclusive=True, group="sample", exit_on_error=False)
    def _play_sample(self) -> None:
        from rehearsal.voice.phrasing import sentences

        try:
            speaker = self.app.services.speaker_factory()
            try:
                for person in self._cast:  # each person's first sentence, in their voice
                    audio = self._synth.render(sentences(person.sample)[0], person.spec)
                    speaker.play(audio).wait(audio.seconds + 5)
            finally:
                speaker.close()
        except Exception as exc:  # noqa: BLE001 - shown to the person with the fix
            self.app.call_from_thread(self.notify, f"{exc}", title="Play a sample", severity="error", timeout=10)

    def on_unmount(self) -> None:
        synth = getattr(self, "_synth", None)
        if synth is not None:
            synth.close()

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
        if not self.typed and self.app.model_status == "missing":
            mode = "voice chosen, but with no speech model this call takes typed replies (see below)"
        self.query_one("#mode", Static).update(Text.assemble(("Replies: ", "bold"), mode, ("   m to switch", "dim")))

    def _show_model(self, *_: object) -> None:
        self._show_mode()  # the mode line says when voice cannot be had
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
        self._show_model()  # and the mode line

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "play-sample":
            self.action_play_sample()

    def action_start(self) -> None:
        if not self.typed and self.app.model_status == "loading":
            self._start_when_ready = True
            self.notify("The call starts as soon as the speech model has loaded.")
            return
        self._begin()

    def _begin(self) -> None:
        from rehearsal.ui.screens.call import CallScreen

        # Why voice cannot be had is said in the call's notice line, which stays: a toast here covered the reply box.
        typed, why = self.app.call_mode(self.typed)
        self.app.push_screen(CallScreen(self.scenario, typed=typed, scenario_path=self.scenario_path, why_typed=why))
