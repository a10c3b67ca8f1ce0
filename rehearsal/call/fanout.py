"""Send each call event to several sinks, so one that fails (the store on a full disk)
cannot end the call for the others."""

from __future__ import annotations

from collections.abc import Callable

from rehearsal.call.events import Event, EventSink


class Fanout:
    def __init__(self, sinks: list[EventSink] | None = None, on_failure: Callable[[str], None] | None = None) -> None:
        self.sinks = list(sinks or [])
        self._on_failure = on_failure
        self._failed: set[int] = set()

    def add(self, sink: EventSink) -> None:
        self.sinks.append(sink)

    def __call__(self, event: Event) -> None:
        for sink in self.sinks:
            if id(sink) in self._failed:
                continue
            try:
                sink(event)
            except Exception as exc:  # noqa: BLE001 - the call matters more than its history
                self._failed.add(id(sink))
                if self._on_failure is not None:
                    self._on_failure(f"This call is no longer being saved ({exc}). The call goes on.")
