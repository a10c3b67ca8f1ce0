"""The judge against the labelled replies (typed and recognizer forms), and tricky cases one by one."""

from __future__ import annotations

import subprocess
import sys

import pytest
from judge_data import FORMS, agreement, judge_guess, keyword_guess, load_blind, load_blind2, load_rows

from rehearsal.judging.judge import Judge
from rehearsal.scenario.model import Phrases

# The targets for the hidden set; our own set must clear them in both forms.
TARGETS = {"gratitude": 0.97, "feedback_request": 0.95, "tone_negative": 0.93, "tone_3way": 0.80}
# Door open has no reference labels in the guide; ours are our own reading of it.
DOOR_TARGET = 0.95

ROWS = load_rows()
# Batches written after the rules; each was measured once, untouched, before any rule changed.
HELD_OUT = [
    "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "classes1", "classes2", "classes3",
]
JUDGE = Judge()


@pytest.fixture(scope="module")
def guess():
    return judge_guess()


def test_the_labelled_set_is_big_and_covers_the_guide():
    assert len(ROWS) >= 400
    assert sum(r.split == "guide" for r in ROWS) == 30
    assert {r.split for r in ROWS} == {"guide", "train", *HELD_OUT}
    assert all(r.recognized and r.recognized == r.recognized.lower() for r in ROWS)


@pytest.mark.parametrize(("load", "size"), [(load_blind, 150), (load_blind2, 120)])
def test_the_blind_sets_load_in_both_forms(load, size):
    # Reported by benchmarks/bench_judge.py on their own; no targets asserted here, so no one tunes on them.
    blind = load()
    assert len(blind) == size
    assert all(r.recognized and r.recognized == r.recognized.lower() for r in blind)
    for row in blind:
        for text in (row.text, row.recognized):
            v = JUDGE.judge(text)
            for ev in [*v.tone.evidence, *v.gratitude.evidence, *v.feedback_request.evidence]:
                assert text[ev.start : ev.end] == ev.text, (text, ev)


@pytest.mark.parametrize("form", FORMS)
def test_agreement_on_the_whole_set_meets_the_targets(form, guess):
    got = agreement(ROWS, form, guess)
    for dim, target in TARGETS.items():
        assert got[dim] >= target, f"{form} {dim}: {got[dim]:.3f} < {target}"
    assert got["door_open"] >= DOOR_TARGET


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("split", HELD_OUT)
def test_agreement_on_each_held_out_slice_meets_the_targets(split, form, guess):
    got = agreement([r for r in ROWS if r.split == split], form, guess)
    for dim, target in TARGETS.items():
        assert got[dim] >= target, f"{split} {form} {dim}: {got[dim]:.3f} < {target}"


@pytest.mark.parametrize("form", FORMS)
def test_the_judge_beats_a_plain_keyword_matcher(form, guess):
    ours = agreement(ROWS, form, guess)
    keywords = agreement(ROWS, form, keyword_guess)
    for dim in TARGETS:
        assert ours[dim] > keywords[dim] + 0.05, f"{dim}: judge {ours[dim]:.3f} vs keywords {keywords[dim]:.3f}"


def test_every_evidence_span_quotes_the_original_text():
    for row in ROWS:
        for text in (row.text, row.recognized):
            v = JUDGE.judge(text)
            spans = [*v.tone.evidence]
            for d in (v.gratitude, v.feedback_request, v.door_open):
                spans += d.evidence + d.rejected
            for ev in spans:
                assert ev.text, (text, ev)
                assert text[ev.start : ev.end] == ev.text, (text, ev)


def test_every_detection_quotes_its_evidence():
    for row in ROWS:
        v = JUDGE.judge(row.text)
        for d in (v.gratitude, v.feedback_request, v.door_open):
            assert d.detected == bool(d.evidence)
            assert 0.0 <= d.score <= 1.0
        assert -1.0 <= v.tone.score <= 1.0
        if v.tone.label == "negative":
            assert v.tone.evidence and v.tone.score < 0


