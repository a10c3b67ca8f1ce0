"""Turn-taking in the call loop when the recogniser is far behind (fake engines, sped-up clock)."""

from __future__ import annotations

import threading
import time

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.conversation import listening
from rehearsal.conversation.loop import CallRunner
from rehearsal.settings import Settings
from fakes import FakeMicrophone, FakeRecognizer, FakeSpeaker, FakeSynthesizer, Script
from voice_support import SCENARIO, Events, fake_judge

SPEED = 20.0


class WordlessUntilFinal(FakeRecognizer):
    """No partial words at all, and the final ones come late: a recogniser seconds behind (five CPU
    hogs: the final words of a 5 s reply came 6.3 s after it ended)."""

    late_s = 0.6

    def session(self):
        session = super().session()
        finish = session.finish
        session.accept_audio = lambda pcm: False  # decoding, but nothing to show yet

        def late_finish():
            time.sleep(self.late_s)
            session.fed_samples = 10 * 16_000  # it heard everything in the end
            return finish()

        session.finish = late_finish
        return session


def _call(recognizer: FakeRecognizer, events: Events):
    mic, speaker = FakeMicrophone(speed=SPEED), FakeSpeaker(speed=SPEED)
    runner = CallRunner(Call(SCENARIO, fake_judge()), events, synthesizer=FakeSynthesizer(), speaker=speaker,
                        microphone=mic, recognizer=lambda: recognizer,
                        settings=Settings(no_speech_prompt_s=2, end_silence_ms=400))
    events.on(ev.Listening, lambda e: mic.say(("speech", 1.2), ("silence", 3.0)))
    return runner, speaker


def test_a_reply_heard_with_no_words_yet_waits_for_them_instead_of_being_answered_as_silence(monkeypatch):
    # Before, the wait for the words was FINAL_WAIT_S (3 s); then a caller who had spoken was
    # answered on no words: the scenario's "silent" branch ("Hello? Anyone?").
    monkeypatch.setattr(listening, "FINAL_WAIT_S", 0.1)
    events = Events()
    runner, speaker = _call(WordlessUntilFinal([Script("thanks please share feedback")]), events)
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    runner.start()
    assert events.ended.wait(20), events.names()
    assert runner.join(5) and not events.errors
    scored = [e.record for e in events.of(ev.TurnScored)]
    assert [r.reply for r in scored] == ["thanks please share feedback"]
    assert scored[0].next_turn == "answer"
    # Nothing said on no words: the manager's first line, then the answer to the words.
    assert [e.text for e in events.of(ev.ManagerSpeaking)][:2] == ["Dana speaking. How can I help?",
                                                                   "We found a better fit."]
    assert len(speaker.played) == 2


def test_hanging_up_while_the_words_are_awaited_ends_the_call_and_keeps_what_was_heard():
    events = Events()
    recognizer = WordlessUntilFinal([Script("thanks please share feedback")])
    recognizer.late_s = 1.0
    runner, _ = _call(recognizer, events)
    events.on(ev.SpeechStarted, lambda e: threading.Timer(0.3, runner.hang_up).start())
    started = time.monotonic()
    runner.start()
    assert events.ended.wait(20), events.names()
    assert runner.join(5) and not events.errors
    assert events.of(ev.CallEnded)[0].result.end_reason == "hung_up"
    heard = events.of(ev.ReplyHeard)
    assert len(heard) == 1 and heard[0].audio.seconds >= 1.0
    assert not events.of(ev.TurnScored)
    assert time.monotonic() - started < recognizer.late_s + 3.0
