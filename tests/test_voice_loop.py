"""The voice call loop with fake engines on a sped-up clock."""

from __future__ import annotations

import threading
import time

import pytest

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.conversation.loop import NUDGE, CallRunner
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import VoiceSpec
from fakes import FakeMicrophone, FakeRecognizer, FakeSpeaker, FakeSynthesizer, Script
from voice_support import SCENARIO, Events, fake_judge

SPEED = 20.0


def make(events: Events, *, mic=True, scripts=(), settings=None, synth=None, recognizer="fake", **mic_kw):
    settings = settings or Settings(no_speech_prompt_s=2, end_silence_ms=400)
    synth = synth or FakeSynthesizer()
    speaker = FakeSpeaker(speed=SPEED)
    microphone = FakeMicrophone(speed=SPEED, **mic_kw) if mic else None
    rec = FakeRecognizer(scripts) if recognizer == "fake" else recognizer
    provider = (lambda: rec) if isinstance(rec, FakeRecognizer) else rec
    runner = CallRunner(Call(SCENARIO, fake_judge()), events, synthesizer=synth, speaker=speaker,
                        microphone=microphone, recognizer=provider, settings=settings)
    return runner, synth, speaker, microphone, rec


def finish(runner: CallRunner, events: Events, timeout: float = 20) -> None:
    runner.start()
    assert events.ended.wait(timeout), f"the call did not end; events: {events.names()}"
    assert runner.join(5)
    assert not events.errors, events.errors


def test_typed_call_reports_every_step_in_order():
    events = Events()
    runner, synth, speaker, _, _ = make(events, mic=False, synth=FakeSynthesizer(by_sentence=True))
    replies = iter(["thanks, any feedback?", "ok"])
    events.on(ev.Listening, lambda e: runner.submit_text(next(replies)), times=2)
    finish(runner, events)
    assert events.names() == [
        "ManagerSpeaking", "ManagerDone", "Listening", "ReplyHeard", "TurnScored",
        "ManagerSpeaking", "ManagerDone", "Listening", "ReplyHeard", "TurnScored",
        "ManagerSpeaking", "ManagerDone", "CallEnded",
    ]
    spoken = [e.text for e in events.of(ev.ManagerSpeaking)]
    assert spoken == ["Dana speaking. How can I help?", "We found a better fit.", "Goodbye."]
    # Each line's audio reaches the recording once: on ManagerSpeaking when all of it was rendered
    # as it began, else (its later sentences still rendering) on ManagerDone.
    pairs = list(zip(events.of(ev.ManagerSpeaking), events.of(ev.ManagerDone)))
    assert all((said.audio is None) != (done.audio is None) for said, done in pairs)
    lines = [said.audio or done.audio for said, done in pairs]
    assert lines[0].seconds == pytest.approx(synth.render("Dana speaking. How can I help?", VoiceSpec()).seconds)
    # Played sentence by sentence (the first line has two), all of it, nothing stopped.
    assert len(speaker.played) >= 3 and not any(p.stopped for p in speaker.played)
    assert sum(p.audio.seconds for p in speaker.played) == pytest.approx(sum(a.seconds for a in lines))
    result = events.of(ev.CallEnded)[0].result
    assert result.end_reason == "completed" and [t.reply for t in result.turns] == ["thanks, any feedback?", "ok"]
    assert synth.renders[0][1].voice == "en-us" and synth.renders[0][1].rate == 150


