"""Two processes recording calls into the same store at once corrupt nothing."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from rehearsal.store import open_store
from store_support import GOOD, POOR, record_call

CALLS_EACH = 8


def _writer(db_path: str, replies: list[str], out) -> None:
    with open_store(Path(db_path)) as store:
        ids = [record_call(store, replies) for _ in range(CALLS_EACH)]
    out.put(ids)


def test_two_processes_write_at_once(tmp_path):
    db_path = tmp_path / "sessions.sqlite3"
    open_store(db_path).close()  # both children open an existing database
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(db_path), replies, out)) for replies in (GOOD, POOR)]
    for p in procs:
        p.start()
    written = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    ids = written[0] + written[1]
    assert len(set(ids)) == 2 * CALLS_EACH
    assert sqlite3.connect(db_path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_store(db_path) as store:
        sessions = store.list_sessions()
        assert sorted(s.id for s in sessions) == sorted(ids)
        assert all(s.status == "completed" and s.turn_count == 2 for s in sessions)
        scores = sorted({store.get(i).score for i in ids})
        assert scores == [16.6, 100.0]
        for i in ids:
            detail = store.get(i)
            assert all(detail.recording(t, "reply") is not None for t in detail.turns)
