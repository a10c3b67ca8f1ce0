"""Open a scenario file (say, a coach's assignment): type a path with completion, or browse."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, DirectoryTree, Input, Label

from rehearsal.printable import printable

SCENARIO_SUFFIXES = (".yaml", ".yml")


class PathSuggester(Suggester):
    """Completes the last part of a path from what is on disk: folders, and scenario files."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, stem = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        try:
            names = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
                           if p.name.startswith(stem) and not p.name.startswith(".")
                           and (p.is_dir() or p.suffix in SCENARIO_SUFFIXES))
        except OSError:
            return None
        if not names:
            return None
        return value + names[0][len(stem):]


class ScenarioTree(DirectoryTree):
    """Folders and scenario files only, hidden files left out."""

    def filter_paths(self, paths):
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix in SCENARIO_SUFFIXES)]


class OpenFileScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    OpenFileScreen #dialog { width: 90%; max-width: 100; height: 90%; max-height: 30; padding: 0 1; }
    OpenFileScreen #dialog .dialog-title { margin-bottom: 0; }
    OpenFileScreen #path-error { width: 100%; height: auto; }
    OpenFileScreen ScenarioTree { height: 1fr; min-height: 3; border: round $primary; }
    OpenFileScreen .hint { width: 100%; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without opening", id="open.cancel")]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = start or Path(".")  # the folder rehearsal was started in, shown as "."

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Open a scenario file", classes="dialog-title")
            yield Input(placeholder="path/to/scenario.yaml", id="path", suggester=PathSuggester())
            yield Label("Type a path (→ completes it), or Tab to the files below.", classes="hint")
            yield Label("", id="path-error", classes="error")
            yield ScenarioTree(self.start, id="browser")
            with Horizontal(classes="buttons"):
                yield Button("Open", variant="primary", id="open", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self._submit(str(event.path))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self._submit(self.query_one(Input).value)

    def _submit(self, value: str) -> None:
        text = value.strip()
        error = self.query_one("#path-error", Label)
        if not text:
            error.update("Type the path of a .yaml scenario file, or pick one below.")
            return
        path = Path(text).expanduser().absolute()
        if path.is_dir():
            self.query_one(ScenarioTree).path = path  # a folder: browse it
            error.update("")
            return
        if not path.is_file():
            error.update(Text(printable(f"There is no file at {path}. Check the path and try again.")))
            return
        self.dismiss(str(path))

    def action_cancel(self) -> None:
        self.dismiss(None)