# (text, gratitude, feedback request, tone) — each a rule from the scoring guide.
TRICKY = [
    ("Thanks for nothing.", False, False, "negative"),
    ("Thanks a lot for wasting my time.", False, False, "negative"),
    ("Oh great, another generic answer.", False, False, "negative"),
    ("No thanks, I'm done with this company.", False, False, "negative"),
    ("I don't appreciate being ghosted.", False, False, "negative"),
    ("I would appreciate any feedback.", False, True, "positive"),
    ("I'd be grateful if you could tell me what to work on.", False, True, "positive"),
    ("I can't thank you enough.", True, False, "positive"),
    ("Not at all, thank you for being so open.", True, False, "positive"),
    ("Was it my experience or something I said?", False, True, "neutral"),
    ("Why didn't I get the job?", False, True, "neutral"),
    ("Is there anything I should of said differently?", False, True, "neutral"),
    ("My coach gave me feedback.", False, False, "neutral"),
    ("I don't need your feedback.", False, False, "negative"),
    ("Would you reconsider the decision?", False, False, "neutral"),
    ("What was the salary range?", False, False, "neutral"),
    ("Who did you end up hiring?", False, False, "neutral"),
    ("Is the posting still open?", False, False, "neutral"),
    ("Please, I'll do anything.", False, False, "negative"),
    ("I'm a little disappointed, to be honest.", False, False, "neutral"),
    ("I'm disappointed, but I'd really like to learn from this. What should I work on?", False, True, "positive"),
    ("Thank you for calling, but this process was completely unfair.", True, False, "negative"),
    ("I'd love to be considered for future openings.", False, False, "positive"),
    ("Okay, thanks.", True, False, "neutral"),
    ("Thank God this is over.", False, False, "negative"),
    ("Did you get my thank-you note?", False, False, "neutral"),
    ("thank you for the inner view could you give me some feed back", True, True, "positive"),
    ("thanks for you're time i really enjoyed it", True, False, "positive"),
    ("i dont appreciate being ignored", False, False, "negative"),
    ("no thanks im done", False, False, "negative"),
    ("the what was the deciding factor", False, True, "neutral"),
]


@pytest.mark.parametrize(("text", "gratitude", "asks", "tone"), TRICKY)
def test_tricky_case(text, gratitude, asks, tone):
    v = JUDGE.judge(text)
    assert (v.gratitude.detected, v.feedback_request.detected, v.tone.label) == (gratitude, asks, tone)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Thanks for nothing.", "sarcastic"),
        ("No thanks, I'll pass.", "a refusal, not thanks"),
        ("I don't appreciate being ghosted.", "negated"),
        ("I'd appreciate any feedback.", "a request, not thanks"),
    ],
)
def test_ruled_out_thanks_is_kept_with_a_note(text, note):
    v = JUDGE.judge(text)
    assert not v.gratitude.detected
    assert note in [e.note for e in v.gratitude.rejected]


def test_refused_and_mentioned_feedback_are_kept_with_a_note():
    refused = JUDGE.judge("I don't need your feedback.").feedback_request
    mentioned = JUDGE.judge("My mentor already gave me some feedback on the interview.").feedback_request
    assert not refused.detected and refused.rejected[0].note.startswith("feedback refused")
    assert not mentioned.detected and mentioned.rejected[0].note.startswith("mentioned")


def test_door_open():
    assert JUDGE.judge("Thank you, I'll keep an eye on your careers page.").door_open.detected
    assert JUDGE.judge("ill definitely apply again").door_open.detected
    closed = JUDGE.judge("I won't be applying again.").door_open
    assert not closed.detected and closed.rejected


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "...", "?!"])
def test_silence(text):
    v = JUDGE.judge(text)
    assert v.silent
    assert not (v.gratitude.detected or v.feedback_request.detected or v.door_open.detected)
    assert v.tone.label == "neutral" and v.tone.score == 0.0


def test_scenario_phrases_count_for_their_dimension():
    phrases = Phrases(
        gratitude=["much obliged to you"],
        feedback_request=["what's your honest read"],
        door_open=["count me in for the spring cohort"],
    )
    judge = Judge(phrases)
    v = judge.judge("Much obliged to you. So, what's your honest read? And count me in for the spring cohort.")
    assert v.gratitude.detected and v.feedback_request.detected and v.door_open.detected
    assert "scenario phrase" in [e.note for e in v.feedback_request.evidence]
    # The same phrase in recognizer form, with the apostrophe gone.
    assert judge.judge("whats your honest read").feedback_request.detected
    assert not Judge().judge("count me in for the spring cohort").door_open.detected


