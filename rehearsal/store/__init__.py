"""Sessions in SQLite + WAV files, replay, export, results bundles and the coach's review."""

from rehearsal.store.db import StoreError
from rehearsal.store.models import ProgressPoint, ScenarioStats, SessionDetail, SessionSummary, StoredTurn
from rehearsal.store.recorder import SessionRecorder
from rehearsal.store.store import SessionStore, open_store, scenario_hash

__all__ = [
    "ProgressPoint",
    "ScenarioStats",
    "SessionDetail",
    "SessionRecorder",
    "SessionStore",
    "SessionSummary",
    "StoreError",
    "StoredTurn",
    "open_store",
    "scenario_hash",
]
