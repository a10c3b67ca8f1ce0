"""A whole call through PortAudio and the virtual audio stack, with every real engine.

The manager is rendered by pyttsx3/espeak-ng and played into the virtual speaker; the caller's
replies (espeak-ng speech) go into the virtual microphone; Vosk with the Korean model
transcribes them, so the words are wrong: these tests check structure and timing.
"""

from __future__ import annotations

import threading
import time

import pytest

from rehearsal.call import events as ev
from rehearsal.conversation.hearing import PREROLL_CHUNKS
from rehearsal.settings import Settings
from virtual_user import VirtualCaller, speech_wav, wav_pcm
from voice_support import SCENARIO, Events, fake_judge, real_runner, run_aloud

pytestmark = [pytest.mark.audio, pytest.mark.vosk]


@pytest.fixture(scope="module")
def recognizer(ko_model_path):
    from rehearsal.voice.recognizer import load_recognizer

    return load_recognizer(ko_model_path)


@pytest.fixture(scope="module")
def reply_pcm(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("e2e") / "reply.wav"
    return wav_pcm(speech_wav("Thank you for taking my call. I wanted to ask for feedback.", path))


def _whole_line(settings: Settings):
    from rehearsal.voice.casting import spec_for
    from rehearsal.voice.tts import create_synthesizer

    return create_synthesizer(settings).render(SCENARIO.turns["hello"].text, spec_for(SCENARIO.persona.voice, settings))


def test_a_whole_call_aloud(virtual_audio, recognizer, reply_pcm):
    events = Events()
    settings = Settings(end_silence_ms=500, no_speech_prompt_s=15)
    caller = VirtualCaller()
    runner, speaker = real_runner(SCENARIO, fake_judge(), events, recognizer, settings)
    events.on(ev.Listening, lambda e: threading.Timer(0.3, caller.say, (reply_pcm,)).start(), times=5)
    run_aloud(runner, speaker, caller, events, 90)
    reply_turn = ["ManagerSpeaking", "ManagerDone", "Listening", "SpeechStarted", "ReplyHeard", "TurnScored"]
    assert events.names() == reply_turn * 2 + ["ManagerSpeaking", "ManagerDone", "CallEnded"], events.names()
    result = events.of(ev.CallEnded)[0].result
    assert result.end_reason == "completed"
    assert [t.turn_id for t in result.turns] == ["hello", "what_for"]  # no English words, no feedback request

    # Each line's audio is on ManagerSpeaking, or on ManagerDone when its later sentences were still rendering.
    for spoken, done in zip(events.of(ev.ManagerSpeaking), events.of(ev.ManagerDone)):
        line = spoken.audio or done.audio
        assert line is not None and line.rate == 22_050 and line.seconds > 0.5
    assert not any(done.interrupted for done in events.of(ev.ManagerDone))
    assert events.of(ev.Partial), "no partial results while the caller spoke"
    assert events.of(ev.Level) and max(e.rms for e in events.of(ev.Level)) > 0.05

    reply_s = len(reply_pcm) / 32000
    for heard, scored in zip(events.of(ev.ReplyHeard), events.of(ev.TurnScored), strict=True):
        audio = heard.audio
        # The whole reply, with the pre-roll and the trailing silence that ended it. How long that
        # silence is, is the turn policy's to decide: 0.5 s here when the words are fresh, longer
        # while the recogniser is behind (turn_stale_ms, on a busy machine) and never past
        # turn_max_pause_ms; a block of slack. (5.70 s against the old fixed 5.67 s bound under load.)
        preroll_s = PREROLL_CHUNKS * 0.02
        assert reply_s <= audio.seconds <= reply_s + preroll_s + settings.turn_max_pause_ms / 1000 + 0.1
        words = heard.transcript.words
        assert words, "the recogniser produced no words at all"
        assert all(0 <= w.start <= w.end <= audio.seconds + 0.05 for w in words)
        assert [w.start for w in words] == sorted(w.start for w in words)
        delivery = scored.record.delivery
        assert delivery is not None and delivery.words == len(words)
        # The caller waited 0.3 s after the manager's line (then paplay starts, late on a busy machine:
        # 1.74 s was seen in CI), so a latency is measured and it is not the whole call. Speed is benchmarked.
        assert 0.1 <= delivery.latency_s <= 4.0

    # What the caller heard: three manager lines, each starting soon after a reply ended.
    assert len(caller.speaker_ear.onsets) >= 3
    gaps = caller.turn_gaps()
    assert len(gaps) == 2 and all(0.3 < g < 4.0 for g in gaps), gaps


def test_talking_over_the_manager_stops_them(virtual_audio, recognizer, reply_pcm):
    events = Events()
    settings = Settings(end_silence_ms=500, no_speech_prompt_s=15)
    caller = VirtualCaller()
    runner, speaker = real_runner(SCENARIO, fake_judge(), events, recognizer, settings)
    said: list[float] = []

    def say() -> None:
        said.append(time.monotonic())
        caller.say(reply_pcm)

    events.on(ev.ManagerSpeaking, lambda e: threading.Timer(0.6, say).start())
    events.on(ev.TurnScored, lambda e: runner.hang_up())
    run_aloud(runner, speaker, caller, events, 60)
    assert events.names()[:6] == ["ManagerSpeaking", "ManagerDone", "Listening", "SpeechStarted", "ReplyHeard",
                                  "TurnScored"]
    done = events.of(ev.ManagerDone)[0]
    line = events.of(ev.ManagerSpeaking)[0].audio or _whole_line(settings)  # (None when its sentences streamed)
    assert done.interrupted
    # The manager fell silent soon after the caller started, long before the line's end. Only the
    # line talked over counts: the answer to the reply starts after it (and under load the call may
    # take seconds to end after that answer, so its sound is heard too).
    ear = caller.speaker_ear
    first_sound = ear.onsets[0]
    reply_end = said[0] + len(reply_pcm) / 32000
    last_sound = max((t for t in ear.offsets if t < reply_end), default=first_sound)
    assert last_sound - first_sound < min(line.seconds, 0.6 + 1.2)
    heard = events.of(ev.ReplyHeard)[0]
    assert heard.audio.seconds >= len(reply_pcm) / 32000
