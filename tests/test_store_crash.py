"""A call whose process is killed (SIGKILL) mid-call: the store opens, the call shows as incomplete."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from rehearsal.store import open_store

TESTS = Path(__file__).resolve().parent

# The child drives a real Call with typed replies through a recorder, says when each turn is
# stored, then hangs mid-way through the next turn (manager line spoken, reply heard, not scored).
CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from rehearsal.call.engine import Call
    from rehearsal.call.events import ManagerSpeaking, ReplyHeard, TurnScored
    from rehearsal.store import open_store
    from rehearsal.voice.interfaces import Transcript
    from store_support import GOOD, beep, fake_judge, scenario

    store = open_store(Path(sys.argv[1]))
    sc = scenario()
    rec = store.recorder(sc, mode="voice", keep_audio=True)
    call = Call(sc, fake_judge())
    rec(ManagerSpeaking(call.current_id, call.manager_line, beep()))
    rec(ReplyHeard(call.current_id, Transcript(GOOD[0]), beep()))
    rec(TurnScored(call.reply(GOOD[0])))
    rec.flush()  # the writer thread has caught up, as it does within milliseconds of each event
    print("stored", rec.session_id, flush=True)
    rec(ManagerSpeaking(call.current_id, call.manager_line, beep()))
    rec(ReplyHeard(call.current_id, Transcript(GOOD[1]), beep()))
    rec.flush()
    print("mid-turn", flush=True)
    time.sleep(60)
    """
)

# Writes calls as fast as it can, saying when each is stored, so the kill lands in the middle of some write.
BUSY_CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from rehearsal.store import open_store
    from store_support import GOOD, record_call
    store = open_store(Path(sys.argv[1]))
    print("ready", flush=True)
    while True:
        record_call(store, GOOD, end=False)
        print("wrote", flush=True)
    """
)


def _spawn(script: str, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script.format(tests=str(TESTS)), str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
    )


def test_killed_mid_call_leaves_an_incomplete_session_with_its_finished_turns(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    child = _spawn(CHILD, db)
    try:
        first = child.stdout.readline().split()
        assert first[:1] == ["stored"], child.stderr.read()
        assert child.stdout.readline().strip() == "mid-turn"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        child.kill()
    session_id = first[1]
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_store(db) as store:
        [summary] = store.list_sessions()
        assert summary.id == session_id and summary.status == "incomplete" and summary.score is None
        detail = store.get(session_id)
        assert [t.turn_id for t in detail.turns] == ["hello"]
        assert detail.recording(detail.turns[0], "reply") is not None
        # The reply heard before the kill is on disk, whole, though its turn was never scored.
        assert (store.recordings_root / session_id / "004-vague-reply.wav").stat().st_size > 44
        assert store.scenario_stats("follow-up").attempts == 0


def test_killed_while_writing_never_corrupts_the_store(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    child = _spawn(BUSY_CHILD, db)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        # Killed once two calls are stored, in the middle of the third: not after a fixed second,
        # in which a busy machine had stored fewer than two.
        assert [child.stdout.readline().strip() for _ in range(2)] == ["wrote", "wrote"], child.stderr.read()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        child.kill()
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_store(db) as store:
        sessions = store.list_sessions()
        assert len(sessions) >= 2
        for s in sessions:
            detail = store.get(s.id)  # every session reads back whole
            assert detail.status == "incomplete"
            replies = [detail.recording(t, "reply") for t in detail.turns]
            assert all(r is None or r.stat().st_size > 44 for r in replies)
            assert all(".tmp" not in str(r) for r in replies)


def test_old_half_written_wavs_are_swept_on_open_fresh_ones_kept(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    folder = tmp_path / "recordings" / "20260101-000000-abcdef"
    folder.mkdir(parents=True)
    old, fresh = folder / ".old.wav.tmp", folder / ".fresh.wav.tmp"
    old.write_bytes(b"RIFF")
    fresh.write_bytes(b"RIFF")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    open_store(db).close()
    assert not old.exists() and fresh.exists()
