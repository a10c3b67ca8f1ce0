"""The Settings screen's echo part: the echo cancellation choice and the echo test.

The test plays a sweep through the speaker and records the microphone
(rehearsal.voice.echo_check.measure_echo, about 5 s), then says in one plain sentence, under
the button, whether to use headphones, turn the volume down, or rely on the canceller. It is
said there once and stays until the next test: not a toast, which is gone before it is read.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label, Select, Static

from rehearsal.printable import printable
from rehearsal.settings import Settings

ECHO_CHOICES = [("auto: on when installed", "auto"), ("on", "on"), ("off", "off")]
ECHO_HELP = ("Plays a short sweep through the speaker and listens for it in the microphone (laptop speakers "
             "without headphones): about 5 s.")
ECHO_RUNNING = "Listening for the speaker in the microphone..."


def echo_fields(s: Settings) -> ComposeResult:
    with Horizontal(classes="field"):
        yield Label("Echo cancellation")
        yield Select(ECHO_CHOICES, value=s.echo_cancellation, allow_blank=False, compact=True, id="echo_cancellation")
    with Horizontal(classes="field"):
        yield Button("Test for echo", compact=True, id="test-echo", tooltip=ECHO_HELP)
    advice = Static(id="echo-advice")
    advice.display = False  # until there is something to say
    yield advice


class EchoTest:
    """Mixed into the SettingsScreen: runs the echo test in a worker thread and shows its advice."""

    @work(thread=True, exclusive=True, group="device-test", exit_on_error=False)
    def _test_echo(self) -> None:
        from rehearsal.voice.echo_check import measure_echo

        try:
            report = measure_echo(self.app.services.settings)
        except Exception as exc:  # noqa: BLE001 - VoiceUnavailable says what to do; anything else, in a sentence
            message = printable(f"The echo test could not run: {exc}")  # a device name may hold anything
            self.app.call_from_thread(self._show_echo, Text(message, style="yellow"))
            return
        style = "yellow" if report.advice.value in ("lower_volume", "headphones") else ""
        self.app.call_from_thread(self._show_echo, Text(report.message, style=style))

    def _show_echo(self, text: Text) -> None:
        advice = self.query_one("#echo-advice", Static)
        advice.update(text)
        advice.display = True
