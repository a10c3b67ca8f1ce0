"""Send each call event to several sinks, so one that fails (the store on a full disk)
cannot end the call for the others.

A sink may also fail later, off the call's thread (the store's writer finds the disk full
after the event was handed over). Such a sink has `report_failures_to(report)`; the fan-out
hands it a `report` that tells the user the same sentence as a failure here would.
"""

from __future__ import annotations

from collections.abc import Callable

from rehearsal.call.events import Event, EventSink


class Fanout:
    def __init__(self, sinks: list[EventSink] | None = None, on_failure: Callable[[str], None] | None = None) -> None:
        self.sinks: list[EventSink] = []
        self._on_failure = on_failure
        self._failed: set[int] = set()
        for sink in sinks or []:
            self.add(sink)

    def add(self, sink: EventSink) -> None:
        self.sinks.append(sink)
        bind = getattr(sink, "report_failures_to", None)
        if callable(bind):
            bind(lambda exc, sink=sink: self._fail(sink, exc))

    def __call__(self, event: Event) -> None:
        for sink in self.sinks:
            if id(sink) in self._failed:
                continue
            try:
                sink(event)
            except Exception as exc:  # noqa: BLE001 - the call matters more than its history
                self._fail(sink, exc)

    def _fail(self, sink: EventSink, exc: BaseException) -> None:
        if id(sink) in self._failed:
            return
        self._failed.add(id(sink))
        if self._on_failure is not None:
            self._on_failure(f"This call is no longer being saved ({exc}). The call goes on.")
