"""The store's writer: one thread that does every disk write in the order it was asked for.

A call's thread hands a write over (a WAV, a turn's row) and goes straight on, so the gap
between the caller's reply and the manager's answer never waits on the disk. Order is kept
(a recording is on disk before the row that points at it), `flush()` waits for everything
asked so far, and `close()` also ends the thread. At interpreter exit whatever is queued is
still written (an atexit hook flushes); a process killed outright (kill -9) loses only the
writes still in the queue, which on an idle disk is a few milliseconds' worth.
"""

from __future__ import annotations

import atexit
import queue
import threading
from collections.abc import Callable

Job = Callable[[], None]
OnError = Callable[[BaseException], None]


class StoreWriter:
    def __init__(self, name: str = "rehearsal-store-writer") -> None:
        self._name = name
        self._queue: queue.SimpleQueue[tuple[Job, OnError] | threading.Event | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, job: Job, on_error: OnError) -> None:
        """Run `job` on the writer thread; if it raises, `on_error(exc)` is called there."""
        with self._lock:
            if self._closed:
                # The store is closing: nothing is left to hand the work to, so do it here.
                _run(job, on_error)
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
                atexit.register(self.close)
        self._queue.put((job, on_error))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write asked for so far is done. False if `timeout` ran out first."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                return True
            if threading.current_thread() is self._thread:
                return True  # an on_error callback flushing would wait for itself
            done = threading.Event()
            self._queue.put(done)
        return done.wait(timeout)

    def close(self) -> None:
        """Finish every queued write, then end the thread. Later writes run on the caller's thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            if thread is not None:
                self._queue.put(None)
        if thread is not None and thread is not threading.current_thread():
            thread.join()
            atexit.unregister(self.close)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            _run(*item)


def _run(job: Job, on_error: OnError) -> None:
    try:
        job()
    except Exception as exc:  # noqa: BLE001 - handed to whoever asked for the write
        try:
            on_error(exc)
        except Exception:  # noqa: BLE001 - a failing report must not stop the writes of other calls
            pass
