"""A message a person must be able to read whole: a title, scrollable text that can be selected
and copied, and a button. Used for problems too long for a toast (a broken scenario file)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea


class MessageScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    MessageScreen { align: center middle; }
    MessageScreen #dialog { width: 90%; max-width: 110; height: auto; max-height: 100%; padding: 0 1; }
    MessageScreen #message-text { height: auto; max-height: 60vh; min-height: 3; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Close", tooltip="Close this message", id="message.close")]

    def __init__(self, title: str, text: str, *, error: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, classes="dialog-title" + (" error" if self.error else ""))
            # A read-only text area: long lines wrap, it scrolls, and the text can be selected and copied.
            yield TextArea(self.text, read_only=True, soft_wrap=True, show_line_numbers=False, id="message-text")
            with Horizontal(classes="buttons"):
                yield Button("Close (Esc)", variant="primary", id="close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
