"""The learned reader: agreement on the held-out slice, explanations that quote the reply, context."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from judge_data import FORMS, HARD_TRAIN, agreement, holdout_rows, judge_guess, load_hard, training_rows

from rehearsal.cli import score
from rehearsal.judging import learned
from rehearsal.judging.judge import Judge

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import train_judge  # noqa: E402

HELD = holdout_rows()  # never trained on (judge_data.is_holdout)
HARD = [r for r in HELD if r.split.startswith("hard")]
EVERYDAY = [r for r in HELD if not r.split.startswith("hard")]
JUDGE = Judge()
RULES = Judge(learned=False)

# Set a little under the figures measured when the model was trained (docs/judge.md), so they
# catch a broken model or feature change without being flaky; everything here is deterministic.
HARD_FLOOR = {"gratitude": 0.97, "feedback_request": 0.93, "tone_negative": 0.90, "tone_3way": 0.85}
EVERYDAY_FLOOR = {"gratitude": 0.97, "feedback_request": 0.97, "tone_negative": 0.95, "tone_3way": 0.94}


def test_the_held_out_slice_is_never_trained_on():
    trained = {r.id for r in training_rows()}
    assert len(HARD) >= 50 and len(EVERYDAY) >= 300
    assert not trained & {r.id for r in HELD}
    reader = learned.load()
    assert reader is not None and "hard_train" in reader.trained_on


@pytest.mark.parametrize("form", FORMS)
def test_the_hybrid_meets_its_floor_on_held_out_hard_replies(form):
    got = agreement(HARD, form, judge_guess(True))
    for dim, floor in HARD_FLOOR.items():
        assert got[dim] >= floor, f"{form} {dim}: {got[dim]:.3f} < {floor}"


@pytest.mark.parametrize("form", FORMS)
def test_the_hybrid_reads_tone_at_least_as_well_as_the_rules_alone_on_held_out_hard_replies(form):
    # (The rules were widened after reading the hard training set, held-out rows included, so they
    # look better here than on a blind set; docs/judge.md has the blind figures.)
    hybrid = agreement(HARD, form, judge_guess(True))
    rules = agreement(HARD, form, judge_guess(False))
    assert hybrid["tone_negative"] >= rules["tone_negative"]
    assert hybrid["tone_3way"] >= rules["tone_3way"]


@pytest.mark.parametrize("form", FORMS)
def test_the_everyday_held_out_replies_stay_where_they_were(form):
    got = agreement(EVERYDAY, form, judge_guess(True))
    for dim, floor in EVERYDAY_FLOOR.items():
        assert got[dim] >= floor, f"{form} {dim}: {got[dim]:.3f} < {floor}"


def test_explanations_quote_the_reply_and_overrules_always_explain():
    overruled = 0
    for row in load_hard(HARD_TRAIN, "hard_train"):
        for text in (row.text, row.recognized):
            v = JUDGE.judge(text, row.context)
            spans = [*v.tone.evidence]
            for d in (v.gratitude, v.feedback_request, v.door_open):
                assert d.detected == bool(d.evidence)
                spans += d.evidence + d.rejected
            for ev in spans:
                assert ev.text and text[ev.start : ev.end] == ev.text, (text, ev)
            if v.tone.label == "negative":
                assert v.tone.evidence and v.tone.score < 0
            if v.tone.label != RULES.judge(text, row.context).tone.label:
                overruled += 1
                assert v.tone.evidence and all(e.note.startswith("learned") for e in v.tone.evidence)
    assert overruled >= 20  # the reader does change verdicts, and each change quotes its words


def test_the_manager_line_makes_a_bare_why_a_request_for_reasons():
    assert not JUDGE.judge("Why?").feedback_request.detected
    v = JUDGE.judge("Why?", context="I'm afraid we've decided to go with another candidate.")
    assert v.feedback_request.detected
    assert "manager's line" in v.feedback_request.evidence[0].note
    assert JUDGE.judge("why", context="Unfortunately we went with someone else.").feedback_request.detected
    # After an offer of feedback, taking it up is asking for it.
    assert JUDGE.judge("Yes please.", context="Would you like some feedback from the panel?").feedback_request.detected
    assert not JUDGE.judge("Yes please.", context="Shall I put you down for the talent pool?").feedback_request.detected


@pytest.mark.parametrize(
    ("text", "tone"),
    [
        ("I'd appreciate any feedback.", "positive"),  # a polite ask for feedback: the gracious frame
        ("I'd be grateful if you could tell me what to work on.", "positive"),
        ("I'd appreciate a call back on this number.", "neutral"),  # a polite ask for something else
        ("I'd appreciate it if you could reconsider.", "neutral"),
    ],
)
def test_polite_conditional_asks_follow_the_guide(text, tone):
    assert JUDGE.judge(text).tone.label == tone


def test_score_jsonl_passes_the_context():
    lines = [
        json.dumps({"id": 1, "text": "Why?", "context": "We went with another candidate."}),
        json.dumps({"id": 2, "text": "Why?"}),
        json.dumps({"id": 3, "text": "Why?", "context": 7}),  # not a string: judged without it
    ]
    out = io.StringIO()
    assert score.score_lines(Judge(), io.StringIO("\n".join(lines) + "\n"), out) == 0
    got = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [g["feedback_request"]["detected"] for g in got] == [True, False, False]


def test_training_is_deterministic():
    rows = [r for r in training_rows() if r.split in ("guide", "hard_train")][:120]
    config = train_judge.Config(iters=40, folds=3)
    first, second = train_judge.train(rows, config), train_judge.train(rows, config)
    assert json.dumps(first) == json.dumps(second)
    reader = learned.LearnedReader(first)
    v = Judge(learned=reader).judge("Thanks so much for your time, what could I do better?")
    assert v.gratitude.detected and v.feedback_request.detected


@pytest.mark.parametrize(
    ("context", "reply", "asks"),
    [
        # Taking up an offer of feedback, by naming how or when, or later in the reply.
        ("Do you want the feedback now, or shall I email it across?", "By email, if that's alright, I'm on the train.", True),
        ("Would it help if I sent you the panel's notes?", "That would be brilliant, thank you.", True),
        ("I'm happy to share what the panel said.", "That's kind of you, thanks, I'd love to hear it.", True),
        ("Would you like some feedback on the presentation?", "Not right now, maybe another time.", False),
        # The manager's word handed back as a question; the same word handed back as a jab asks nothing.
        ("We thought you were overqualified.", "Overqualified how?", True),
        ("The panel felt you were a little nervous.", "Nervous in which answers?", True),
        ("We thought you were overqualified.", "Overqualified. Right.", False),
        # Comments named but not given.
        ("The panel left a few notes on your answers.", "Oh, what did they say?", True),
        ("The panel left a few notes on your answers.", "I'd rather not hear them, thanks.", False),
        ("The panel left a few notes on your answers.", "Sorry, you cut out there. Could you repeat that?", False),
    ],
)
def test_the_manager_line_decides_short_replies(context, reply, asks):
    for text in (reply, reply.lower().replace(",", "").replace(".", "").replace("?", "")):
        assert JUDGE.judge(text, context).feedback_request.detected is asks, (context, text)


@pytest.mark.parametrize(
    ("reply", "asks"),
    [
        ("And the written test, was it good enough or not?", True),
        ("Which part of the interview was the weakest?", True),
        ("Which part of the building is reception in?", False),
        ("No pressure, but if the panel said anything about my case study, I'd like to hear it.", True),
        ("If anything else opens up on the team, I'd love to hear about it.", False),
        ("What made the difference between me and the person you hired?", True),
        ("Can you tell me who you hired?", False),
        ("Would running the weekend rota have counted, or did it need a formal title?", True),
        ("My mentor already walked me through what I could have done differently.", False),
        ("I know exactly where I went wrong, it was the coding exercise.", False),
        ("Could you point me to the careers page?", False),
    ],
)
def test_request_classes_in_both_forms(reply, asks):
    for text in (reply, reply.lower().replace(",", "").replace(".", "").replace("?", "").replace("'", "")):
        assert JUDGE.judge(text).feedback_request.detected is asks, text


def test_a_long_reply_is_read_in_stretches_alike_in_both_forms():
    from rehearsal.judging.features import WINDOW, text_features, window_features
    from rehearsal.judging.normalize import normalize

    typed = (
        "Thanks for letting me know, I appreciate it. The drive back was awful, roadworks the whole way, "
        "and I'm still a bit tired from it. Anyway, whatever you'd have me do differently, I'm listening."
    )
    heard = typed.lower().replace(",", "").replace(".", "").replace("'", "")
    stretches = window_features(normalize(typed))
    assert stretches == window_features(normalize(heard))
    assert len(stretches) >= 3 and all(len([f for f in s if f.startswith("w:")]) <= WINDOW for s in stretches)
    # Only the first stretch starts the reply and only the last ends it; a cut is no edge.
    assert any(f.startswith("b:<s>") for f in stretches[0]) and not any("<s>" in f for s in stretches[1:] for f in s)
    assert any(f.endswith("</s>") for f in stretches[-1]) and not any("</s>" in f for s in stretches[:-1] for f in s)
    assert "t:me do differently" in stretches[-1]
    assert window_features(normalize("Why didn't I get it?")) == []  # a short reply is one stretch: the whole
    # Character n-grams carry a word to its other forms and to the recognizer's near-misses.
    grams = {f.name for f in text_features(normalize("I reconsidered"), chars=True)}
    assert {"g:<rec", "g:reco", "g:red>"} <= grams and "g:<i>" not in grams


def test_training_with_stretches_and_character_grams_is_deterministic_and_used_at_run_time():
    rows = [r for r in training_rows() if r.split in ("guide", "hard_train")][:120]
    config = train_judge.Config(iters=40, folds=3, chars=("feedback_request",), windows=("feedback_request", "tone"))
    first, second = train_judge.train(rows, config), train_judge.train(rows, config)
    assert json.dumps(first) == json.dumps(second)
    assert any(n.startswith("g:") for n in first["text"]["feedback_request"]["vocab"])
    assert not any(n.startswith("g:") for n in first["text"]["tone"]["vocab"])
    assert "win:yes" in first["combiner"]["feedback_request"]["vocab"] and "win:yes" not in first["combiner"]["gratitude"]["vocab"]
    reader = learned.LearnedReader(first)
    assert reader.chars and reader.windows
    long_reply = "Thanks for calling. I was hoping it would go the other way, the team seemed great. " * 2 + "What could I do better?"
    v = Judge(learned=reader).judge(long_reply)
    assert v.gratitude.detected and v.feedback_request.detected


def test_the_stored_reader_reads_what_it_was_trained_to_read():
    spec = json.loads(learned.MODEL_PATH.read_text())
    reader = learned.load()
    assert reader is not None
    assert reader.windows == bool(spec["config"]["windows"])
    for dim in ("gratitude", "feedback_request", "tone"):
        has_chars = any(n.startswith("g:") for n in spec["text"][dim]["vocab"])
        assert has_chars == (dim in spec["config"]["chars"]), dim
        assert ("win:" + spec["combiner"][dim]["classes"][0] in spec["combiner"][dim]["vocab"]) == (dim in spec["config"]["windows"]), dim