def test_spoken_reply_is_heard_transcribed_and_scored_with_delivery():
    events = Events()
    runner, _, _, mic, rec = make(events, scripts=[Script("thanks for the feedback chat", lead_s=0.3)])
    events.on(ev.Listening, lambda e: mic.say(("silence", 0.3), ("speech", 1.4)))
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    names = events.names()
    assert names[:6] == ["ManagerSpeaking", "ManagerDone", "Listening", "SpeechStarted", "ReplyHeard", "TurnScored"]
    partials = [e.text for e in events.of(ev.Partial)]
    assert partials and partials[-1].startswith("thanks") and len(set(partials)) == len(partials)
    heard = events.of(ev.ReplyHeard)[0]
    assert heard.transcript.text == "thanks for the feedback chat"
    assert 1.5 <= heard.audio.seconds <= 3.0  # lead-in + speech + the trailing silence that ended it
    record = events.of(ev.TurnScored)[0].record
    assert record.next_turn == "answer" and record.words
    assert record.delivery is not None and record.delivery.latency_s == pytest.approx(0.3, abs=0.15)
    assert events.of(ev.Level)
    assert events.of(ev.CallEnded)[0].result.end_reason == "hung_up"


def test_barge_in_stops_the_manager_and_starts_the_reply():
    events = Events()
    runner, _, speaker, mic, _ = make(events, scripts=["thanks so much"])
    events.on(ev.ManagerSpeaking, lambda e: mic.say(("silence", 0.2), ("speech", 1.0)))
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    assert events.names()[:5] == ["ManagerSpeaking", "ManagerDone", "Listening", "SpeechStarted", "ReplyHeard"]
    assert events.of(ev.ManagerDone)[0].interrupted
    assert speaker.played[0].stopped
    heard = events.of(ev.ReplyHeard)[0]
    assert heard.transcript.text == "thanks so much"
    assert heard.audio.seconds >= 1.0  # the start of the speech (pre-roll) is kept


def test_low_echo_of_the_manager_does_not_barge_in():
    events = Events()
    runner, _, speaker, mic, _ = make(events)
    # Faint hum under the manager's line: not a caller speaking.
    events.on(ev.ManagerSpeaking, lambda e: mic.say(("noise", 1.0)))
    events.on(ev.Listening, lambda e: runner.hang_up())
    finish(runner, events)
    assert not events.of(ev.ManagerDone)[0].interrupted
    assert not speaker.played[0].stopped


def test_silence_gets_one_prompt_then_counts_as_silence():
    events = Events()
    runner, synth, _, _, _ = make(events)
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    assert events.names()[:7] == ["ManagerSpeaking", "ManagerDone", "Listening", "Prompted", "ManagerDone",
                                  "ReplyHeard", "TurnScored"]
    assert events.of(ev.Prompted)[0].text == NUDGE
    assert NUDGE in synth.rendered_texts()
    record = events.of(ev.TurnScored)[0].record
    assert record.verdict.silent and record.next_turn == "anyone"


def test_speaking_after_the_prompt_is_a_reply():
    events = Events()
    runner, _, _, mic, _ = make(events, scripts=["thanks sorry"])
    events.on(ev.Prompted, lambda e: mic.say(("silence", 0.5), ("speech", 0.8)))
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    assert len(events.of(ev.Prompted)) == 1
    assert events.of(ev.TurnScored)[0].record.reply == "thanks sorry"


def test_push_to_talk_records_from_talk_to_stop():
    events = Events()
    settings = Settings(end_mode="push-to-talk", no_speech_prompt_s=30, end_silence_ms=200)
    runner, _, _, mic, rec = make(events, settings=settings, scripts=["thanks feedback"])

    def speak(_):
        # Pauses that would end an auto reply do not end a push-to-talk one.
        mic.say(("speech", 0.5), ("silence", 1.0), ("speech", 0.5), ("silence", 2.0))
        runner.talk()
        # Released after 2.2 s of the caller's audio, on the clock the reply is measured on (a
        # wall-clock Timer here was late by its scheduling delay x20 on a busy machine).
        mic.after_audio(2.2, runner.stop_talking)

    events.on(ev.Listening, speak)
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    heard = events.of(ev.ReplyHeard)[0]
    assert 1.8 <= heard.audio.seconds <= 3.2
    assert heard.transcript.text == "thanks feedback"
    assert not events.of(ev.Prompted)


