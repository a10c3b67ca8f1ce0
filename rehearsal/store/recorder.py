"""Keeps a call as it happens: an EventSink that has each turn written the moment it is scored.

The sink itself only decides what to keep and hands the writes to the store's writer thread
(rehearsal.store.writer), so the call's thread (and the turn gap) never waits on the disk.
The writer keeps their order: audio is written (atomically) before the row that points at it,
so a crash loses at most the turn in progress and never leaves a row pointing at half a file.
`flush()` waits for the writes asked so far; `close()` flushes too.

A write that fails (a full disk) stops the recording of this call and is told to the user as
a sentence: through the callback a Fanout hands over (`report_failures_to`), else on the next
event, which the Fanout turns into a notice.

A call in which the caller never replied is not an attempt and is not kept: the session row
is written at the first reply (heard or scored), and closing a call with no reply removes the
manager's recordings. (A process killed before the first reply leaves only that audio folder,
which the store sweeps away later.) A turn revised by the second pass (TurnRevised, possibly
after CallEnded) updates its row, through the same writer.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from rehearsal.call.events import CallEnded, Event, ManagerDone, ManagerSpeaking, ReplyHeard, TurnRevised, TurnScored
from rehearsal.scenario.model import Scenario
from rehearsal.store import wavfile
from rehearsal.voice.interfaces import Audio


class SessionRecorder:
    def __init__(self, store, scenario: Scenario, *, mode: str, scenario_path: str | None,
                 start_turn: str | None, keep_audio: bool) -> None:
        self._store = store
        self._keep_audio = keep_audio
        self._lock = threading.Lock()
        self._seq = 0
        self._manager_audio: dict[str, str] = {}  # turn id -> relative path of its latest line
        self._reply_audio: dict[str, str] = {}
        self._closed = False
        self._scenario = scenario
        self._begin = {"mode": mode, "scenario_path": scenario_path, "start_turn": start_turn}
        self._report: Callable[[BaseException], None] | None = None
        self._failure: BaseException | None = None
        self._reported = False
        self.session_id: str = store.new_session_id()
        self.kept = False  # whether the call is in the history (it is from its first reply on)

    def report_failures_to(self, report: Callable[[BaseException], None]) -> None:
        """Who tells the user when a write fails (a Fanout calls this as it adds the sink)."""
        self._report = report

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._raise_unreported()
            if self._closed or self._failure is not None:
                return
            if isinstance(event, ManagerSpeaking | ManagerDone) and event.audio is not None:
                name = self._save(event.turn_id, "manager", event.audio)
                if name:
                    self._manager_audio[event.turn_id] = name
                else:
                    self._manager_audio.pop(event.turn_id, None)
            elif isinstance(event, ReplyHeard):
                self._keep()
                name = self._save(event.turn_id, "reply", event.audio) if event.audio is not None else None
                if name:
                    self._reply_audio[event.turn_id] = name
            elif isinstance(event, TurnScored):
                self._keep()
                record = event.record
                manager, reply = self._manager_audio.get(record.turn_id), self._reply_audio.pop(record.turn_id, None)
                self._write(lambda: self._store.save_turn(self.session_id, record, manager_audio=manager,
                                                          reply_audio=reply))
            elif isinstance(event, TurnRevised) and self.kept:
                # The second pass, after the turn's own row (the writer keeps the order); a call
                # that already ended is still open here until the front end closes the recorder.
                revised = event.record
                self._write(lambda: self._store.revise_turn(self.session_id, revised))
            elif isinstance(event, CallEnded) and not self.kept:
                self._write(lambda: self._store.discard_audio(self.session_id))  # over with no reply
            elif isinstance(event, CallEnded):
                result = event.result
                closing_turn = None if result.closing_line is None else _closing_turn(result)
                closing_audio = self._manager_audio.get(closing_turn) if closing_turn else None
                self._write(lambda: self._store.end_session(
                    self.session_id,
                    status=result.end_reason,
                    score=result.score if result.end_reason != "incomplete" else None,
                    closing_line=result.closing_line,
                    closing_audio=closing_audio,
                ))

    def flush(self) -> None:
        """Wait until everything this call asked to write is on disk (or has failed and been told)."""
        self._store.writer.flush()

    def close(self) -> None:
        """Stop recording and wait for the writes. A call that never ended stays 'incomplete';
        one never answered is dropped."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self.kept:
                self._write(lambda: self._store.discard_audio(self.session_id))
        self.flush()

    @property
    def failure(self) -> BaseException | None:
        """The write error that stopped this recording, if one did."""
        return self._failure

    def _keep(self) -> None:
        if not self.kept:
            self._write(lambda: self._store.begin_session(self._scenario, session_id=self.session_id, **self._begin))
            self.kept = True

    def _write(self, job: Callable[[], None]) -> None:
        def guarded() -> None:
            if self._failure is None:  # after one failed write, the rest of this call's are moot
                job()

        self._store.writer.submit(guarded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        """On the writer thread: the first failed write stops the recording; the user is told once."""
        if self._failure is not None:
            return
        self._failure = exc
        if self._report is not None:
            self._reported = True
            self._report(exc)

    def _raise_unreported(self) -> None:
        if self._failure is not None and not self._reported:
            self._reported = True
            raise self._failure  # the Fanout calling this sink turns it into a notice

    def _save(self, turn_id: str, role: str, audio: Audio | None) -> str | None:
        if not self._keep_audio or audio is None or not audio.pcm:
            return None
        self._seq += 1
        name = f"{self._seq:03d}-{_safe(turn_id)}-{role}.wav"
        path = self._store.audio_path(self.session_id, name)
        self._write(lambda: wavfile.write_atomic(path, audio))
        return f"{self.session_id}/{name}"


def _closing_turn(result) -> str | None:
    # The closing turn is where the last scored turn led.
    return result.turns[-1].next_turn if result.turns else None


def _safe(turn_id: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "_", turn_id.lower())[:40]
