"""Textual messages the app's worker threads post to the screens.

A running call reports plain `rehearsal.call.events` dataclasses from its own thread;
`EventBridge` wraps each one in a message and posts it (post_message is thread-safe).
Partial transcripts and meter levels arrive many times a second: a newer one makes an
older one still waiting in the queue pointless, so those messages replace each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual.message import Message
from textual.message_pump import MessagePump

from rehearsal.call import events as ev
from rehearsal.call.fanout import Fanout

ModelStatus = Literal["off", "loading", "ready", "missing"]


class CallUpdate(Message, bubble=False):
    """Something happened in the call (manager spoke, a turn was scored, the call ended...)."""

    def __init__(self, event: ev.Event) -> None:
        super().__init__()
        self.event = event


class PartialTranscript(Message, bubble=False):
    """The recogniser's current guess at the reply being spoken."""

    def __init__(self, event: ev.Partial) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PartialTranscript)


class MicLevel(Message, bubble=False):
    """Microphone loudness for the meter, 0..1."""

    def __init__(self, rms: float) -> None:
        super().__init__()
        self.rms = rms

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MicLevel)


class ModelState(Message):
    """The speech model finished loading, or could not be loaded (detail says why)."""

    def __init__(self, status: ModelStatus, detail: str = "") -> None:
        super().__init__()
        self.status = status
        self.detail = detail


def to_message(event: ev.Event) -> Message:
    if isinstance(event, ev.Partial):
        return PartialTranscript(event)
    if isinstance(event, ev.Level):
        return MicLevel(event.rms)
    return CallUpdate(event)


class EventBridge:
    """An EventSink that forwards call events to a screen, and to any other sinks (the store).

    Called from the call's thread. The screen hears first: the store only queues its writes
    (its writer thread does them), and a reply should show without waiting even for that.
    The end of the call goes the other way round: the screen closes the recorder when it sees
    it, so the recorder must have it first. A failing extra sink (say, a full disk under the
    session store) must not end the call, so its error becomes a notice instead.
    """

    def __init__(self, target: MessagePump, extra: list[Callable[[ev.Event], None]] | None = None) -> None:
        self.target = target
        self._extra = Fanout(extra, on_failure=lambda text: target.post_message(CallUpdate(ev.Notice("warning", text))))

    def __call__(self, event: ev.Event) -> None:
        if isinstance(event, ev.CallEnded):
            self._extra(event)
            self.target.post_message(to_message(event))
            return
        self.target.post_message(to_message(event))
        self._extra(event)
