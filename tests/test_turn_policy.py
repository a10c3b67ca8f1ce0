"""The end-of-turn policy on scripted word timings (no audio): it must hold through a thinking
pause that a fixed silence timer would cut, and still answer fast when the caller is done."""

from __future__ import annotations

import pytest

from rehearsal.conversation.turn_end import (
    TurnPolicy,
    TurnSignals,
    TurnState,
    looks_unfinished,
    speaking_rate,
    unmet_expectations,
)
from rehearsal.judging.judge import Judge
from rehearsal.settings import Settings
from turn_timing import first_end, timed


def test_a_pause_after_an_open_sentence_is_waited_out_where_a_done_reply_ends_fast():
    # Same 0.7 s pause: a fixed timer either cuts the first or makes the second slow.
    paused = timed("I wanted to thank you and", 0.7, "ask for some feedback")
    done = timed("I wanted to thank you for the call")
    end, _ = first_end(paused)
    assert end > paused[-1][2], "cut off inside the pause after 'and'"
    assert end - paused[-1][2] <= 0.45
    end, reason = first_end(done)
    assert end - done[-1][2] <= 0.45, reason


@pytest.mark.parametrize("opening", ["so I was hoping", "I was wondering what I could", "and um", "I wanted to ask how"])
def test_open_endings_fillers_and_questions_under_way_hold_a_one_second_pause(opening):
    words = timed(opening, 1.0, "get some feedback on my interview")
    end, _ = first_end(words)
    assert end > words[-1][2], f"cut off after {opening!r}"


def test_a_reply_that_has_not_done_what_the_turn_asks_gets_more_patience():
    # Finished words, then a pause: the turn asks for a feedback request, not there yet.
    words = timed("thank you for calling me back", 0.7, "could you tell me what I could improve")
    end, reason = first_end(words, expects=["gratitude", "feedback_request"])
    assert end > words[-1][2], "cut off before the feedback request"
    # Once the request is made the reply ends fast.
    assert end - words[-1][2] <= 0.5, reason
    # A turn that asks only for thanks has been answered at the pause: the same words end there.
    end, reason = first_end(words, expects=["gratitude"])
    assert end < words[5][2] + 0.8 and "not yet" not in reason


def test_the_hard_cap_ends_even_an_open_sentence():
    words = timed("I was going to say that")
    policy = TurnPolicy(cap_ms=1200, open_ms=3000)
    end, reason = first_end(words, policy=policy)
    assert reason == "hard cap" and end - words[-1][2] == pytest.approx(1.2, abs=0.03)


def test_no_words_yet_waits_longer_than_a_done_reply_but_not_forever():
    policy = TurnPolicy()
    assert policy.decide(TurnSignals(400, "")).state is TurnState.CONTINUE
    assert policy.decide(TurnSignals(policy.no_words_ms, "")).state is TurnState.END
    assert policy.decide(TurnSignals(policy.done_ms, "sure that works")).state is TurnState.END


def test_a_slow_speaker_gets_longer_waits():
    policy = TurnPolicy()
    fast = TurnSignals(320, "thanks so much for your time", speech_s=1.8)  # 200 wpm
    slow = TurnSignals(320, "thanks so much for your time", speech_s=4.0)  # 90 wpm
    assert policy.decide(fast).state is TurnState.END
    decision = policy.decide(slow)
    assert decision.state is TurnState.CONTINUE and "slow speaker" in decision.reason
    assert speaking_rate(6, 4.0) == pytest.approx(90.0)
    assert speaking_rate(1, 4.0) is None and speaking_rate(5, 0.5) is None


def test_punctuation_from_a_recogniser_that_writes_it():
    policy = TurnPolicy()
    assert policy.wait(TurnSignals(0, "Thanks, I appreciate it."))[0] == policy.closed_ms
    assert policy.wait(TurnSignals(0, "Thanks for that,"))[0] == policy.open_ms
    # Whisper closes every chunk it decodes with a full stop: the open words win over it ...
    assert policy.wait(TurnSignals(0, "I was hoping to."))[0] == policy.open_ms
    # ... and over a question mark: heard from Whisper on the corpus's unfinished halves.
    assert policy.wait(TurnSignals(0, "Could you tell me what I could?"))[0] == policy.open_ms
    assert policy.wait(TurnSignals(0, "Is there anything that?"))[0] == policy.open_ms
    # A finished question ending on a stranded preposition closes.
    assert policy.wait(TurnSignals(0, "Is there anything you could tell me more about?"))[0] == policy.closed_ms


def test_unmet_expectations_come_from_the_judge_and_leave_tone_out():
    judge = Judge()
    assert unmet_expectations(judge.judge("thank you so much"), ["gratitude", "feedback_request", "tone"]) == (
        "feedback_request",)
    assert unmet_expectations(judge.judge("thank you so much"), ["feedback_request"], asked_before=True) == ()
    assert unmet_expectations(judge.judge("thanks, could you tell me what I could improve"),
                              ["gratitude", "feedback_request"]) == ()