def test_max_reply_length_ends_a_reply_that_never_pauses():
    events = Events()
    settings = Settings(max_reply_s=5, no_speech_prompt_s=30)
    runner, _, _, mic, _ = make(events, settings=settings, scripts=["thanks"])
    events.on(ev.Listening, lambda e: mic.say(("speech", 12.0)))
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    assert 4.9 <= events.of(ev.ReplyHeard)[0].audio.seconds <= 5.5


def test_device_loss_reports_what_was_heard_and_falls_back_to_typing():
    events = Events()
    runner, _, _, mic, _ = make(events, scripts=[Script("thanks for the call", word_seconds=0.2)])

    def speak(_):
        mic.lose_after_s = mic._sent_samples / 16000 + 1.2  # lost mid-reply
        mic.say(("speech", 3.0))

    events.on(ev.Listening, speak)
    events.on(ev.Notice, lambda e: runner.submit_text("thanks, any feedback?"))
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    notice = events.of(ev.Notice)[0]
    assert notice.level == "error" and "microphone" in notice.message.lower()
    heard = events.of(ev.ReplyHeard)
    assert heard[0].audio is not None and heard[0].audio.seconds > 0.5  # nothing recorded is lost
    assert heard[0].transcript.text.startswith("thanks")
    assert heard[-1].transcript.text == "thanks, any feedback?"
    assert events.of(ev.TurnScored)[0].record.reply == "thanks, any feedback?"


def test_recognizer_crash_keeps_the_audio_and_asks_for_typing():
    events = Events()
    rec = FakeRecognizer(["thanks a lot"], crash_after_s=0.4)
    runner, _, _, mic, _ = make(events, recognizer=rec)
    events.on(ev.Listening, lambda e: mic.say(("speech", 1.0)))
    events.on(ev.Notice, lambda e: runner.submit_text("thanks, typed"))
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    assert "recognition failed" in events.of(ev.Notice)[0].message
    assert events.of(ev.ReplyHeard)[0].audio.seconds >= 0.35  # everything recorded up to the typed reply
    assert events.of(ev.TurnScored)[0].record.reply == "thanks, typed"


def test_model_still_loading_then_ready_transcribes_the_buffered_reply():
    events = Events()
    rec = FakeRecognizer(["thanks for the feedback"])
    ready = threading.Event()
    runner, _, _, mic, _ = make(events, recognizer=lambda: rec if ready.is_set() else None)

    def speak(_):
        mic.say(("speech", 1.5))

    events.on(ev.Listening, speak)
    events.on(ev.SpeechStarted, lambda e: ready.set())
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    assert events.of(ev.TurnScored)[0].record.reply == "thanks for the feedback"


def test_no_model_at_all_keeps_the_audio_and_waits_for_typing():
    events = Events()
    runner, _, _, mic, _ = make(events, recognizer=lambda: None)
    events.on(ev.Listening, lambda e: mic.say(("speech", 1.0)))
    events.on(ev.Notice, lambda e: runner.submit_text("thanks"))
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    assert "speech model" in events.of(ev.Notice)[0].message
    assert events.of(ev.ReplyHeard)[0].audio.seconds >= 1.0
    assert events.of(ev.TurnScored)[0].record.reply == "thanks"


def test_render_ahead_renders_the_first_sentence_of_every_possible_next_line_first():
    events = Events()
    synth = FakeSynthesizer(by_sentence=True)
    runner, _, _, mic, _ = make(events, scripts=["thanks feedback"], synth=synth)
    targets = {SCENARIO.turns[t].text for t in ("anyone", "what_for", "answer")}
    anyone = SCENARIO.turns["anyone"].text  # "Hello? Anyone?": two sentences

    def reply(_):
        # The caller answers once render-ahead has asked for the lines. Render-ahead runs in the
        # render worker, which a busy machine may hold up for longer than a sped-up reply lasts:
        # so the test waits for it (a deadline), where it once raced it.
        def speak():
            synth.wait_for(lambda done: targets <= {text for text, _ in done} and (anyone, 1) in done, 10)
            mic.say(("speech", 1.5))

        threading.Thread(target=speak, daemon=True).start()

    events.on(ev.Listening, reply)
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    ahead = [render for render in synth.part_renders if render[0] in targets]
    assert set(ahead[:3]) == {(text, 0) for text in targets}  # every first sentence...
    assert ahead[3] == (anyone, 1)  # ...before any later one


