"""The user's controls during a voice call: typed replies, push-to-talk, skip, retry, hang up.

Controls may come from any thread (the app, the terminal reader), so they are only queued
here; the call thread applies them between 20 ms audio chunks. Push-to-talk just sets flags
the turn looks at. The others end whatever the turn is doing (speaking, listening, waiting
for typing), so they are raised as exceptions: one `except` in the runner handles them
wherever they arrive.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass


class Interrupt(Exception):
    """A control from the user that ends what the turn is doing."""


@dataclass
class Typed(Interrupt):
    text: str


class Skip(Interrupt):
    pass


class Retry(Interrupt):
    pass


class HangUp(Interrupt):
    pass


class Controls:
    """The queue of controls, and the push-to-talk state they leave behind.

    `talking` and `stopped_talking` belong to the call thread: only `check` sets them from
    the queue, and the listening turn resets them when a reply starts and ends.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, str]] = queue.Queue()
        self.talking = False  # push-to-talk pressed: the caller is speaking now
        self.stopped_talking = False  # push-to-talk released: the reply is over

    def send(self, name: str, arg: str = "") -> None:
        """Queue a control; safe from any thread."""
        self._queue.put((name, arg))

    def check(self, block: float | None = None) -> None:
        """Apply queued controls; those that end what the turn is doing raise.

        `block` waits that long for the first control (only when nothing else is to be done).
        """
        while True:
            try:
                name, arg = self._queue.get(timeout=block) if block else self._queue.get_nowait()
            except queue.Empty:
                return
            block = None
            if name == "talk":
                self.talking, self.stopped_talking = True, False
            elif name == "stop_talking":
                self.stopped_talking = True
            elif name == "text":
                raise Typed(arg)
            elif name == "skip":
                raise Skip()
            elif name == "retry":
                raise Retry()
            elif name == "hang_up":
                raise HangUp()

    def wait_typed(self) -> None:
        """Wait for a typed reply (or skip, retry, hang up): they arrive as interrupts."""
        while True:
            self.check(block=0.1)
