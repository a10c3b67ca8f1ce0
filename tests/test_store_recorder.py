"""The session store: recording calls from events, reading them back, stats, progress, delete."""

from __future__ import annotations

import threading

import pytest

from rehearsal.call.engine import Call
from rehearsal.call.events import CallEnded, ManagerSpeaking, ReplyHeard, TurnScored
from rehearsal.store import open_store, wavfile
from rehearsal.voice.interfaces import Transcript
from store_support import GOOD, POOR, beep, fake_judge, record_call, scenario


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "db" / "sessions.sqlite3") as s:
        yield s


def test_default_store_lives_in_the_data_dir(isolated_dirs):
    with open_store() as s:
        record_call(s, GOOD)
    assert (isolated_dirs / "data" / "sessions.sqlite3").is_file()
    assert len(list((isolated_dirs / "data" / "recordings").glob("*/*.wav"))) == 5


def test_a_recorded_call_reads_back_turn_by_turn(store):
    sid = record_call(store, GOOD)
    detail = store.get(sid)
    assert detail.status == "completed" and detail.score == 100.0 and detail.turn_count == 2
    first = detail.turns[0]
    assert (first.index, first.turn_id, first.manager_text) == (0, "hello", "Dana speaking.")
    assert first.reply == GOOD[0]
    assert first.verdict.gratitude.evidence[0].text == "Thank"
    assert first.score.parts == {"gratitude": 1.0, "feedback_request": 1.0, "tone": 1.0}
    assert first.expects == ["gratitude", "feedback_request"]
    assert wavfile.read(detail.recording(first, "reply")).pcm == beep(0.3).pcm
    assert wavfile.read(detail.recording(first, "manager")).rate == 16000
    assert detail.closing_line == "Good luck out there." and detail.closing_audio is not None
    assert detail.scenario["rubric"]["target"] == 70


def test_list_filter_and_prefix_lookup(store):
    a = record_call(store, GOOD)
    other = scenario(id="other", title="Other call")
    b = record_call(store, POOR, sc=other)
    assert [s.id for s in store.list_sessions()] == [a, b]
    assert [s.id for s in store.list_sessions("other")] == [b]
    assert store.get(b[:-2]).id == b  # a unique prefix is enough
    with pytest.raises(KeyError, match="no session"):
        store.get("nope")
    assert dict(store.scenarios()) == {"follow-up": "Follow-up after a rejection", "other": "Other call"}


def test_stats_and_progress_count_finished_full_calls_only(store):
    record_call(store, POOR)
    record_call(store, GOOD, end=False)  # the process died: incomplete
    record_call(store, GOOD)
    record_call(store, GOOD[1:], sc=scenario(start="vague"))
    stats = store.scenario_stats("follow-up")
    # A coach's edited version of the scenario (same id, other start) still counts; incomplete calls do not.
    assert stats.attempts == 3
    assert stats.last == 100.0 and stats.best == 100.0 and stats.previous == 100.0
    points = store.progress("follow-up")
    assert [p.score for p in points] == [16.6, 100.0, 100.0]
    assert points[0].rates == {"gratitude": 0.0, "feedback_request": 0.0, "tone": 50.0, "door_open": 0.0}


def test_empty_stats(store):
    stats = store.scenario_stats("follow-up")
    assert (stats.attempts, stats.last, stats.best, stats.previous) == (0, None, None, None)


def test_single_turn_retries_do_not_count_as_attempts(store):
    sc = scenario()
    rec = store.recorder(sc, mode="typed", start_turn="vague", keep_audio=False)
    call = Call(sc, fake_judge(), start_at="vague")
    rec(TurnScored(call.reply(GOOD[1])))
    rec(CallEnded(call.result()))
    rec.flush()
    assert store.list_sessions()[0].start_turn == "vague"
    assert store.scenario_stats("follow-up").attempts == 0


def test_hung_up_and_incomplete_status(store):
    hung = record_call(store, POOR, hang_up_after=1)
    died = record_call(store, GOOD, end=False)
    assert store.get(hung).status == "hung_up"
    assert store.get(hung).score == 33.3  # the one reply given: tone only
    assert store.get(died).status == "incomplete" and store.get(died).score is None
    assert store.get(died).turn_count == 2


def test_keep_audio_off_keeps_transcripts_only(store):
    sid = record_call(store, GOOD, keep_audio=False)
    detail = store.get(sid)
    assert all(detail.recording(t, "manager") is None and detail.recording(t, "reply") is None for t in detail.turns)
    assert not (store.recordings_root / sid).exists()
    assert detail.turns[1].reply == GOOD[1]


def test_reply_audio_is_on_disk_before_the_turn_is_scored(store):
    sc = scenario()
    rec = store.recorder(sc, mode="voice", keep_audio=True)
    rec(ReplyHeard("hello", Transcript("thanks"), beep()))
    rec.flush()
    files = list((store.recordings_root / rec.session_id).iterdir())
    assert [f.name for f in files] == ["001-hello-reply.wav"]  # no temp files left behind
    assert wavfile.read(files[0]).pcm == beep().pcm


