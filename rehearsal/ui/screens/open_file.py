"""A small dialog asking for the path of a scenario file (say, a coach's assignment)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from rehearsal.printable import printable


class OpenFileScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without opening", id="open.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Open a scenario file", classes="dialog-title")
            yield Input(placeholder="path/to/scenario.yaml", id="path")
            yield Label("", id="path-error", classes="error")
            yield Button("Open", variant="primary", id="open")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._submit(self.query_one(Input).value)

    def _submit(self, value: str) -> None:
        text = value.strip()
        if not text:
            self.query_one("#path-error", Label).update("Type the path of a .yaml scenario file.")
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self.query_one("#path-error", Label).update(Text(printable(f"There is no file at {path}. Check the path and try again.")))
            return
        self.dismiss(str(path))

    def action_cancel(self) -> None:
        self.dismiss(None)
