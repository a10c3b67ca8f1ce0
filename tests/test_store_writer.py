"""The store writes on its own thread: in order, flushed on demand, and a failed write is told."""

from __future__ import annotations

import threading

import pytest

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.call.fanout import Fanout
from rehearsal.media import Transcript
from rehearsal.store import open_store
from rehearsal.store.writer import StoreWriter
from store_support import GOOD, beep, fake_judge, scenario


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "db" / "sessions.sqlite3") as s:
        yield s


def test_writes_run_off_the_callers_thread_in_order_and_flush_waits_for_them():
    writer, done, threads = StoreWriter(), [], set()
    gate = threading.Event()
    writer.submit(lambda: gate.wait(5), lambda exc: None)
    for n in range(5):
        writer.submit(lambda n=n: (done.append(n), threads.add(threading.current_thread())), lambda exc: None)
    assert done == []  # the caller went straight on while the first write was still going
    gate.set()
    assert writer.flush(timeout=5)
    assert done == [0, 1, 2, 3, 4] and threading.current_thread() not in threads
    writer.close()
    writer.submit(lambda: done.append("late"), lambda exc: None)  # closed: done on the caller's thread
    assert done[-1] == "late"


def test_a_failed_write_is_told_as_a_sentence_and_the_call_goes_on(store, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save_turn", full)
    told, shown = [], []
    sc = scenario()
    rec = store.recorder(sc, mode="voice", keep_audio=True)
    sinks = Fanout([rec, shown.append], on_failure=told.append)
    call = Call(sc, fake_judge())
    sinks(ev.ManagerSpeaking(call.current_id, call.manager_line, beep()))
    sinks(ev.TurnScored(call.reply(GOOD[0])))
    rec.flush()
    assert told == ["This call is no longer being saved ([Errno 28] No space left on device). The call goes on."]
    sinks(ev.TurnScored(call.reply(GOOD[1])))
    sinks(ev.CallEnded(call.result()))
    rec.close()  # returns: a full disk must not end the program either
    assert len(told) == 1 and len(shown) == 4  # told once; the screen saw every event
    assert isinstance(rec.failure, OSError)


def test_without_a_fanout_the_failure_surfaces_at_the_next_event(store, monkeypatch):
    monkeypatch.setattr(store, "begin_session", lambda *a, **k: (_ for _ in ()).throw(OSError("disk gone")))
    rec = store.recorder(scenario(), mode="typed", keep_audio=False)
    rec(ev.ReplyHeard("hello", Transcript("hi")))
    rec.flush()
    with pytest.raises(OSError, match="disk gone"):
        rec(ev.ReplyHeard("hello", Transcript("hi")))
    rec(ev.ReplyHeard("hello", Transcript("hi")))  # told once, then quiet
    rec.close()


def test_the_screen_hears_of_a_turn_before_the_store_and_of_the_end_after_it():
    from rehearsal.ui.messages import EventBridge

    order: list[str] = []

    class Screen:
        def post_message(self, message) -> bool:
            order.append(f"screen {type(message.event).__name__}")
            return True

    bridge = EventBridge(Screen(), [lambda event: order.append(f"store {type(event).__name__}")])
    sc = scenario()
    call = Call(sc, fake_judge())
    bridge(ev.TurnScored(call.reply(GOOD[0])))
    bridge(ev.CallEnded(call.result()))
    # The screen closes the recorder when the call ends, so the recorder must have the end first.
    assert order == ["screen TurnScored", "store TurnScored", "store CallEnded", "screen CallEnded"]
