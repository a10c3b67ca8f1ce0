"""One turn, one shape: a turn played, stored, bundled and read back is the turn that was played."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import budget, seeded
from rehearsal.call.engine import Call
from rehearsal.call.events import CallEnded, ManagerSpeaking, ReplyHeard, TurnScored
from rehearsal.call.turn import TurnRecord
from rehearsal.judging.delivery import Delivery, measure, transcript_text
from rehearsal.judging.judge import Judge
from rehearsal.judging.scoring import TurnScore
from rehearsal.judging.verdict import TONE_LABELS, Detection, Evidence, Tone, Verdict
from rehearsal.media import Transcript, Word
from rehearsal.dimensions import DIMENSIONS
from rehearsal.store import open_store
from rehearsal.store.bundle import read_bundle, write_bundle
from rehearsal.store.store import scenario_hash
from store_support import GOOD, POOR, beep, record_call, scenario

# SQLite stores text as UTF-8: a lone surrogate never reaches a turn (the CLI and the
# recogniser give whole characters), so the strategies leave them out.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
NUMBER = st.floats(-1e6, 1e6, allow_nan=False)


def evidence_in(text: str) -> st.SearchStrategy[Evidence]:
    return st.tuples(st.integers(0, len(text)), st.integers(0, len(text)), TEXT).map(
        lambda t: Evidence(text[min(t[:2]):max(t[:2])], min(t[:2]), max(t[:2]), t[2]))


def detections(text: str) -> st.SearchStrategy[Detection]:
    spans = st.lists(evidence_in(text), max_size=3)
    return st.builds(Detection, st.booleans(), st.floats(0, 1), spans, spans)


@st.composite
def turns(draw) -> TurnRecord:
    reply = draw(TEXT)
    words = draw(st.lists(st.builds(Word, TEXT, NUMBER, NUMBER, st.floats(0, 1)), max_size=4))
    spoken = transcript_text(words) if words else reply
    delivery = draw(st.none() | st.builds(
        Delivery, st.integers(0, 500), st.floats(0, 600), st.none() | NUMBER,
        st.lists(evidence_in(spoken), max_size=2), st.none() | NUMBER, st.floats(0, 60), st.none() | NUMBER))
    verdict = Verdict(
        text=reply, gratitude=draw(detections(reply)), feedback_request=draw(detections(reply)),
        tone=Tone(draw(st.sampled_from(TONE_LABELS)), draw(st.floats(-1, 1)), draw(st.lists(evidence_in(reply), max_size=2))),
        door_open=draw(detections(reply)), silent=draw(st.booleans()), contact=draw(st.none() | detections(reply)))
    dims = st.sampled_from(DIMENSIONS)
    return TurnRecord(
        index=draw(st.integers(0, 30)), turn_id=draw(TEXT), manager_text=draw(TEXT), reply=reply, verdict=verdict,
        score=TurnScore(draw(st.floats(0, 100)), draw(st.dictionaries(dims, st.floats(0, 1))), draw(st.lists(dims, max_size=3))),
        tips=draw(st.lists(TEXT, max_size=3)), cue=draw(TEXT), next_turn=draw(st.none() | TEXT),
        expects=draw(st.lists(dims, max_size=4)), delivery=delivery, words=words, skipped=draw(st.booleans()))


@seeded
@budget(50)
@given(turns())
def test_a_turn_reads_back_from_its_json_as_itself(turn):
    assert TurnRecord.from_dict(json.loads(json.dumps(turn.to_dict()))) == turn


@seeded
@budget(20)
@given(st.lists(turns(), min_size=1, max_size=3))
def test_a_turn_saved_and_loaded_back_is_the_turn_that_was_played(played):
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.sqlite3") as store:
        sid = store.begin_session(scenario(), mode="voice", scenario_path=None, start_turn=None)
        expected = []
        for n, turn in enumerate(played):
            turn = TurnRecord(**{**_fields(turn), "index": n})
            store.save_turn(sid, turn, manager_audio=None, reply_audio=None)
            expected.append(turn)
        assert store.get(sid).turns == expected


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "db" / "sessions.sqlite3"


def _fields(turn: TurnRecord) -> dict:
    return {name: getattr(turn, name) for name in TurnRecord.__dataclass_fields__}


def test_a_spoken_call_judged_for_real_is_stored_as_played(store_path):
    """The real judge, delivery figures and word timings: the live records are what comes back."""
    sc = scenario()
    words = [Word(w, 0.4 * i, 0.4 * i + 0.3) for i, w in enumerate("um thank you for the call could you share feedback".split())]
    with open_store(store_path) as store:
        rec = store.recorder(sc, mode="voice", keep_audio=True)
        call = Call(sc, Judge())
        for reply, heard in ((transcript_text(words), words), (POOR[1], [])):
            rec(ManagerSpeaking(call.current_id, call.manager_line, beep()))
            rec(ReplyHeard(call.current_id, Transcript(reply, heard), beep(0.3)))
            delivery = measure(heard, latency_s=0.8) if heard else None
            rec(TurnScored(call.reply(reply, delivery=delivery, words=heard)))
        rec(CallEnded(call.result()))
        rec.close()
        stored = store.get(rec.session_id)
    assert call.records[0].delivery is not None and call.records[0].delivery.fillers  # the "um"
    assert stored.turns == call.records
    assert stored.status == call.result().end_reason == "completed"


def test_a_bundle_reads_back_the_turns_that_were_stored(store_path, tmp_path):
    with open_store(store_path) as store:
        ids = [record_call(store, replies) for replies in (GOOD, POOR)]
        details = [store.get(i) for i in ids]
    sc = scenario()
    out = write_bundle(tmp_path / "b.zip", details, learner="Ana", scenario=sc.model_dump(mode="json"),
                       scenario_hash=scenario_hash(sc))
    attempts = read_bundle(out).attempts()
    assert [a.turns for a in attempts] == [d.turns for d in details]
    assert [(a.summary.status, a.summary.score) for a in attempts] == [(d.status, d.score) for d in details]


def test_a_turn_from_an_older_store_or_bundle_reads_with_what_it_has():
    old = {"parts": {"gratitude": 1.0, "tone": 0.6}, "tips": ["Ask for feedback."], "cue": "80",
           "reply": "Thank you!", "score": 80, "verdict": {"tone": {"label": "chirpy"}}}
    turn = TurnRecord.from_dict(old, index=2)
    assert (turn.index, turn.reply, turn.score.score, turn.score.parts) == (2, "Thank you!", 80.0, old["parts"])
    assert turn.verdict.tone.label == "neutral" and not turn.verdict.gratitude.detected  # unknown: not trusted
    assert turn.delivery is None and turn.words == [] and turn.expects == []
