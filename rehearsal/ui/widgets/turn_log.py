"""The conversation so far on the call screen: each exchange with its one short cue."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from rehearsal.printable import printable
from rehearsal.call.turn import TurnRecord


def exchange_text(manager_name: str, record: TurnRecord) -> Text:
    text = Text()
    text.append(f"{printable(manager_name)}: ", style="bold")
    text.append(printable(record.manager_text))
    text.append("\nYou: ", style="bold")
    text.append(printable(record.reply) or "(no reply)", style="" if record.reply else "dim italic")
    text.append(f"\n  {printable(record.cue)}", style="italic")
    return text


class TurnLog(VerticalScroll):
    def __init__(self, manager_name: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.manager_name = manager_name

    def add(self, record: TurnRecord) -> None:
        self.mount(Static(exchange_text(self.manager_name, record), classes="exchange"))
        self.scroll_end(animate=False)

    def drop_last(self) -> None:
        exchanges = self.query(".exchange")
        if exchanges:
            exchanges.last().remove()
