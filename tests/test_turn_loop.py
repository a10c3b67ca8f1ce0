"""Turn-taking in the call loop when the recogniser is far behind (fake engines, sped-up clock)."""

from __future__ import annotations

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
    """No partial words at all, and the final ones come late: a recogniser seconds behind (two CPU
    hogs and more: the final words of a 5 s reply came 6.3 s after it ended)."""

    def session(self):
        session = super().session()
        finish = session.finish
        session.accept_audio = lambda pcm: False  # decoding, but nothing to show yet

        def late_finish():
            time.sleep(0.6)
            session.fed_samples = 10 * 16_000  # it heard everything in the end
            return finish()

        session.finish = late_finish
        return session


def test_a_reply_heard_with_no_words_yet_waits_for_them_instead_of_being_answered_as_silence(monkeypatch):
    # Before, the wait for the words was FINAL_WAIT_S (3 s); then a caller who had spoken was
    # answered on no words: the scenario's "silent" branch ("Hello? Anyone?").
    monkeypatch.setattr(listening, "FINAL_WAIT_S", 0.1)
    events = Events()
    settings = Settings(no_speech_prompt_s=2, end_silence_ms=400)
    mic = FakeMicrophone(speed=SPEED)
    speaker = FakeSpeaker(speed=SPEED)
    runner = CallRunner(Call(SCENARIO, fake_judge()), events, synthesizer=FakeSynthesizer(),
                        speaker=speaker, microphone=mic,
                        recognizer=lambda: WordlessUntilFinal([Script("thanks please share feedback")]),
                        settings=settings)
    events.on(ev.Listening, lambda e: mic.say(("speech", 1.2), ("silence", 3.0)))
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
