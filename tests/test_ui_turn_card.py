"""The scorecard's marks follow the credit the turn score gave, not the raw detections."""

from __future__ import annotations

from rehearsal.call.engine import Call
from rehearsal.judging.judge import Judge
from rehearsal.scenario.catalog import find
from rehearsal.ui.widgets.turn_card import scores_line


def test_the_voicemail_shows_whether_you_said_how_to_reach_you():
    scenario = find("voicemail")
    with_number = Call(scenario, Judge(scenario.phrases)).reply(
        "Hi Priya, it's Sam. Thank you for the interview. Could you share any feedback? My number is 555 123 4567.")
    assert "contact details ✓" in scores_line(with_number).plain
    without = Call(scenario, Judge(scenario.phrases)).reply("Hi Priya, it's Sam. Thanks, any feedback would help.")
    assert "contact details ✗" in scores_line(without).plain


def test_a_feedback_request_made_earlier_is_marked_as_such():
    scenario = find("follow-up-better-fit")
    call = Call(scenario, Judge(scenario.phrases))
    call.reply("Hi Dana, thanks for taking my call. Could you share any feedback on my interview?")
    call.current_id = "what_can_i_do"  # a turn that expects a request, after one was made
    record = call.reply("Sure, that's all, thank you.")
    line = scores_line(record).plain
    assert "feedback request (asked earlier) ✓" in line
