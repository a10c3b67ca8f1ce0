"""The schema is versioned (PRAGMA user_version) and migrates forward."""

from __future__ import annotations

import sqlite3

import pytest

from rehearsal.store import StoreError, open_store
from rehearsal.store.db import CURRENT_VERSION
from store_support import GOOD, record_call


def _make_v1(path) -> None:
    """A version-1 database exactly as the first release wrote it, with one finished call."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE sessions (id TEXT PRIMARY KEY, scenario_id TEXT NOT NULL, scenario_title TEXT NOT NULL,
            started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL, score REAL);
        CREATE TABLE turns (session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL, turn_id TEXT NOT NULL, manager_text TEXT NOT NULL, reply TEXT NOT NULL,
            score REAL NOT NULL, data TEXT NOT NULL, manager_audio TEXT, reply_audio TEXT,
            PRIMARY KEY (session_id, idx));
        CREATE INDEX sessions_by_scenario ON sessions(scenario_id, started_at);
        INSERT INTO sessions VALUES ('20250101-090000-aaaaaa', 'follow-up', 'Old title',
            '2025-01-01T09:00:00+00:00', '2025-01-01T09:05:00+00:00', 'completed', 80.0);
        INSERT INTO turns VALUES ('20250101-090000-aaaaaa', 0, 'hello', 'Hi.', 'Thank you!', 80.0,
            '{"parts": {"gratitude": 1.0, "tone": 0.6}, "tips": ["Ask for feedback."], "cue": "80"}', NULL, NULL);
        PRAGMA user_version = 1;
        """
    )
    db.commit()
    db.close()


def test_a_v1_database_upgrades_and_keeps_its_calls(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    _make_v1(path)
    with open_store(path) as store:
        old = store.get("20250101-090000-aaaaaa")
        assert (old.status, old.score, old.scenario_title, old.summary.mode) == ("completed", 80.0, "Old title", "typed")
        assert old.turns[0].reply == "Thank you!" and old.turns[0].tips == ["Ask for feedback."]
        assert old.scenario is None and old.target is None
        assert store.scenario_stats("follow-up").attempts == 1
        new = record_call(store, GOOD)  # and new calls go in with the v2 columns
        assert store.get(new).target == 70
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION == 2
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_fresh_database_is_at_the_current_version(tmp_path):
    path = tmp_path / "s.sqlite3"
    open_store(path).close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION


def test_a_database_from_a_newer_rehearsal_is_refused_untouched(tmp_path):
    path = tmp_path / "s.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer rehearsal .*pip install -U rehearsal"):
        open_store(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 99


def test_a_file_that_is_not_a_database_gives_a_sentence(tmp_path):
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="move that file aside"):
        open_store(path)


def test_a_turn_row_as_the_previous_release_wrote_it_reads_as_the_turn_played(tmp_path):
    """Before one turn shape, `data` held a re-picked, flattened copy without the columns' keys."""
    import json

    from rehearsal.call.engine import Call
    from store_support import fake_judge, scenario

    record = Call(scenario(), fake_judge()).reply(GOOD[0])
    verdict = record.verdict.to_dict()
    verdict["tone"].pop("notes")  # the older verdict shape had no "notes"
    old = {"expects": record.expects, "verdict": verdict, "delivery": None, "tips": record.tips, "cue": record.cue,
           "words": [], "skipped": False, "next_turn": record.next_turn, "parts": record.score.parts,
           "missed": record.score.missed}
    with open_store(tmp_path / "s.sqlite3") as store:
        sid = store.begin_session(scenario(), mode="typed", scenario_path=None, start_turn=None)
        with store._lock:
            store._db.execute(
                "INSERT INTO turns (session_id, idx, turn_id, manager_text, reply, score, data) VALUES (?, 0, ?, ?, ?, ?, ?)",
                (sid, record.turn_id, record.manager_text, record.reply, record.score.score, json.dumps(old)))
        assert store.get(sid).turns == [record]
