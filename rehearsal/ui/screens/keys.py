"""The keys of the screen you are on, with what each does: this app's own key help."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, Static

from rehearsal.ui.keymap import keys_of

KEY_NAMES = {"slash": "/", "enter": "Enter", "escape": "Esc", "space": "Space", "up": "↑", "down": "↓", "f1": "F1"}

# Keys every screen has, from the app itself: (binding id, key, name, what it does).
APP_KEYS = [
    ("app.keys", "f1", "Keys", "This list"),
    ("", "ctrl+p", "Commands", "Search every command (history, settings, theme, keys)"),
    ("app.quit", "ctrl+q", "Quit", "Leave rehearsal"),
]


def screen_keys(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, name, what it does) for each key the screen offers now, in its order, then the app's.

    A key the screen has switched off here (push-to-talk in a typed call) is left out; one that
    is only unavailable for the moment (retry before any reply) is marked so."""
    rows = []
    for binding in type(screen).BINDINGS:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        action, _, args = binding.action.partition("(")
        params = (args.rstrip(")"),) if args else ()
        allowed = screen.check_action(action, params) if "." not in action else True
        if allowed is False:
            continue
        what = binding.tooltip or binding.description
        if allowed is None:
            what += " (not now)"
        rows.append((_shown(keys_of(screen.app, binding)), binding.description, what))
    for binding_id, key, name, what in APP_KEYS:
        rows.append((_shown(keys_of(screen.app, Binding(key, "", id=binding_id or None))), name, what))
    return rows


def _shown(keys: str) -> str:
    return ", ".join(KEY_NAMES.get(key.strip(), key.strip()) for key in keys.split(","))


class KeysScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    KeysScreen #dialog { width: 90%; max-width: 100; height: auto; max-height: 100%; padding: 0 1; }
    KeysScreen #keys-list { height: auto; max-height: 18; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape,f1", "close", "Close", tooltip="Close the key list", id="keys.close")]

    def __init__(self, screen: Screen, title: str) -> None:
        super().__init__()
        self.rows = screen_keys(screen)
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Keys: {self.heading}", classes="dialog-title")
            with VerticalScroll(id="keys-list"):
                yield Static(self._table(), id="keys-table")
            with Horizontal(classes="buttons"):
                yield Button("Close (Esc)", variant="primary", id="close", compact=True)

    def _table(self) -> Table:
        # A rich table wraps long descriptions instead of cutting them at the dialog's edge.
        table = Table(box=None, show_header=False, pad_edge=False, expand=True)
        table.add_column(no_wrap=True, style="bold")
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for key, name, what in self.rows:
            table.add_row(Text(key), Text(name), Text(what, style="dim"))
        return table

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