def test_a_line_starts_on_its_first_sentence_and_a_barge_in_drops_the_rest():
    events = Events()
    second_rendering = threading.Event()  # held: the line's second sentence is still rendering
    synth = FakeSynthesizer(by_sentence=True, hold=second_rendering)
    runner, _, speaker, mic, _ = make(events, scripts=["thanks so much"], synth=synth)
    hello = SCENARIO.turns["hello"].text  # "Dana speaking. How can I help?"
    events.on(ev.ManagerSpeaking, lambda e: mic.say(("silence", 0.2), ("speech", 1.0)))
    events.on(ev.ManagerDone, lambda e: second_rendering.set())
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    said, done = events.of(ev.ManagerSpeaking)[0], events.of(ev.ManagerDone)[0]
    assert said.audio is None  # it began while its second sentence was still being rendered
    assert done.interrupted
    first = synth.render_part(hello, synth.renders[0][1], 0)
    assert done.audio == first  # the recording keeps what was said: the first sentence
    # The second sentence, rendered after the barge-in, was never played.
    assert speaker.played[0].audio == first
    assert not any(p.audio.seconds == pytest.approx(synth.render_part(hello, synth.renders[0][1], 1).seconds)
                   for p in speaker.played)


def test_skip_retry_and_hang_up():
    events = Events()
    runner, _, _, _, _ = make(events, mic=False)
    actions = iter([runner.skip, runner.retry, lambda: runner.submit_text("thanks, feedback please"), runner.hang_up])
    events.on(ev.Listening, lambda e: next(actions)(), times=4)
    finish(runner, events)
    assert [e.turn_id for e in events.of(ev.Listening)] == ["hello", "anyone", "hello", "answer"]
    scored = [e.record for e in events.of(ev.TurnScored)]
    assert scored[0].skipped and scored[0].next_turn == "anyone"
    assert scored[1].reply == "thanks, feedback please" and scored[1].next_turn == "answer"
    assert any(e.message == "Taking that turn again." for e in events.of(ev.Notice))
    result = events.of(ev.CallEnded)[0].result
    assert result.end_reason == "hung_up"
    assert [t.turn_id for t in result.turns] == ["hello"]  # the skipped attempt was taken back


def test_tts_unavailable_shows_the_lines_and_the_call_goes_on():
    events = Events()
    synth = FakeSynthesizer(fail="The manager's voice needs espeak-ng: sudo apt-get install espeak-ng.")
    runner, _, speaker, _, _ = make(events, mic=False, synth=synth)
    replies = iter(["thanks, feedback?", "ok"])
    events.on(ev.Listening, lambda e: runner.submit_text(next(replies)), times=2)
    finish(runner, events)
    notices = events.of(ev.Notice)
    assert len(notices) == 1 and "espeak-ng" in notices[0].message
    assert all(e.audio is None for e in events.of(ev.ManagerSpeaking))
    assert not speaker.played
    assert events.of(ev.CallEnded)[0].result.end_reason == "completed"


def _chunks(pcm: bytes):
    from rehearsal.voice.interfaces import AudioChunk

    return [AudioChunk(pcm[i : i + 640], 0.0, 0.1) for i in range(0, len(pcm), 640)]


