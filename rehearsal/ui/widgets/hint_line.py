"""The turn's hint, shown above the reply box until the turn is answered; it covers nothing."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

NO_HINT = "No hint for this turn. Thank them, ask for feedback, stay upbeat."


class HintLine(Static):
    DEFAULT_CSS = """
    HintLine { height: auto; max-height: 4; padding: 0 1; background: $boost; display: none; }
    HintLine.shown { display: block; }
    """

    @property
    def shown(self) -> bool:
        return self.has_class("shown")

    def show(self, hint: str | None) -> None:
        self.update(Text.assemble(("Hint: ", "bold"), hint or NO_HINT, ("   ctrl+g hides it", "dim")))
        self.add_class("shown")

    def hide(self) -> None:
        self.remove_class("shown")