def test_looks_unfinished():
    assert looks_unfinished("thank you for the call and")
    assert looks_unfinished("I was wondering um")
    assert looks_unfinished("it was you know")
    assert looks_unfinished("I wanted to ask if you")
    assert not looks_unfinished("thank you so much for your time")
    assert not looks_unfinished("thank you")
    assert not looks_unfinished("it was nice to talk to you")
    assert not looks_unfinished("")
    assert not looks_unfinished("is there anything I should work on")  # a stranded preposition
    assert not looks_unfinished("what should I focus on")
    assert looks_unfinished("could you tell me about")
    assert looks_unfinished("I really appreciate")


@pytest.mark.parametrize("text", ["could you tell me more about that", "thanks for that", "something like this"])
def test_that_or_this_after_a_preposition_is_a_pronoun_that_ends_the_phrase(text):
    # "that" opens a clause ("I was told that"), but not as a preposition's object; holding these
    # made a finished question wait the open sentence's 1.4 s (corpus reply 38, every bench run).
    assert not looks_unfinished(text)


@pytest.mark.parametrize("text", ["there is nothing I should work on", "that's everything I wanted to ask",
                                  "that is something I really appreciate", "is there anything I could work on"])
def test_a_verb_or_preposition_whose_object_came_first_ends_the_sentence(text):
    assert not looks_unfinished(text)


@pytest.mark.parametrize("text", ["thanks for everything could you tell me about", "I learned something and I want to ask about",
                                  "thanks for all your help could you tell me about"])
def test_an_object_in_an_earlier_clause_does_not_close_the_sentence(text):
    assert looks_unfinished(text)


def test_a_sentence_announcing_a_question_is_open():
    # Whisper drops the "uh" of "I was going to ask, uh, [1.1 s] whether I could apply again".
    assert looks_unfinished("I was going to ask.")
    assert looks_unfinished("I wanted to ask")


@pytest.mark.parametrize("text", ["I was told that", "the reason was that", "I think this"])
def test_that_or_this_opening_a_clause_is_still_open(text):
    assert looks_unfinished(text)


def test_thresholds_are_settings():
    policy = TurnPolicy.from_settings(Settings(end_silence_ms=420, turn_open_ms=1800, turn_unmet_ms=1000,
                                               turn_max_pause_ms=3000, turn_no_words_ms=650, turn_stale_ms=900))
    assert (policy.done_ms, policy.open_ms, policy.unmet_ms, policy.cap_ms, policy.no_words_ms, policy.stale_ms) == (
        420, 1800, 1000, 3000, 650, 900)


def test_words_from_a_recogniser_that_is_behind_are_not_trusted():
    policy = TurnPolicy()
    stale = TurnSignals(400, "I really appreciate the", speech_s=3.0, behind_s=0.8)
    decision = policy.decide(stale)
    # Not the long wait of an open sentence (the rest is only not decoded yet), nor a slow speaker.
    assert decision.wait_ms == policy.stale_ms and "behind" in decision.reason
    # Voice activity alone then decides, on its own wait.
    assert not policy.decide(TurnSignals(policy.stale_ms - 20, "I really appreciate the", 3.0, behind_s=0.8)).ended
    assert policy.decide(TurnSignals(policy.stale_ms, "I wanted to thank you", 3.0, behind_s=0.8)).ended
    assert policy.decide(TurnSignals(400, "I really appreciate the", speech_s=1.5)).wait_ms == policy.open_ms


def test_a_verb_waiting_for_its_object_holds_the_pause():
    # "I really appreciate" has done what a turn asking for thanks expects, but is not a sentence.
    words = timed("I really appreciate", 0.5, "you taking the time to talk to me")
    end, reason = first_end(words, expects=["gratitude"])
    assert end > words[-1][2], reason


def test_whisper_punctuation_does_not_close_an_open_sentence():
    # Whisper ends every chunk it decodes with a full stop, and writes an ellipsis after a
    # trailing "and" as readily as after a short "Sure" (heard here on the corpus's "Sure.").
    policy = TurnPolicy()
    assert policy.wait(TurnSignals(0, "So I was hoping."))[0] == policy.open_ms
    assert policy.wait(TurnSignals(0, "I wanted to thank you and..."))[0] == policy.open_ms
    assert policy.wait(TurnSignals(0, "Sure..."))[0] == policy.done_ms
    assert policy.wait(TurnSignals(0, "Thanks for calling me back\u2026"))[0] == policy.done_ms
    assert policy.wait(TurnSignals(0, "Thanks for calling me back."))[0] == policy.closed_ms