def test_a_reply_settled_in_a_pause_goes_on_in_a_new_segment_with_shifted_timings():
    import time

    from fakes import silence, tone
    from rehearsal.conversation.reply import Reply

    rec = FakeRecognizer(["thank you", "for the feedback"])
    reply = Reply(0.0, rec)
    for chunk in _chunks(tone(0.6)):
        reply.add(chunk)
    for chunk in _chunks(silence(0.2)):
        reply.add(chunk, hold=True)
    reply.settle()
    time.sleep(0.3)  # the worker finishes the first segment during the pause
    for chunk in _chunks(tone(0.8)):
        reply.add(chunk)  # the caller goes on: the held pause is passed on first
    transcript = reply.finish()
    assert transcript.text == "thank you for the feedback"
    assert len(rec.sessions) == 2 and all(s.finished for s in rec.sessions)
    # The second segment starts where the first stopped, pause included.
    assert [w.start for w in transcript.words] == pytest.approx([0.0, 0.3, 0.6, 0.9, 1.2])
    assert rec.sessions[1].fed_samples == int(1.0 * 16000)
    assert reply.audio().seconds == pytest.approx(1.6)


def test_trailing_silence_is_kept_but_never_decoded():
    from fakes import silence, tone
    from rehearsal.conversation.reply import Reply

    rec = FakeRecognizer(["thanks"])
    reply = Reply(0.0, rec)
    for chunk in _chunks(tone(0.5)):
        reply.add(chunk)
    for chunk in _chunks(silence(1.0)):
        reply.add(chunk, hold=True)
    assert reply.finish().text == "thanks"
    assert rec.sessions[0].fed_samples == int(0.5 * 16000)
    assert reply.audio().seconds == pytest.approx(1.5)


def test_a_false_end_stops_the_manager_and_the_reply_goes_on_as_one():
    events = Events()
    # Two sessions: the reply is settled at its first end, and goes on in a second segment.
    runner, _, speaker, mic, rec = make(events, scripts=[Script("thanks for the feedback", word_seconds=0.25),
                                                         Script("and the call", word_seconds=0.25)])
    # A pause long enough for the policy to end a reply that has done what the turn asks
    # (400 ms here), short enough to fall inside the grace window: then the caller goes on.
    events.on(ev.Listening, lambda e: mic.say(("speech", 1.0), ("silence", 0.75), ("speech", 0.75), ("silence", 2.0)))
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    finish(runner, events)
    assert events.names()[:6] == ["ManagerSpeaking", "ManagerDone", "Listening", "SpeechStarted", "ReplyHeard",
                                  "TurnScored"]
    # The answer started (and was stopped) without ever being reported.
    assert len(speaker.played) >= 2 and speaker.played[1].stopped
    assert [e.text for e in events.of(ev.ManagerSpeaking)][:1] == ["Dana speaking. How can I help?"]
    heard = events.of(ev.ReplyHeard)
    assert len(heard) == 1 and heard[0].transcript.text == "thanks for the feedback and the call"
    assert heard[0].audio.seconds >= 1.0 + 0.75 + 0.75  # both parts and the pause between them
    scored = events.of(ev.TurnScored)
    assert len(scored) == 1 and scored[0].record.reply == "thanks for the feedback and the call"
    words = scored[0].record.words
    # The second part's timings follow the first's (the fake puts its words at its segment's start).
    assert [w.text for w in words] == "thanks for the feedback and the call".split()
    assert [w.start for w in words] == sorted(w.start for w in words) and words[4].start >= 1.0
    result = events.of(ev.CallEnded)[0].result
    assert [t.turn_id for t in result.turns] == ["hello"]


def test_the_managers_echo_after_a_reply_is_not_the_caller_going_on():
    from fakes import silence, tone

    events = Events()
    runner, _, speaker, mic, _ = make(events, scripts=[Script("thanks for the feedback", word_seconds=0.25)])
    # The manager's answer leaks back into the mic at a fifth of its level, as from laptop speakers.
    echo = tone(1.2, amplitude=0.2 * 0.2)
    events.on(ev.Listening, lambda e: mic.say(tone(1.0), silence(0.45), echo, silence(2.0)))
    events.on(ev.Listening, lambda e: runner.hang_up() if e.turn_id != "hello" else None, times=2)
    finish(runner, events)
    assert not speaker.played[1].stopped, "the echo was taken for the caller going on"
    scored = events.of(ev.TurnScored)
    assert len(scored) == 1 and scored[0].record.reply == "thanks for the feedback"
    assert [e.text for e in events.of(ev.ManagerSpeaking)][1] == "We found a better fit."


