"""The SQLite connection and the schema's forward migrations.

The schema version lives in `PRAGMA user_version`. Each migration runs in its own
`BEGIN IMMEDIATE` transaction and re-reads the version inside it, so two processes opening
an old database at once cannot both apply the same step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class StoreError(RuntimeError):
    """The session store cannot be used; the message says what to do."""


BUSY_TIMEOUT_MS = 10_000


def _v1(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            scenario_id TEXT NOT NULL,
            scenario_title TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL,
            score REAL
        )"""
    )
    db.execute(
        """CREATE TABLE turns (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            turn_id TEXT NOT NULL,
            manager_text TEXT NOT NULL,
            reply TEXT NOT NULL,
            score REAL NOT NULL,
            data TEXT NOT NULL,
            manager_audio TEXT,
            reply_audio TEXT,
            PRIMARY KEY (session_id, idx)
        )"""
    )
    db.execute("CREATE INDEX sessions_by_scenario ON sessions(scenario_id, started_at)")


def _v2(db: sqlite3.Connection) -> None:
    # v2 keeps a snapshot of the scenario with each call, so bundles and reports still
    # know the rubric (target, attempts) after the scenario file changes or disappears.
    for column in (
        "mode TEXT NOT NULL DEFAULT 'typed'",
        "scenario_path TEXT",
        "start_turn TEXT",
        "scenario_json TEXT",
        "scenario_hash TEXT",
        "target REAL",
        "closing_line TEXT",
        "closing_audio TEXT",
    ):
        db.execute(f"ALTER TABLE sessions ADD COLUMN {column}")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2]
CURRENT_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.row_factory = sqlite3.Row
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"cannot open the session history at {path} ({exc}); move that file aside to start a fresh history"
        ) from exc
    return db


def version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection) -> None:
    if version(db) > CURRENT_VERSION:
        raise StoreError(
            f"the session history was written by a newer rehearsal (schema {version(db)}, this one knows "
            f"{CURRENT_VERSION}); upgrade with pip install -U rehearsal"
        )
    while version(db) < CURRENT_VERSION:
        with transaction(db):
            current = version(db)  # re-read under the write lock
            if current >= CURRENT_VERSION:
                break
            MIGRATIONS[current](db)
            db.execute(f"PRAGMA user_version = {current + 1}")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A short write transaction; takes the write lock up front so it never deadlocks midway."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
