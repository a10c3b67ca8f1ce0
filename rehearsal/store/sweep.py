"""Leftovers of killed processes in the recordings folder, removed when the store opens.

Only old ones: another instance may be writing a fresh file, or be on its first turn, right now.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

STALE_TEMP_S = 600
STALE_UNANSWERED_S = 24 * 3600


def sweep(recordings_root: Path, kept: set[str]) -> None:
    """Half-written WAVs, and audio folders of calls never kept (killed before the first reply)."""
    now = time.time()
    for tmp in recordings_root.glob("*/.*.wav.tmp"):
        try:
            if tmp.stat().st_mtime < now - STALE_TEMP_S:
                tmp.unlink()
        except OSError:
            pass  # gone already, or not ours to remove
    try:
        folders = [f for f in recordings_root.iterdir() if f.is_dir()]
    except OSError:
        return
    for folder in folders:
        try:
            if folder.name not in kept and folder.stat().st_mtime < now - STALE_UNANSWERED_S:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass
