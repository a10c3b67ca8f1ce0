"""Save a past call as a report: the file name says the format (.html, .md or .json)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from rehearsal.store import export
from rehearsal.store.models import SessionDetail

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


def report_text(detail: SessionDetail, fmt: str, history=None) -> str:
    if fmt == "json":
        return json.dumps(export.to_json(detail), indent=2) + "\n"
    if fmt == "html":
        return export.to_html(detail, history)
    return export.to_markdown(detail)


def default_report_path(detail: SessionDetail) -> Path:
    return Path.cwd() / f"rehearsal-{detail.scenario_id}-{detail.id}.html"


class ExportScreen(ModalScreen[Path | None]):
    """Asks where to write; returns the path written, or None when cancelled."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen #dialog { width: 90%; max-width: 100; }
    ExportScreen #export-error { width: 100%; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without saving", id="export.cancel")]

    def __init__(self, detail: SessionDetail, history=None) -> None:
        super().__init__()
        self.detail = detail
        self.history = history

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Save this call as a report", classes="dialog-title")
            yield Input(str(default_report_path(self.detail)), id="export-path")
            yield Label(".html: a page to open in a browser or send; .md: plain text; .json: for scripts.")
            yield Label("", id="export-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._save(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self._save(self.query_one(Input).value)

    def _save(self, value: str) -> None:
        error = self.query_one("#export-error", Label)
        path = Path(value.strip()).expanduser()
        fmt = FORMATS.get(path.suffix.lower())
        if not value.strip() or fmt is None:
            error.update("End the file name with .html, .md or .json: that is the report's format.")
            return
        try:
            path.write_text(report_text(self.detail, fmt, self.history), encoding="utf-8")
        except OSError as exc:
            error.update(f"Cannot write {path} ({exc.strerror or exc}). Choose another folder.")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
