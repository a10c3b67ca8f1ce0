"""False ends and echo through the virtual audio stack, with every real engine.

The manager is rendered by pyttsx3/espeak-ng and played into the virtual speaker; the caller
(espeak-ng speech with a pause inside) speaks into the virtual microphone; Vosk with the Korean
model does the real recognition work at its real speed, while the words the end-of-turn policy
reads are the reply's own English ones (tests/scripted_words.py). Timed from outside with parec.
"""

from __future__ import annotations

import subprocess
import threading

import pytest

from rehearsal.call import events as ev
from rehearsal.scenario.model import Scenario
from rehearsal.settings import Settings
from scripted_words import ScriptedWords
from spoken_corpus import COMPLETE, FINISHED, record
from virtual_user import VirtualCaller
from voice_support import Events, real_runner, run_aloud

pytestmark = [pytest.mark.audio, pytest.mark.vosk]

SCENARIO = Scenario.model_validate({
    "id": "turns", "title": "Turns", "description": "Two turns.", "situation": "A test.",
    "persona": {"name": "Dana", "role": "Manager", "voice": {"rate": 190}}, "start": "hello",
    "turns": {
        "hello": {"say": "Dana speaking.", "expects": ["gratitude", "tone"], "next": [{"goto": "answer"}]},
        "answer": {"say": "I see. Well, we went with a candidate who had a little more experience in the field, "
                          "but your interview went well.", "next": [{"goto": "bye"}]},
        "bye": {"say": "Goodbye.", "end": True},
    },
})


@pytest.fixture(scope="module")
def words(ko_model_path):
    from rehearsal.voice.recognizer import load_recognizer

    source = ScriptedWords(load_recognizer(ko_model_path))
    source.wait_warm(10)
    return source


def call_aloud(words: ScriptedWords, spoken, pcm: bytes, *, hang_up_on: str, settings: Settings | None = None):
    from rehearsal.judging.judge import Judge

    settings = settings or Settings(no_speech_prompt_s=15)
    events, caller = Events(), VirtualCaller()
    runner, speaker = real_runner(SCENARIO, Judge(), events, words, settings)
    said: list[float] = []

    def say(_):
        words.expect(spoken.words)
        threading.Timer(0.3, lambda: (said.append(__import__("time").monotonic()), caller.say(pcm))).start()

    events.on(ev.Listening, say)
    events.on(ev.Listening, lambda e: runner.hang_up() if e.turn_id == hang_up_on else None, times=3)
    run_aloud(runner, speaker, caller, events, 60)
    return events, caller, said[0]


def test_a_caller_going_on_after_a_false_end_stops_the_manager_and_stays_one_reply(virtual_audio, words):
    # Finished words that already do what the turn asks (thanks): the policy ends the turn in
    # the pause, the manager starts, and the caller goes on.
    spoken, samples = record(("Thank you for calling me back.", 0.8, "Could I ask for some feedback?"), FINISHED,
                             "espeak")
    events, caller, said = call_aloud(words, spoken, samples.tobytes(), hang_up_on="answer")
    heard = [e for e in events.of(ev.ReplyHeard) if e.turn_id == "hello"]
    scored = [e.record for e in events.of(ev.TurnScored)]
    assert len(heard) == 1, [h.transcript.text for h in heard]
    assert heard[0].transcript.text == "thank you for calling me back could i ask for some feedback"
    assert heard[0].audio.seconds >= spoken.seconds
    assert [r.turn_id for r in scored][:1] == ["hello"] and scored[0].reply == heard[0].transcript.text
    assert scored[0].verdict.feedback_request.detected  # judged on the whole reply
    # Timed from outside: the caller resumed at the end of the pause; if the manager had begun
    # answering (a false end), it fell silent quickly.
    resumed = said + spoken.pauses[0].at + spoken.pauses[0].seconds
    mic_resumed = min((t for t in caller.mic_ear.onsets if t > resumed - 0.1), default=resumed)
    in_pause = [t for t in caller.speaker_ear.onsets if mic_resumed - spoken.pauses[0].seconds < t < mic_resumed + 0.05]
    if in_pause:
        silent = min(t for t in caller.speaker_ear.offsets if t > mic_resumed - 0.05)
        assert silent - mic_resumed < 0.3, f"the manager went on {silent - mic_resumed:.2f} s after the caller"
    names = events.names()
    assert names[:6] == ["ManagerSpeaking", "ManagerDone", "Listening", "SpeechStarted", "ReplyHeard", "TurnScored"]


@pytest.fixture
def echo(virtual_audio):
    """The manager's voice back in the microphone at about -13 dB, as from laptop speakers."""
    module = subprocess.run(["pactl", "load-module", "module-loopback", "source=vspeaker.monitor", "sink=vmic_in",
                             "latency_msec=30"], capture_output=True, text=True, check=True).stdout.strip()
    try:
        for _ in range(50):
            inputs = subprocess.run(["pactl", "list", "short", "sink-inputs"], capture_output=True, text=True).stdout
            ids = [line.split()[0] for line in inputs.splitlines() if "module-loopback" in line or f"\t{module}\t" in line]
            if ids:
                subprocess.run(["pactl", "set-sink-input-volume", ids[-1], "60%"], check=True)
                break
            __import__("time").sleep(0.05)
        yield
    finally:
        subprocess.run(["pactl", "unload-module", module], check=False)


def test_the_managers_echo_after_a_reply_never_counts_as_the_caller_going_on(echo, words):
    spoken, samples = record(("Thank you for calling me back.",), COMPLETE, "espeak")
    events, caller, _ = call_aloud(words, spoken, samples.tobytes(), hang_up_on="answer")
    assert not events.errors
    heard = [e.transcript.text for e in events.of(ev.ReplyHeard) if e.turn_id == "hello"]
    assert heard == ["thank you for calling me back"]
    answer = [e for e in events.of(ev.ManagerDone) if e.turn_id == "answer"]
    assert answer and not answer[0].interrupted, "the echo of the answer was taken for the caller"
    assert [e.turn_id for e in events.of(ev.ManagerSpeaking)][:2] == ["hello", "answer"]
