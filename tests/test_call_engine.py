"""The call engine: branching, retry, skip, hang-up, scoring, with a scripted judge."""

from __future__ import annotations

import pytest

from rehearsal.call.engine import Call
from rehearsal.scenario.model import Scenario
from fakes import FakeJudge

SCENARIO = Scenario.model_validate(
    {
        "id": "tiny",
        "title": "Tiny call",
        "description": "A two-turn call for tests.",
        "situation": "You were turned down yesterday.",
        "persona": {"name": "Dana", "role": "Manager"},
        "rubric": {"target": 70},
        "start": "hello",
        "turns": {
            "hello": {
                "say": ["Dana speaking.", "How can I help?"],
                "expects": ["gratitude", "feedback_request", "tone"],
                "next": [
                    {"when": {"silent": True}, "goto": "anyone"},
                    {"when": {"feedback_request": False}, "goto": "what_for"},
                    {"goto": "answer"},
                ],
            },
            "anyone": {"say": "Hello?", "next": [{"goto": "what_for"}]},
            "what_for": {
                "say": "What can I do for you?",
                "expects": ["feedback_request"],
                "next": [{"when": {"tone": ["negative"]}, "goto": "cold_bye"}, {"goto": "answer"}],
            },
            "answer": {
                "say": "We found a better fit. Keep an eye on our postings.",
                "expects": ["door_open", "tone"],
                "next": [{"when": {"asked_before": True, "door_open": True}, "goto": "warm_bye"}, {"goto": "bye"}],
            },
            "warm_bye": {"say": "Great talking to you.", "end": True},
            "bye": {"say": "Goodbye.", "end": True},
            "cold_bye": {"say": "I have to go.", "end": True},
        },
    }
)


def fake_judge() -> FakeJudge:
    """Detects fixed words, so the tests exercise the engine and not the real judge."""
    return FakeJudge(thanks=("thanks",), rude=("unfair",), warm=("love",), plain="neutral")


def test_the_happy_path_branches_on_what_was_said():
    call = Call(SCENARIO, fake_judge())
    assert call.manager_line == "Dana speaking. How can I help?"
    first = call.reply("thanks, any feedback? I love this")
    assert first.next_turn == "answer"
    assert first.score.score == 100.0
    second = call.reply("I will watch your postings, love it")
    assert second.next_turn == "warm_bye"
    assert call.finished
    result = call.result()
    assert result.end_reason == "completed"
    assert result.closing_line == "Great talking to you."
    assert result.met_target is True
    assert [t.turn_id for t in result.turns] == ["hello", "answer"]


def test_no_feedback_request_makes_the_manager_ask_what_for():
    call = Call(SCENARIO, fake_judge())
    record = call.reply("thanks for picking up")
    assert record.next_turn == "what_for"
    assert "feedback_request" in record.score.missed
    assert any("feedback" in tip.lower() for tip in record.tips)
    assert 0 < record.score.score < 100


def test_asked_before_looks_only_at_earlier_turns():
    call = Call(SCENARIO, fake_judge())
    call.reply("thanks")  # no request -> what_for
    call.reply("could I get feedback")  # -> answer
    record = call.reply("I'll watch the postings")
    assert record.next_turn == "warm_bye"

    call = Call(SCENARIO, fake_judge(), start_at="answer")
    assert call.reply("I'll watch the postings").next_turn == "bye"


def test_silence_is_judged_not_a_crash():
    call = Call(SCENARIO, fake_judge())
    record = call.reply("   ")
    assert record.verdict.silent
    assert record.next_turn == "anyone"
    assert record.score.score == 0.0


def test_negative_tone_ends_the_call_coldly():
    call = Call(SCENARIO, fake_judge(), start_at="what_for")
    assert call.reply("this was unfair").next_turn == "cold_bye"
    assert call.result().closing_line == "I have to go."


def test_retry_takes_back_the_last_reply():
    call = Call(SCENARIO, fake_judge())
    call.reply("hello")
    assert call.current_id == "what_for"
    assert call.retry_last() == "hello"
    assert call.records == []
    assert call.reply("thanks, feedback please").next_turn == "answer"


def test_skip_scores_as_silence_and_moves_on():
    call = Call(SCENARIO, fake_judge())
    record = call.skip()
    assert record.skipped and record.cue == "Skipped."
    assert call.current_id == "anyone"


def test_hang_up_ends_the_call_without_a_closing_line():
    call = Call(SCENARIO, fake_judge())
    call.reply("thanks, feedback?")
    call.hang_up()
    assert call.finished
    result = call.result()
    assert result.end_reason == "hung_up" and result.closing_line is None
    with pytest.raises(RuntimeError):
        call.reply("more")


def test_unknown_start_turn_is_refused():
    with pytest.raises(KeyError):
        Call(SCENARIO, fake_judge(), start_at="nope")


def test_result_serialises_to_plain_json():
    import json

    call = Call(SCENARIO, fake_judge())
    call.reply("thanks, feedback")
    data = json.loads(json.dumps(call.result().to_dict()))
    turn = data["turns"][0]
    assert turn["verdict"]["gratitude"]["evidence"][0] == {"text": "thanks", "start": 0, "end": 6, "note": ""}
    assert data["end_reason"] == "incomplete"  # the store's word for a call that never reached its close


def test_a_caller_who_already_asked_is_not_expected_to_ask_again():
    call = Call(SCENARIO, fake_judge())
    call.reply("thanks, any feedback? I love this")  # asks in the opener -> answer
    call.retry_last()
    call.reply("thanks")  # no request -> what_for, which expects one
    record = call.reply("ok")  # still no request
    assert record.score.parts["feedback_request"] == 0.0

    call = Call(SCENARIO, fake_judge(), start_at="hello")
    call.reply("feedback")  # asked -> answer
    call.current_id = "what_for"  # a turn that expects a request, reached after asking
    record = call.reply("ok")
    assert record.score.parts["feedback_request"] == 1.0
    assert "feedback_request" not in record.score.missed


def test_good_things_the_turn_did_not_ask_for_are_credited_not_penalised():
    call = Call(SCENARIO, fake_judge(), start_at="answer")  # expects door_open and tone
    record = call.reply("thanks, I will watch the postings, love it")
    assert record.score.parts == {"door_open": 1.0, "tone": 1.0, "gratitude": 1.0}
    assert record.score.score == 100.0
    plain = Call(SCENARIO, fake_judge(), start_at="answer").reply("I will watch the postings")
    assert "gratitude" not in plain.score.parts  # not expected, not done: no penalty


def test_a_hung_up_call_cannot_meet_the_target():
    call = Call(SCENARIO, fake_judge())
    call.reply("thanks, feedback please, love it")
    call.hang_up()
    result = call.result()
    assert result.score == 100.0 and result.met_target is False
