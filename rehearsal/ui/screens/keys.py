"""The keys of the screen you are on, with what each does: this app's own key help."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Label

# Keys every screen has, from the app itself.
APP_KEYS = [
    ("f1", "Keys", "This list"),
    ("ctrl+p", "Commands", "Search every command (history, settings, theme, keys)"),
    ("ctrl+q", "Quit", "Leave rehearsal"),
]


def screen_keys(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, name, what it does) for each key the screen declares, in its order, then the app's."""
    rows = []
    for binding in type(screen).BINDINGS:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = ", ".join(key.strip() for key in binding.key.split(","))
        rows.append((keys, binding.description, binding.tooltip or binding.description))
    return rows + APP_KEYS


class KeysScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    KeysScreen #dialog { width: 90%; max-width: 100; height: auto; max-height: 90%; }
    KeysScreen DataTable { height: auto; max-height: 18; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape,f1", "close", "Close", tooltip="Close the key list", id="keys.close")]

    def __init__(self, screen: Screen, title: str) -> None:
        super().__init__()
        self.rows = screen_keys(screen)
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Keys: {self.heading}", classes="dialog-title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="keys-table")
            with Horizontal(classes="buttons"):
                yield Button("Close (Esc)", variant="primary", id="close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("key", "does", "")
        for key, name, what in self.rows:
            table.add_row(Text(key, style="bold"), name, what)
        table.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