def test_a_caller_speaking_after_the_grace_window_answers_the_next_line():
    events = Events()
    settings = Settings(no_speech_prompt_s=2, end_silence_ms=400, turn_resume_grace_ms=300)
    runner, _, speaker, mic, _ = make(events, settings=settings,
                                      scripts=[Script("thanks for the feedback", word_seconds=0.25), "ok then"])
    events.on(ev.Listening, lambda e: mic.say(("speech", 1.0), ("silence", 1.1), ("speech", 0.6), ("silence", 2.0)))
    events.on(ev.TurnScored, lambda e: runner.hang_up() if len(events.of(ev.TurnScored)) == 2 else None, times=2)
    finish(runner, events)
    scored = [e.record for e in events.of(ev.TurnScored)]
    assert [r.turn_id for r in scored] == ["hello", "answer"]
    assert scored[0].reply == "thanks for the feedback" and scored[1].reply == "ok then"
    assert events.of(ev.ManagerDone)[1].interrupted  # a barge-in on the answer, not a false end


class SlowFinalRecognizer(FakeRecognizer):
    """Final results come late (as Vosk's can on a busy machine): only once the manager's answer
    has started playing. They add the last word."""

    speaker: FakeSpeaker | None = None

    def session(self):
        session = super().session()
        finish = session.finish

        def slow_finish():
            deadline = time.monotonic() + 5
            while len(self.speaker.played) < 2 and time.monotonic() < deadline:
                time.sleep(0.005)
            return finish()

        session.finish = slow_finish
        return session


def test_an_answer_begun_on_partial_words_is_decided_again_on_the_final_ones():
    events = Events()
    # The partial at the pause has only "thanks" (no request: the call would go to "what_for");
    # the final words have the request, which leads to "answer".
    rec = SlowFinalRecognizer([Script("thanks feedback", word_seconds=0.6)])
    settings = Settings(no_speech_prompt_s=2, end_silence_ms=400, turn_unmet_ms=400)
    runner, _, speaker, mic, _ = make(events, settings=settings, recognizer=lambda: rec)
    rec.speaker = speaker
    events.on(ev.Listening, lambda e: mic.say(("speech", 1.0), ("silence", 3.0)))
    events.on(ev.Listening, lambda e: runner.hang_up() if e.turn_id != "hello" else None, times=2)
    finish(runner, events)
    scored = [e.record for e in events.of(ev.TurnScored)]
    assert len(scored) == 1 and scored[0].reply == "thanks feedback" and scored[0].next_turn == "answer"
    spoken = [e.text for e in events.of(ev.ManagerSpeaking)]
    # The line begun on the partial words was played but never reported; the right one followed.
    assert spoken[:2] == ["Dana speaking. How can I help?", "We found a better fit."]
    assert "What can I do for you?" not in spoken
    assert len(speaker.played) == 3  # the manager's first line, the line begun on the partial, the right one


def test_a_broken_display_is_logged_once_with_its_traceback_and_the_call_goes_on(caplog):
    events = Events()

    def broken_display(event):
        events(event)
        if isinstance(event, ev.ManagerDone):
            raise ValueError("the widget is gone")

    runner, *_ = make(events, mic=False)
    runner._sink = broken_display
    replies = iter(["thanks, any feedback?", "ok"])
    events.on(ev.Listening, lambda e: runner.submit_text(next(replies)), times=2)
    with caplog.at_level("WARNING", logger="rehearsal.conversation.loop"):
        finish(runner, events)
    assert events.names()[-1] == "CallEnded" and len(events.of(ev.ManagerDone)) == 3
    [record] = [r for r in caplog.records if r.name == "rehearsal.conversation.loop"]
    assert "display failed on ManagerDone" in record.getMessage()
    assert record.exc_info and "the widget is gone" in str(record.exc_info[1])