def test_a_retried_turn_replaces_the_old_one(store):
    sc = scenario()
    rec = store.recorder(sc, mode="typed", keep_audio=False)
    call = Call(sc, fake_judge())
    rec(TurnScored(call.reply("Hi.")))
    call.retry_last()
    rec(TurnScored(call.reply(GOOD[0])))
    rec(TurnScored(call.reply(GOOD[1])))
    rec(CallEnded(call.result()))
    rec.flush()
    detail = store.get(rec.session_id)
    assert [t.reply for t in detail.turns] == GOOD
    assert detail.score == 100.0


def test_recorder_is_thread_safe(store):
    sc = scenario()
    rec = store.recorder(sc, mode="voice", keep_audio=True)

    def speak(n: int) -> None:
        for i in range(10):
            rec(ManagerSpeaking(f"t{n}-{i}", "line", beep(0.05)))

    threads = [threading.Thread(target=speak, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rec.flush()
    assert len(list((store.recordings_root / rec.session_id).glob("*.wav"))) == 40


def test_events_after_close_are_ignored(store):
    rec = store.recorder(scenario(), mode="typed", keep_audio=False)
    call = Call(scenario(), fake_judge())
    rec(TurnScored(call.reply(GOOD[0])))
    rec.close()
    rec(TurnScored(call.reply(GOOD[1])))
    assert store.get(rec.session_id).turn_count == 1


@pytest.mark.parametrize("ending", ["hung_up", "closed", "killed"])
def test_a_call_with_no_reply_is_not_kept(store, ending):
    """Ctrl-C, EOF at once, an abandoned retry: the manager spoke, the caller never answered."""
    sc = scenario()
    rec = store.recorder(sc, mode="voice", keep_audio=True)
    call = Call(sc, fake_judge())
    rec(ManagerSpeaking(call.current_id, call.manager_line, beep()))
    rec.flush()
    assert (store.recordings_root / rec.session_id).is_dir()  # written at once, as ever
    if ending == "hung_up":
        call.hang_up()
        rec(CallEnded(call.result()))
        rec.flush()
        assert not (store.recordings_root / rec.session_id).exists()  # gone at the end, before close
    if ending != "killed":
        rec.close()
        assert not (store.recordings_root / rec.session_id).exists()
    assert store.list_sessions() == []
    with pytest.raises(KeyError):
        store.get(rec.session_id)


def test_the_first_reply_keeps_the_call_with_the_line_before_it(store):
    sc = scenario()
    rec = store.recorder(sc, mode="voice", keep_audio=True)
    call = Call(sc, fake_judge())
    rec(ManagerSpeaking(call.current_id, call.manager_line, beep()))
    rec(ReplyHeard(call.current_id, Transcript(GOOD[0]), beep(0.3)))
    rec.flush()
    assert [s.id for s in store.list_sessions()] == [rec.session_id]  # heard, not yet scored: kept
    rec(TurnScored(call.reply(GOOD[0])))
    rec.close()
    detail = store.get(rec.session_id)
    assert detail.recording(detail.turns[0], "manager") is not None
    assert detail.recording(detail.turns[0], "reply") is not None


def test_audio_of_a_call_killed_before_its_first_reply_is_swept_later(tmp_path):
    import os
    import time

    db = tmp_path / "db" / "sessions.sqlite3"
    with open_store(db) as s:
        rec = s.recorder(scenario(), mode="voice", keep_audio=True)
        rec(ManagerSpeaking("hello", "Dana speaking.", beep()))  # then the process dies
        rec.flush()
        kept = record_call(s, GOOD)
    folder = s.recordings_root / rec.session_id
    with open_store(db):
        assert folder.is_dir()  # fresh: another instance may still be on its first turn
    old = time.time() - 2 * 24 * 3600
    os.utime(folder, (old, old))
    os.utime(s.recordings_root / kept, (old, old))
    with open_store(db):
        assert not folder.exists()
        assert (s.recordings_root / kept).is_dir()  # a kept call's audio is never swept


def test_a_stored_call_with_no_turns_is_listed_as_not_counted(capsys):
    from rehearsal.cli.main import main

    with open_store() as store:  # the user's history, as the CLI reads it
        store.begin_session(scenario(), mode="typed", scenario_path=None, start_turn=None)  # an older version's row
        [summary] = store.list_sessions()
    assert main(["sessions", "list"]) == 0
    assert "no reply (not counted)" in capsys.readouterr().out
    assert main(["sessions", "list", "--json"]) == 0
    import json

    [row] = json.loads(capsys.readouterr().out)
    assert row["counts_as_attempt"] is False and row["turns"] == 0 and row["id"] == summary.id


def test_delete_removes_the_row_and_its_audio(store):
    keep = record_call(store, POOR)
    gone = record_call(store, GOOD)
    folder = store.recordings_root / gone
    assert folder.is_dir()
    store.delete(gone)
    assert not folder.exists()
    assert [s.id for s in store.list_sessions()] == [keep]
    assert (store.recordings_root / keep).is_dir()
    with pytest.raises(KeyError):
        store.get(gone)


def test_a_missing_wav_reads_as_no_audio(store):
    sid = record_call(store, GOOD)
    detail = store.get(sid)
    detail.recording(detail.turns[0], "reply").unlink()
    detail = store.get(sid)
    assert detail.recording(detail.turns[0], "reply") is None
