"""The microphone level meter and the reply timer on the call screen."""

from __future__ import annotations

import time

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

METER_CELLS = 12


class LevelMeter(Static):
    """Microphone loudness as a row of cells, so a person can see they are being heard."""

    level: reactive[float] = reactive(0.0)

    def render(self) -> Text:
        # Speech RMS sits far below full scale; a square root spreads quiet speech over the cells.
        filled = round(min(1.0, max(0.0, self.level)) ** 0.5 * METER_CELLS)
        text = Text("mic ")
        text.append("█" * filled, style="green" if filled < METER_CELLS - 1 else "red")
        text.append("░" * (METER_CELLS - filled), style="dim")
        return text


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class ReplyTimer(Static):
    """Time taken on the current reply, against the turn's limit when it has one.

    At the limit the clock stops there and says so, and TimeUp is posted: a spoken reply is
    ended by the listener; a typed one is not cut off mid-sentence, the call screen says to send it.
    """

    class TimeUp(Message):
        def __init__(self, limit: float) -> None:
            super().__init__()
            self.limit = limit

    elapsed: reactive[float] = reactive(-1.0)  # below zero: nothing to show
    limit: reactive[float | None] = reactive(None)
    running: reactive[bool] = reactive(False)

    def on_mount(self) -> None:
        self._started = 0.0
        self._ticker = self.set_interval(0.25, self._tick, pause=True)

    def start(self, limit: float | None) -> None:
        self.limit = limit
        self.elapsed = 0.0
        self._started = time.monotonic()
        self.running = True
        self._ticker.resume()

    def stop(self) -> None:
        self.running = False
        self._ticker.pause()

    def clear(self) -> None:
        """Nothing to time while the manager talks."""
        self.stop()
        self.limit = None
        self.elapsed = -1.0

    def _tick(self) -> None:
        if not self.running:
            return
        self.elapsed = time.monotonic() - self._started
        if self.limit is not None and self.elapsed >= self.limit:
            self.elapsed = self.limit
            self.stop()
            self.post_message(self.TimeUp(self.limit))

    def render(self) -> Text:
        if self.elapsed < 0:
            return Text("")
        if self.limit is None:
            return Text(f"reply {clock(self.elapsed)}")
        if self.elapsed >= self.limit:
            return Text(f"time's up {clock(self.limit)}", style="bold red")
        return Text(f"reply {clock(self.elapsed)} / {clock(self.limit)}")
