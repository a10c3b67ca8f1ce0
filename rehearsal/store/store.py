"""The session store: every call, turn by turn, in SQLite, with its audio as WAV files beside it."""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from rehearsal import paths
from rehearsal.call.ending import ending
from rehearsal.call.turn import TurnRecord
from rehearsal.scenario.model import Scenario
from rehearsal.store import db as dbmod
from rehearsal.store.db import StoreError, transaction
from rehearsal.store.models import (
    ProgressPoint,
    Recordings,
    ScenarioStats,
    SessionDetail,
    SessionSummary,
    counts_as_attempt,
)
from rehearsal.store.sweep import sweep
from rehearsal.store.writer import StoreWriter

_SUMMARY_SQL = """
    SELECT s.*, (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) AS turn_count
    FROM sessions s
"""


def scenario_hash(scenario: Scenario) -> str:
    """A short fingerprint of a scenario's content, to tell versions of an assignment apart."""
    return snapshot_hash(scenario.model_dump(mode="json"))


def snapshot_hash(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_session_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)


class SessionStore:
    def __init__(self, db_path: Path, recordings_root: Path) -> None:
        self.path = db_path
        self.recordings_root = recordings_root
        self._db = dbmod.connect(db_path)
        # One connection shared by the UI thread and the call's worker threads.
        self._lock = threading.RLock()
        # Recorders hand their writes to this thread, so a call never waits on the disk.
        self.writer = StoreWriter()
        with self._lock:
            kept = {r[0] for r in self._db.execute("SELECT id FROM sessions").fetchall()}
        sweep(recordings_root, kept)

    # -- writing (used by SessionRecorder) --------------------------------------------

    def recorder(
        self,
        scenario: Scenario,
        *,
        mode: str,
        scenario_path: str | None = None,
        start_turn: str | None = None,
        keep_audio: bool = True,  # the caller passes the `keep_audio` setting
    ):
        from rehearsal.store.recorder import SessionRecorder

        return SessionRecorder(self, scenario, mode=mode, scenario_path=scenario_path,
                               start_turn=start_turn, keep_audio=keep_audio)

    def new_session_id(self) -> str:
        return new_session_id()

    def begin_session(self, scenario: Scenario, *, mode: str, scenario_path: str | None, start_turn: str | None,
                      session_id: str | None = None) -> str:
        session_id = session_id or new_session_id()
        snapshot = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
        with self._lock, transaction(self._db) as db:
            db.execute(
                """INSERT INTO sessions (id, scenario_id, scenario_title, started_at, status, mode,
                       scenario_path, start_turn, scenario_json, scenario_hash, target)
                   VALUES (?, ?, ?, ?, 'incomplete', ?, ?, ?, ?, ?, ?)""",
                (session_id, scenario.id, scenario.title, now_iso(), mode, scenario_path, start_turn,
                 snapshot, scenario_hash(scenario), scenario.rubric.target),
            )
        return session_id

    def discard_audio(self, session_id: str) -> None:
        """Remove the recordings of a call that was never kept (no reply, so no row)."""
        with self._lock:
            kept = self._db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if kept is None:
            shutil.rmtree(self.recordings_root / session_id, ignore_errors=True)

    def audio_path(self, session_id: str, name: str) -> Path:
        return self.recordings_root / session_id / name

    def save_turn(self, session_id: str, record: TurnRecord, manager_audio: str | None, reply_audio: str | None) -> None:
        """Insert a scored turn; a retried turn replaces it and whatever came after it.

        `data` holds the whole turn (`TurnRecord.to_dict()`); the columns beside it copy the
        parts that SQL sorts and counts by."""
        with self._lock, transaction(self._db) as db:
            db.execute("DELETE FROM turns WHERE session_id = ? AND idx >= ?", (session_id, record.index))
            db.execute(
                """INSERT INTO turns (session_id, idx, turn_id, manager_text, reply, score, data,
                       manager_audio, reply_audio) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (session_id, record.index, record.turn_id, record.manager_text, record.reply,
                 record.score.score, json.dumps(record.to_dict()), manager_audio, reply_audio),
            )

    def revise_turn(self, session_id: str, record: TurnRecord) -> None:
        """A turn heard again by the second pass: its row takes the revised turn (the audio stays),
        and a finished call's score is the score of its turns as they now stand. A row that is
        gone or holds another turn (retried meanwhile) is left alone."""
        from rehearsal.judging.scoring import call_score

        with self._lock, transaction(self._db) as db:
            db.execute(
                "UPDATE turns SET reply = ?, score = ?, data = ? WHERE session_id = ? AND idx = ? AND turn_id = ?",
                (record.reply, record.score.score, json.dumps(record.to_dict()), session_id, record.index,
                 record.turn_id),
            )
            scores = [r[0] for r in db.execute("SELECT score FROM turns WHERE session_id = ? ORDER BY idx",
                                                (session_id,)).fetchall()]
            db.execute("UPDATE sessions SET score = ? WHERE id = ? AND score IS NOT NULL",
                       (call_score(scores), session_id))

    def end_session(self, session_id: str, *, status: str, score: float | None,
                    closing_line: str | None, closing_audio: str | None) -> None:
        with self._lock, transaction(self._db) as db:
            db.execute(
                """UPDATE sessions SET status = ?, score = ?, ended_at = ?, closing_line = ?, closing_audio = ?
                   WHERE id = ?""",
                (status, score, now_iso(), closing_line, closing_audio, session_id),
            )

    # -- reading ----------------------------------------------------------------------

    def list_sessions(self, scenario_id: str | None = None) -> list[SessionSummary]:
        sql, params = _SUMMARY_SQL, ()
        if scenario_id is not None:
            sql, params = sql + " WHERE s.scenario_id = ?", (scenario_id,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY s.started_at, s.rowid", params).fetchall()
        return [_summary(r) for r in rows]

    def resolve(self, session_id: str) -> str:
        """The full id for an id, a unique prefix of one, its random tail (the last part, or a
        unique start of it), or `latest`; KeyError with a sentence otherwise."""
        wanted = session_id.strip()
        with self._lock:
            if wanted.lower() == "latest":
                row = self._db.execute("SELECT id FROM sessions ORDER BY started_at DESC, rowid DESC LIMIT 1").fetchone()
                if row is None:
                    raise KeyError("there are no calls yet; take one with rehearsal practice SCENARIO --typed")
                return row["id"]
            rows = self._db.execute(
                "SELECT id FROM sessions WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 3",
                (wanted, _like_prefix(wanted)),
            ).fetchall()
            ids = [r["id"] for r in rows]
            if not ids and wanted:
                # The random tail after the date and time: what sets one call apart from the next.
                all_ids = [r["id"] for r in self._db.execute("SELECT id FROM sessions").fetchall()]
                ids = [i for i in all_ids if i.rpartition("-")[2].startswith(wanted.lower())][:3]
        if wanted in ids:
            return wanted
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise KeyError(f"no session {session_id!r}; `rehearsal sessions list` shows them")
        raise KeyError(f"{session_id!r} matches several sessions; give more of the id")

    def get(self, session_id: str) -> SessionDetail:
        session_id = self.resolve(session_id)
        with self._lock:
            row = self._db.execute(_SUMMARY_SQL + " WHERE s.id = ?", (session_id,)).fetchone()
            turn_rows = self._db.execute(
                "SELECT * FROM turns WHERE session_id = ? ORDER BY idx", (session_id,)
            ).fetchall()
        return SessionDetail(
            summary=_summary(row),
            turns=[_turn(r) for r in turn_rows],
            scenario=json.loads(row["scenario_json"]) if row["scenario_json"] else None,
            closing_line=row["closing_line"],
            closing_audio=self._existing(row["closing_audio"]),
            recordings={r["idx"]: Recordings(self._existing(r["manager_audio"]), self._existing(r["reply_audio"]))
                        for r in turn_rows},
        )

    def delete(self, session_id: str) -> None:
        session_id = self.resolve(session_id)
        # Audio goes first: a crash in between leaves a row without audio, never audio without a row.
        shutil.rmtree(self.recordings_root / session_id, ignore_errors=True)
        with self._lock, transaction(self._db) as db:
            db.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def scenario_stats(self, scenario_id: str) -> ScenarioStats:
        """Over full calls that reached their close (not retries, hang-ups or interrupted calls)."""
        scores = [s.score for s in self._finished(scenario_id)]
        return ScenarioStats(
            attempts=len(scores),
            last=scores[-1] if scores else None,
            best=max(scores) if scores else None,
            previous=scores[-2] if len(scores) > 1 else None,
        )

    def progress(self, scenario_id: str | None = None) -> list[ProgressPoint]:
        """Call score and per-dimension rates of each finished full call, oldest first."""
        points = []
        for summary in self._finished(scenario_id):
            detail = self.get(summary.id)
            points.append(ProgressPoint(summary.id, summary.started_at, summary.score, detail.dimension_rates()))
        return points

    def scenarios(self) -> list[tuple[str, str]]:
        """(id, latest title) of every scenario with a stored session."""
        with self._lock:
            rows = self._db.execute(
                # SQLite takes the bare column (the title) from the row holding the MAX.
                "SELECT scenario_id, scenario_title, MAX(started_at) FROM sessions "
                "GROUP BY scenario_id ORDER BY scenario_title"
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def flush(self) -> None:
        """Wait until every write handed to the writer so far is on disk."""
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()  # the queued writes first: they need the connection
        with self._lock:
            self._db.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _finished(self, scenario_id: str | None) -> list[SessionSummary]:
        return [s for s in self.list_sessions(scenario_id) if counts_as_attempt(s)]

    def _existing(self, relative: str | None) -> Path | None:
        if not relative:
            return None
        path = self.recordings_root / relative
        return path if path.is_file() else None


def _turn(row: sqlite3.Row) -> TurnRecord:
    # Rows before the whole turn was kept in `data` (schema 1, early 2) lack the columns' keys.
    columns = {"index": row["idx"], "turn_id": row["turn_id"], "manager_text": row["manager_text"],
               "reply": row["reply"], "score": row["score"]}
    return TurnRecord.from_dict({**columns, **json.loads(row["data"])}, index=row["idx"])


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _summary(row: sqlite3.Row) -> SessionSummary:
    keys = row.keys()
    return SessionSummary(
        id=row["id"],
        scenario_id=row["scenario_id"],
        scenario_title=row["scenario_title"],
        started_at=datetime.fromisoformat(row["started_at"]),
        score=row["score"] if row["status"] != "incomplete" else None,
        status=ending(row["status"]),
        turn_count=row["turn_count"],
        mode=row["mode"] if "mode" in keys else "typed",
        start_turn=row["start_turn"] if "start_turn" in keys else None,
        target=row["target"] if "target" in keys else None,
        scenario_hash=row["scenario_hash"] if "scenario_hash" in keys else None,
    )


def open_store(path: Path | None = None) -> SessionStore:
    """The user's session history (or the database at `path`, with recordings beside it)."""
    if path is None:
        return SessionStore(paths.sessions_db(), paths.recordings_dir())
    return SessionStore(path, path.parent / "recordings")


__all__ = ["SessionStore", "StoreError", "open_store", "scenario_hash"]
