"""The normalised form the judge reads: slips mended, contractions spelled out, spans kept."""

from __future__ import annotations

import pytest

from rehearsal.judging.normalize import normalize, snap


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Could you give me some feed back?", "could you give me some feedback"),
        ("thanks for the in a view", "thanks for the interview"),
        ("thanks for the inner view", "thanks for the interview"),
        ("is there any thing i should of said", "is there anything i should have said"),
        ("I don't appreciate it", "i do not appreciate it"),
        ("i dont appreciate it", "i do not appreciate it"),
        ("thanks for you're time", "thanks for your time"),
        ("you're right", "you are right"),
        ("Im greatful", "i am grateful"),
        ("I\u2019d love that", "i would love that"),
        ("the what was the reason", "what was the reason"),
        ("that was different", "that was different"),  # a real word is never snapped
    ],
)
def test_canonical_form(raw, canonical):
    assert normalize(raw).text == canonical


def test_spans_point_back_into_the_original():
    text = "Thanks!  Could you give me some feed back on the inner view?"
    norm = normalize(text)
    start = norm.text.index("feedback")
    ev = norm.evidence(start, start + len("feedback"))
    assert (ev.text, text[ev.start : ev.end]) == ("feed back", "feed back")
    start = norm.text.index("interview")
    assert norm.evidence(start, start + len("interview")).text == "inner view"


def test_contractions_quote_the_whole_word():
    text = "I don't appreciate it"
    norm = normalize(text)
    start = norm.text.index("not")
    assert norm.evidence(start, start + 3).text == "don't"


def test_sentences_and_questions_come_from_punctuation():
    norm = normalize("Thanks. Was it my portfolio? I think so")
    assert len(norm.sentences()) == 3
    assert norm.questions == frozenset({1})
    assert normalize("thanks was it my portfolio i think so").sentences() == [(0, 37)]


@pytest.mark.parametrize(
    ("garbled", "word"), [("apreciate", "appreciate"), ("feedbak", "feedback"), ("gratefull", "grateful")]
)
def test_garbled_key_words_snap(garbled, word):
    assert snap(garbled) == word


@pytest.mark.parametrize("word", ["interviewer", "candidates", "experienced", "honesty", "thanked", "different"])
def test_real_words_do_not_snap(word):
    assert snap(word) == word


def test_british_and_american_spellings_of_a_verb_judge_alike():
    # Whisper writes "practice", a British typist "practise": the same ask in both forms.
    from rehearsal.judging.judge import Judge

    advice = "Honestly, you rushed your answers. Slow down and pause."
    judge = Judge()
    typed = judge.judge("Thank you, that's really helpful. How could I practise that?", advice)
    heard = judge.judge("thank you that really helpful how could i practice that", advice)
    assert typed.feedback_request.detected and heard.feedback_request.detected


def test_a_role_heard_as_a_roll_still_keeps_the_door_open():
    # Whisper tiny.en wrote "roll" for the turn-taking corpus's "If another role opens up, ...".
    from rehearsal.judging.judge import Judge

    verdict = Judge().judge("Thank you for letting me know if another roll opens up. I would love to hear about it")
    assert verdict.door_open.detected
    assert verdict.door_open.evidence[0].text == "if another roll opens up"  # quoted as it was heard
