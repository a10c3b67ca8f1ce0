"""The conversation so far on the call screen: each exchange with its one short cue.

A reply the second pass heard again (TurnRevised) has its exchange rewritten in place: the
revised words and cue, and a dim line saying what was heard live (the call went on from that)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from rehearsal.printable import printable
from rehearsal.call.turn import TurnRecord
from rehearsal.store.view import revision_line


def exchange_text(manager_name: str, record: TurnRecord) -> Text:
    text = Text()
    text.append(f"{printable(manager_name)}: ", style="bold")
    text.append(printable(record.manager_text))
    text.append("\nYou: ", style="bold")
    text.append(printable(record.reply) or "(no reply)", style="" if record.reply else "dim italic")
    text.append(f"\n  {printable(record.cue)}", style="italic")
    revised = revision_line(record)
    if revised is not None:
        text.append(f"\n  {printable(revised)}", style="dim")
    return text


class Exchange(Static):
    def __init__(self, manager_name: str, record: TurnRecord) -> None:
        super().__init__(exchange_text(manager_name, record), classes="exchange")
        self.record = record


class TurnLog(VerticalScroll):
    def __init__(self, manager_name: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.manager_name = manager_name

    def add(self, record: TurnRecord) -> None:
        self.mount(Exchange(self.manager_name, record))
        self.scroll_end(animate=False)

    def revise(self, record: TurnRecord) -> bool:
        """Show the revised turn in place of the live one it revises; False if that one is gone (retried)."""
        live = record.revision.live_reply if record.revision else None
        for exchange in self.query(Exchange):
            old = exchange.record
            if (old.index, old.turn_id, old.reply) == (record.index, record.turn_id, live) and old.revision is None:
                exchange.record = record
                exchange.update(exchange_text(self.manager_name, record))
                return True
        return False

    def drop_last(self) -> None:
        exchanges = self.query(".exchange")
        if exchanges:
            exchanges.last().remove()