def test_a_long_thinking_pause_before_the_ask_the_turn_expects_is_waited_out():
    words = timed("thanks for your time", 1.2, "I would love to hear what I could do better")
    end, reason = first_end(words, expects=["gratitude", "feedback_request"])
    assert end > words[-1][2], f"cut off before the ask: {reason}"
    assert end - words[-1][2] <= 0.45, reason


def _corpus_reply(parts):
    return timed(*(p.strip() if isinstance(p, str) else p for p in parts))


def test_the_spoken_corpus_on_scripted_timings():
    """Every reply of the turn-taking corpus (tests/spoken_corpus.py), each turn expecting what its
    whole reply does (as benchmarks/bench_turn_taking.py sets it up), words 0.3 s each."""
    from spoken_corpus import COMPLETE, FINISHED, REPLIES, UNFINISHED

    judge = Judge()
    dimensions = ("gratitude", "feedback_request", "door_open")
    cut = {UNFINISHED: [], FINISHED: []}
    for parts, kind in REPLIES:
        text = " ".join(p for p in parts if isinstance(p, str))
        verdict = judge.judge(text)
        expects = [d for d in dimensions if getattr(verdict, d).detected]
        words = _corpus_reply(parts)
        end, reason = first_end(words, expects=expects, judge=judge)
        if kind == COMPLETE:
            assert end - words[-1][2] <= 0.45, (text, reason)
            continue
        if end < words[-1][1]:  # answered inside the pause
            before = " ".join(p for p in parts[: parts.index(next(p for p in parts if isinstance(p, float)))])
            cut[kind].append((before, reason))
            # Only where the words before the pause are, alone, a whole reply to the turn.
            assert not unmet_expectations(judge.judge(before), expects), (text, reason)
    assert cut[UNFINISHED] == []
    # "Thank you." / "Sure." / "I appreciate the feedback." / "I wanted to thank you again for the
    # interview.": each a finished sentence that does all its turn expects, as complete replies of the
    # corpus do ("Thank you.", "I appreciate you taking the time."): the words alone cannot hold these
    # (what a longer wait would cost: benchmarks/bench_turn_policy.py).
    assert len(cut[FINISHED]) <= 4, cut[FINISHED]


def test_whisper_words_are_stale_until_the_pause_decode_lands():
    """Whisper decodes in the background: until the decode begun at the pause is done, its
    partial text lags the audio, and the policy must be told (`behind_s` -> `Reply.backlog_s`)."""
    import threading

    import numpy as np

    from rehearsal.media import Transcript
    from rehearsal.voice.whisper import WhisperSession

    release, started = threading.Event(), threading.Event()

    class SlowWhisper:
        partials = False  # only the pause decode

        def transcribe(self, pcm: bytes) -> Transcript:
            started.set()
            release.wait(5)
            return Transcript("thanks for your time")

    tone = (np.sin(np.arange(16000) * 2 * np.pi * 220 / 16000) * 8000).astype("<i2").tobytes()
    session = WhisperSession(SlowWhisper())
    session.accept_audio(tone)  # a second of "speech": no decode yet
    assert session.behind_s == pytest.approx(1.0)  # no decode has run: nothing covered, no cost known
    session.accept_audio(b"\0\0" * 1920)  # 120 ms of quiet: the pause decode starts
    assert started.wait(5)
    policy = TurnPolicy()
    stale = policy.decide(TurnSignals(400, session.partial(), 1.0, behind_s=session.behind_s))
    assert stale.state is TurnState.CONTINUE and "behind" in stale.reason
    release.set()
    for _ in range(100):
        if session.behind_s == 0:
            break
        threading.Event().wait(0.02)
    assert session.behind_s == 0 and session.partial() == "thanks for your time"
    assert policy.decide(TurnSignals(400, session.partial(), 1.0, behind_s=session.behind_s)).ended


def test_a_reply_reads_whisper_words_that_land_during_a_held_pause():
    """The pause is held back from the recogniser, so no audio is fed while Whisper's pause
    decode runs: the reply must still show its words to the policy as soon as they land."""
    from rehearsal.conversation.reply import Reply
    from rehearsal.media import AudioChunk

    class LiveSession:
        behind_s, closing, text = 0.0, False, ""

        def accept_audio(self, pcm: bytes) -> bool:
            return False

        def partial(self) -> str:
            return self.text

        def finish(self):
            raise AssertionError("not finished here")

    session = LiveSession()

    class Recognizer:
        def session(self):
            return session

    reply = Reply(0.0, Recognizer())
    reply.add(AudioChunk(b"\1\0" * 3200, 0.0, 0.1))
    for _ in range(100):
        if reply.backlog_s == 0:
            break
        __import__("time").sleep(0.01)
    session.text = "thanks for your time."  # the pause decode lands; nothing more is fed
    assert reply.partial_text() == "thanks for your time."
    session.closing = True
    assert reply.partial_text() == ""  # a closing session's words come with the segments
