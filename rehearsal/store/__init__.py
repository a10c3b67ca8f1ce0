"""Sessions in SQLite + WAV files, replay, export, results bundles and the coach's review."""

from rehearsal.store.db import StoreError
from rehearsal.store.models import ProgressPoint, Recordings, ScenarioStats, SessionDetail, SessionSummary
from rehearsal.store.recorder import SessionRecorder
from rehearsal.store.store import SessionStore, open_store, scenario_hash

__all__ = [
    "ProgressPoint",
    "Recordings",
    "ScenarioStats",
    "SessionDetail",
    "SessionRecorder",
    "SessionStore",
    "SessionSummary",
    "StoreError",
    "open_store",
    "scenario_hash",
]
