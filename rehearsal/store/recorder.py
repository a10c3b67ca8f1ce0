"""Keeps a call as it happens: an EventSink that writes each turn the moment it is scored.

Audio is written (atomically) as soon as it arrives, before the row that points at it, so
a crash loses at most the turn in progress and never leaves a row pointing at half a file.

A call in which the caller never replied is not an attempt and is not kept: the session row
is written at the first reply (heard or scored), and closing a call with no reply removes the
manager's recordings. (A process killed before the first reply leaves only that audio folder,
which the store sweeps away later.)
"""

from __future__ import annotations

import re
import threading

from rehearsal.call.events import CallEnded, Event, ManagerDone, ManagerSpeaking, ReplyHeard, TurnScored
from rehearsal.scenario.model import Scenario
from rehearsal.store import wavfile
from rehearsal.voice.interfaces import Audio

_STATUS = {"completed": "completed", "hung_up": "hung_up", "in_progress": "incomplete"}


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
        self.session_id: str = store.new_session_id()
        self.kept = False  # whether the call is in the history (it is from its first reply on)

    def _keep(self) -> None:
        if not self.kept:
            self._store.begin_session(self._scenario, session_id=self.session_id, **self._begin)
            self.kept = True

    def __call__(self, event: Event) -> None:
        with self._lock:
            if self._closed:
                return
            if isinstance(event, ManagerSpeaking | ManagerDone) and event.audio is not None:
                self._manager_audio[event.turn_id] = self._save(event.turn_id, "manager", event.audio)
            elif isinstance(event, ReplyHeard):
                self._keep()
                if event.audio is not None:
                    self._reply_audio[event.turn_id] = self._save(event.turn_id, "reply", event.audio)
            elif isinstance(event, TurnScored):
                self._keep()
                record = event.record
                self._store.save_turn(
                    self.session_id,
                    record.to_dict(),
                    manager_audio=self._manager_audio.get(record.turn_id),
                    reply_audio=self._reply_audio.pop(record.turn_id, None),
                )
            elif isinstance(event, CallEnded) and not self.kept:
                self._store.discard_audio(self.session_id)  # over with no reply: nothing to keep
            elif isinstance(event, CallEnded):
                result = event.result
                status = _STATUS.get(result.end_reason, "incomplete")
                closing_turn = None if result.closing_line is None else _closing_turn(result)
                self._store.end_session(
                    self.session_id,
                    status=status,
                    score=result.score if status != "incomplete" else None,
                    closing_line=result.closing_line,
                    closing_audio=self._manager_audio.get(closing_turn) if closing_turn else None,
                )

    def close(self) -> None:
        """Stop recording. A call that never ended stays 'incomplete'; one never answered is dropped."""
        with self._lock:
            self._closed = True
            if not self.kept:
                self._store.discard_audio(self.session_id)

    def _save(self, turn_id: str, role: str, audio: Audio) -> str | None:
        if not self._keep_audio or not audio.pcm:
            return None
        self._seq += 1
        name = f"{self._seq:03d}-{_safe(turn_id)}-{role}.wav"
        wavfile.write_atomic(self._store.audio_path(self.session_id, name), audio)
        return f"{self.session_id}/{name}"


def _closing_turn(result) -> str | None:
    # The closing turn is where the last scored turn led.
    return result.turns[-1].next_turn if result.turns else None


def _safe(turn_id: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "_", turn_id.lower())[:40]
