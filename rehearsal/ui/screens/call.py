"""The call: the manager's line, your live transcript, a meter, a timer, and few words else.

Feedback stays minimal during the call (one short cue per turn); the detail waits for the
scorecard. Every engine call happens in a worker thread; the runner reports back through
an EventBridge as messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from rehearsal.ui.widgets.title_bar import TitleBar
from rehearsal.call import events as ev
from rehearsal.call.engine import CallResult
from rehearsal.practice.opening import OpenCall, open_call
from rehearsal.printable import printable
from rehearsal.scenario.model import Scenario
from rehearsal.ui.messages import CallUpdate, EventBridge, MicLevel, PartialTranscript
from rehearsal.ui.widgets.hint_line import HintLine
from rehearsal.ui.widgets.meters import LevelMeter, ReplyTimer
from rehearsal.ui.widgets.turn_log import TurnLog

if TYPE_CHECKING:
    from rehearsal.store.recorder import SessionRecorder


NO_MODEL = "No speech model, so this call takes typed replies."  # when the loader said nothing better
MAX_NOTICES = 3  # lines of the notice line kept at once


class CallScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+t", "talk", "Talk/stop", tooltip="Push-to-talk: start or end your reply", id="call.talk"),
        Binding("ctrl+g", "hint", "Hint", tooltip="A hint for this turn", id="call.hint"),
        Binding("ctrl+r", "retry", "Retry turn", tooltip="Take back your last reply and answer again", id="call.retry"),
        Binding("ctrl+n", "skip", "Skip", tooltip="Move on without answering (scores as silence)", id="call.skip"),
        Binding("escape", "hang_up", "Hang up", tooltip="End the call now (asks first)", id="call.hang_up"),
    ]

    def __init__(
        self,
        scenario: Scenario,
        *,
        typed: bool,
        scenario_path: str | None = None,
        start_at: str | None = None,
        retry_score: float | None = None,
        why_typed: str | None = None,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.typed = typed
        self.scenario_path = scenario_path
        self.start_at = start_at
        self.retry_score = retry_score  # the earlier score of the turn being retried
        self.runner: OpenCall | None = None
        self.recorder: object | None = None
        self.turn_id = start_at or scenario.start
        self.talking = False
        self.ended = False
        self.start_failed = False
        self.scored = 0
        self.why_typed = why_typed  # voice was chosen but cannot be had: said in the notice line
        self._notices: list[Text] = []

    @property
    def push_to_talk(self) -> bool:
        return not self.typed and self.app.services.settings.end_mode == "push-to-talk"

    def compose(self) -> ComposeResult:
        persona = self.scenario.persona
        yield TitleBar()
        yield Static(Text.assemble(("Calling ", "dim"), (printable(persona.name), "bold"), (f", {printable(persona.role)}", "dim")), id="persona-line")
        yield Static(id="manager-line")
        yield TurnLog(persona.name, id="turn-log")
        yield Static(id="live")
        with Horizontal(id="call-status"):
            yield LevelMeter(id="meter")
            yield ReplyTimer(id="timer")
            yield Static(id="mode-label")
        yield Static(id="notice-line", classes="hidden")
        yield HintLine(id="hint-line")
        yield Input(placeholder="Type your reply and press Enter", id="reply")
        yield Footer()

    def on_mount(self) -> None:
        self._show_mode()
        self.query_one("#manager-line", Static).update(Text("Dialling…", style="dim"))
        if self.why_typed:
            self._on_Notice(ev.Notice("warning", self.why_typed))
        self._start_call()

    def _show_mode(self) -> None:
        if self.typed:
            label = "typed replies"
        elif self.push_to_talk:
            label = "voice · push-to-talk"
        else:
            label = "voice · auto end-of-reply"
        self.query_one("#mode-label", Static).update(label)
        self.query_one("#meter").display = not self.typed
        self.query_one("#reply", Input).display = self.typed
        if self.typed:
            self.query_one("#reply", Input).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "talk":
            return self.push_to_talk
        if action == "retry":
            return None if self.scored == 0 else True
        return True

    # -- starting and ending the call (worker threads) --

    @work(thread=True, group="call", exit_on_error=False)
    def _start_call(self) -> None:
        try:
            self.recorder = self._open_recorder()
            bridge = EventBridge(self, [self.recorder] if self.recorder is not None else [])
            app = self.app
            self.runner = open_call(self.scenario, app.services, bridge, typed=self.typed, start_at=self.start_at,
                                    recognizer=lambda: app.recognizer)
            self.runner.start()
        except Exception as exc:  # noqa: BLE001 - say what went wrong instead of crashing
            self.start_failed = True
            self.post_message(CallUpdate(ev.Notice("error", f"The call could not start: {exc}. Press Esc to go back.")))

    def _open_recorder(self) -> SessionRecorder | None:
        store = self.app.store
        if store is None:
            return None
        try:
            return store.recorder(self.scenario, mode="typed" if self.typed else "voice",
                                  scenario_path=self.scenario_path, start_turn=self.start_at,
                                  keep_audio=self.app.services.settings.keep_audio)
        except Exception as exc:  # noqa: BLE001 - the call matters more than its history
            self.post_message(CallUpdate(ev.Notice("warning", f"This call will not be saved ({exc}).")))
            return None

    @work(thread=True, group="call", exit_on_error=False)
    def _finish(self, result: CallResult) -> None:
        previous = None
        if self.runner is not None:
            self.runner.close()  # waits briefly for the second pass's last revisions
            result = self.runner.result()
        if self.recorder is not None:
            try:
                self.recorder.close()
                previous = self.app.store.scenario_stats(self.scenario.id).previous
            except Exception:  # noqa: BLE001 - the scorecard is shown regardless
                previous = None
        self.app.call_from_thread(self._show_scorecard, result, previous)

    def _show_scorecard(self, result: CallResult, previous: float | None) -> None:
        from rehearsal.ui.screens.scorecard import ScorecardScreen

        card = ScorecardScreen(self.scenario, result, previous=previous, typed=self.typed,
                               scenario_path=self.scenario_path, retry_score=self.retry_score)
        self.app.switch_screen(card)

    def _engine(self, action: Callable[[OpenCall], object]) -> None:
        """Run one runner method off the UI thread."""
        runner = self.runner
        if runner is None:
            self.notify("The call is still connecting; try again in a moment.")
            return

        def call_it() -> None:
            try:
                action(runner)
            except Exception as exc:  # noqa: BLE001
                self.post_message(CallUpdate(ev.Notice("error", f"That did not work: {exc}")))

        self.run_worker(call_it, thread=True, group="engine", exit_on_error=False)

    def on_unmount(self) -> None:
        # Leaving mid-call (quit, crash of a screen): stop the runner's thread.
        if self.runner is not None and not self.ended:
            runner = self.runner
            runner.hang_up()
            runner.join(2.0)

    # -- what the runner reports --

    def on_call_update(self, message: CallUpdate) -> None:
        handler = getattr(self, f"_on_{type(message.event).__name__}", None)
        if handler is not None:
            handler(message.event)

    def on_partial_transcript(self, message: PartialTranscript) -> None:
        self.query_one("#live", Static).update(Text.assemble(("You: ", "bold"), printable(message.event.text)))

    def on_mic_level(self, message: MicLevel) -> None:
        self.query_one(LevelMeter).level = message.rms

    def _on_ManagerSpeaking(self, event: ev.ManagerSpeaking) -> None:
        if event.turn_id != self.turn_id:
            self._hide_hint()  # a new turn: the last turn's hint no longer applies
        self.turn_id = event.turn_id
        self.query_one(ReplyTimer).clear()
        self._show_manager(event.text, speaking=True)

    def _on_Prompted(self, event: ev.Prompted) -> None:
        self._show_manager(event.text, speaking=not self.typed)

    def _on_ManagerDone(self, event: ev.ManagerDone) -> None:
        line = self.query_one("#manager-line", Static)
        line.remove_class("speaking")
        line.border_subtitle = ""

    def _on_Listening(self, event: ev.Listening) -> None:
        self.turn_id = event.turn_id
        prompt = "Your turn: type your reply." if self.typed else "Your turn: speak when ready."
        if self.push_to_talk:
            prompt = "Your turn: press ctrl+t, speak, press ctrl+t again."
        self.query_one("#live", Static).update(Text(prompt, style="dim"))
        self.query_one(ReplyTimer).start(event.time_limit)

    def _on_SpeechStarted(self, event: ev.SpeechStarted) -> None:
        self.query_one("#live", Static).update(Text("You: …", style="bold"))

    def _on_ReplyHeard(self, event: ev.ReplyHeard) -> None:
        self.talking = False  # push-to-talk: the next turn starts with the key up
        self.query_one(ReplyTimer).stop()
        self.query_one("#live", Static).update(Text.assemble(("You: ", "bold"), printable(event.transcript.text) or "(nothing heard)"))

    def _on_TurnScored(self, event: ev.TurnScored) -> None:
        self._hide_hint()
        self.query_one(ReplyTimer).stop()
        self.query_one(TurnLog).add(event.record)
        self.query_one("#live", Static).update("")
        self.scored += 1
        self.refresh_bindings()

    def _on_TurnRevised(self, event: ev.TurnRevised) -> None:
        # The second pass heard a reply again: its card shows the revised words and marks.
        self.query_one(TurnLog).revise(event.record)

    def _on_Notice(self, event: ev.Notice) -> None:
        # In the notice line above the reply box, whole, until the next notice: a toast here
        # covered the reply box on a small terminal and was gone before it could be read.
        # The last few stay (a missing speaker and a missing model are both worth knowing), each once,
        # the newest first so that it is the one read whole when the line runs out of room.
        notice = self.query_one("#notice-line", Static)
        mark = {"info": "", "warning": "⚠ ", "error": "✗ "}[event.level]
        line = Text(mark + printable(event.message), style="yellow" if event.level != "info" else "")
        self._notices = [line] + [n for n in self._notices if n.plain != line.plain][: MAX_NOTICES - 1]
        notice.update(Text("\n").join(self._notices))
        notice.remove_class("hidden")
        if event.level != "info" and not self.typed:
            # Something in the voice path failed: offer typing so the call can carry on.
            self.query_one("#reply", Input).display = True
            self.query_one("#reply", Input).focus()

    def _on_CallEnded(self, event: ev.CallEnded) -> None:
        self.ended = True
        self.query_one(ReplyTimer).stop()
        reviser = self.runner.reviser if self.runner is not None else None
        if reviser is not None and reviser.pending:
            self.query_one("#live", Static).update(Text("Whisper is checking your last replies for the scorecard…",
                                                        style="dim"))
        self._finish(event.result)

    def _show_manager(self, text: str, *, speaking: bool) -> None:
        line = self.query_one("#manager-line", Static)
        line.update(Text.assemble((f"{printable(self.scenario.persona.name)}: ", "bold"), printable(text)))
        line.set_class(speaking, "speaking")
        line.border_subtitle = "speaking" if speaking else ""

    # -- keys --

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.clear()
        if text == "?":  # asks for the hint, as in the terminal; never a reply
            self._show_hint()
            return
        self._engine(lambda runner: runner.submit_text(text))

    def action_talk(self) -> None:
        self.talking = not self.talking
        if self.talking:
            self._engine(lambda runner: runner.talk())
        else:
            self._engine(lambda runner: runner.stop_talking())

    def action_hint(self) -> None:
        """The hint stays beside the reply box until the turn is answered; ctrl+g again hides it."""
        if self.query_one(HintLine).shown:
            self._hide_hint()
        else:
            self._show_hint()

    def _show_hint(self) -> None:
        turn = self.scenario.turns.get(self.turn_id)
        self.query_one(HintLine).show(turn.hint if turn is not None else None)

    def _hide_hint(self) -> None:
        self.query_one(HintLine).hide()

    def on_reply_timer_time_up(self, message: ReplyTimer.TimeUp) -> None:
        if self.typed:
            self.query_one("#live", Static).update(Text(
                f"Time's up ({message.limit:.0f} s for this reply): finish your sentence and press Enter.",
                style="bold yellow"))

    def action_retry(self) -> None:
        if self.scored:
            self.query_one(TurnLog).drop_last()
            self.scored -= 1
            self.refresh_bindings()
        self._engine(lambda runner: runner.retry())

    def action_skip(self) -> None:
        self._engine(lambda runner: runner.skip())

    def action_hang_up(self) -> None:
        from rehearsal.ui.screens.confirm import ConfirmScreen

        if self.start_failed:
            self.app.pop_screen()
            return
        def answered(yes: bool | None) -> None:
            if yes:
                self._engine(lambda runner: runner.hang_up())

        self.app.push_screen(ConfirmScreen("Hang up now? You will see the scorecard for the turns so far.",
                                           yes="Hang up", no="Keep talking"), answered)