def test_the_judge_does_not_load_pydantic_or_textual():
    code = (
        "import sys\n"
        "from rehearsal.judging.judge import Judge\n"
        "Judge().judge('thanks, what could I have done better?')\n"
        "print(sorted(m for m in ('pydantic', 'textual', 'yaml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Session judge4's rules, judged by the rules alone (new sentences, written from the guide):
# (manager's line, reply, gratitude, feedback request, tone).
RULES_JUDGE4 = [
    # Turning an offer down with a "thanks" on the end declines; it does not thank.
    ("Shall I send you the panel's notes?", "No, you're fine, thanks.", False, False, "neutral"),
    ("Shall I send you the panel's notes?", "nah im good thanks", False, False, "neutral"),
    ("How are you doing?", "I'm fine, thanks.", True, False, "neutral"),  # an answer, not a decline
    # A jab dressed as a polite request is negative; an ordinary polite ask is not.
    (None, "I'd be grateful if you stopped saying we'll keep your CV on file.", False, False, "negative"),
    (None, "I'd appreciate it if your recruiter returned my calls for once.", False, False, "negative"),
    (None, "I'd appreciate it if you could email me the outcome.", False, False, "neutral"),
    # A short follow-up about how much, or which part, after the manager gave a reason.
    ("We were after someone with more people management.", "How much more, would you say?", False, True, "neutral"),
    ("It was mostly the written exercise.", "which part of it", False, True, "neutral"),
    ("We wanted a stronger fit for the culture.", "stronger fit how", False, True, "neutral"),
    ("We wanted a stronger fit for the culture.", "Rehearsed in which answers?", False, False, "neutral"),
]


# Session judge5: thanks with an object thanks for it, even after a "no" (the recognizer drops the full
# stop in "No. Thank you so much for your time."); a recognizer's "your" for "you're" still declines.
RULES_JUDGE5 = [
    ("Is there anything else I can help with?", "no thank you so much for your time", True, False, "positive"),
    ("Is there anything else I can help with?", "No. Thank you so much for your time.", True, False, "positive"),
    ("Shall I send you the panel's notes?", "no im good thank you for the call", True, False, "positive"),
    ("Shall I send you the panel's notes?", "nah your alright thanks", False, False, "neutral"),
    ("Shall I send you the panel's notes?", "No thank you, I'm done with this company.", False, False, "negative"),
    (None, "no thanks for nothing", False, False, "negative"),
    ("Would you like me to put you forward for the next round?", "not now thanks", False, False, "neutral"),
]


@pytest.mark.parametrize(("context", "text", "gratitude", "asks", "tone"), RULES_JUDGE4 + RULES_JUDGE5)
def test_session_judge4_and_judge5_rules(context, text, gratitude, asks, tone):
    v = Judge(learned=False).judge(text, context)
    assert (v.gratitude.detected, v.feedback_request.detected, v.tone.label) == (gratitude, asks, tone)


# Session judge5: thanks for the call, then a new clause the recognizer ran on (no full stop): the words
# after it are not what the thanks is for; sarcastic objects of the thanks itself still count.
THANKS_THEN_A_CLAUSE = [
    ("thanks for letting me know i guess it just wasnt meant to be", True),
    ("thank you for the call i know it was last minute", True),
    ("thanks for calling nothing else from me", True),
    ("thanks for calling me back i was ghosted by two other firms", True),
    ("thanks for nothing", False),
    ("thanks for the generic email", False),
    ("thanks for calling weeks late", False),
    ("Thank you for your time, I guess.", False),
]


@pytest.mark.parametrize(("text", "gratitude"), THANKS_THEN_A_CLAUSE)
def test_thanks_for_the_call_then_a_new_clause(text, gratitude):
    assert Judge(learned=False).judge(text).gratitude.detected is gratitude
