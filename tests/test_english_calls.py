"""Every built-in scenario called in spoken English, end to end, through the virtual audio stack.

For each scenario a good caller (Piper's neural voice) and a poor one (espeak-ng; rude, or never
asking for feedback) speak their replies (tests/english/calls.yaml) into the virtual microphone
whenever the manager has finished; pyttsx3/espeak-ng speaks the manager (the first sentence
of each line, played three times as fast, to keep CI short: see FastVoice); Whisper hears the
caller; the call branches on what it heard. The call must take the same path, with the same
marks on every turn, as the same replies typed, except where calls.yaml records a recognition
slip (what was heard, which marks it changes, and why).
"""

from __future__ import annotations

import subprocess
import threading

import pytest

from english.corpus import Caller, callers
from english.make_spoken import spoken_pcm
from rehearsal.call import events as ev
from rehearsal.call.engine import Call, CallResult
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import Audio, VoiceSpec

pytestmark = [pytest.mark.audio, pytest.mark.whisper, pytest.mark.timeout(180)]

MANAGER_WPM = 320  # espeak-ng's rate for the manager, and then the audio is played faster still:
MANAGER_SPEED = 3.0  # the test is about the caller, and CI time is short
THINK_S = 0.2  # the caller's pause before answering
# Piper pauses up to ~380 ms between sentences, and the default 350 ms end-of-reply silence takes
# such a pause for the end of the reply (a turn-taking matter, reported). This test is about the
# words, so it waits longer.
END_SILENCE_MS = 600


class Mouth:
    """Says each reply into the virtual microphone with its own `pacat`, given the whole reply at once.

    A separate process with a 300 ms buffer: a Python thread pacing 20 ms blocks (as VirtualCaller
    does, to time turn gaps) can be starved while Whisper decodes on a busy machine, and the gap it
    leaves in the speech ends the reply early. This test needs the words, not the gap timings.
    """

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen] = []
        self._lock = threading.Lock()

    def say(self, pcm: bytes) -> None:
        with self._lock:  # one reply at a time
            proc = subprocess.Popen(["pacat", "--playback", "--device=vmic_in", "--rate=16000", "--channels=1",
                                     "--format=s16le", "--raw", "--latency-msec=300"], stdin=subprocess.PIPE)
            self._procs.append(proc)
            proc.stdin.write(pcm + bytes(3200))  # and 100 ms of silence, so the last word is not clipped
            proc.stdin.close()

    def close(self) -> None:
        for proc in self._procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


class FastVoice:
    """The real synthesizer saying only the first sentence of each line, its audio declared at a
    higher rate so that it plays faster.

    The test is about the caller: the manager's words only have to come and end, so that the
    caller answers. Every manager line's words, per engine, are heard back at render level
    (tests/test_heard_back.py), and a line played sentence by sentence through the speaker there
    too; playing all of each line here cost ~1 min of real time over the calls for no more assurance.
    """

    def __init__(self, inner) -> None:
        self._inner = inner

    def parts(self, text: str) -> list[str]:
        return self._inner.parts(text)[:1]

    def render_part(self, text: str, spec: VoiceSpec, index: int) -> Audio:
        audio = self._inner.render_part(text, spec, index)
        return Audio(audio.pcm, int(audio.rate * MANAGER_SPEED))

    def render(self, text: str, spec: VoiceSpec) -> Audio:
        return self.render_part(text, spec, 0)

    def close(self) -> None:
        self._inner.close()


def marks(result: CallResult) -> list[dict]:
    """What the scorecard marks on each turn: the path, and each dimension's verdict."""
    return [{"turn": t.turn_id, "gratitude": t.verdict.gratitude.detected,
             "feedback_request": t.verdict.feedback_request.detected, "tone": t.verdict.tone.label,
             "door_open": t.verdict.door_open.detected} for t in result.turns]


def typed_call(caller: Caller) -> CallResult:
    from rehearsal.judging.judge import Judge
    from rehearsal.scenario import catalog

    scenario = catalog.find(caller.scenario)
    call = Call(scenario, Judge(scenario.phrases))
    for text in caller.replies:
        call.reply(text)
    assert call.finished, f"{caller.name}: the typed replies do not finish the call"
    return call.result()


def spoken_call(caller: Caller, recognizer) -> tuple[CallResult, list[str]]:
    from rehearsal.judging.judge import Judge
    from rehearsal.scenario import catalog
    from rehearsal.conversation.loop import CallRunner
    from rehearsal.voice.microphone import create_microphone
    from rehearsal.voice.speaker import create_speaker
    from rehearsal.voice.tts import create_synthesizer

    scenario = catalog.find(caller.scenario)
    replies = [spoken_pcm(text, caller.voice) for text in caller.replies]
    settings = Settings(no_speech_prompt_s=20, end_silence_ms=END_SILENCE_MS, rate=MANAGER_WPM)
    done = threading.Event()
    heard: list[str] = []
    problems: list[str] = []
    turn = [0]

    def sink(event) -> None:
        if isinstance(event, ev.Listening):
            if turn[0] < len(replies):
                threading.Timer(THINK_S, voice.say, (replies[turn[0]],)).start()
            turn[0] += 1
        elif isinstance(event, ev.ReplyHeard):
            heard.append(event.transcript.text)
        elif isinstance(event, ev.Notice) and event.level == "error":
            problems.append(event.message)
        elif isinstance(event, ev.CallEnded):
            result.append(event.result)
            done.set()

    result: list[CallResult] = []
    voice = Mouth()
    speaker = create_speaker(settings)
    runner = CallRunner(Call(scenario, Judge(scenario.phrases)), sink, synthesizer=FastVoice(create_synthesizer(settings)),
                        speaker=speaker, microphone=create_microphone(settings), recognizer=lambda: recognizer,
                        settings=settings)
    try:
        runner.start()
        assert done.wait(150), f"{caller.name}: the call did not end; heard so far {heard}"
        assert runner.join(5)
    finally:
        speaker.close()
        voice.close()
    assert not problems, problems
    return result[0], heard


@pytest.mark.parametrize("caller", callers(), ids=lambda c: c.name)
def test_spoken_call_takes_the_typed_path(virtual_audio, whisper_recognizer, caller):
    typed = typed_call(caller)
    spoken, heard = spoken_call(caller, whisper_recognizer)
    expected = marks(typed)
    got = marks(spoken)
    for number, slip in caller.slips.items():  # a recorded slip, explained in calls.yaml
        slipped = {**expected[number], **slip["marks"]}
        if got[number] == slipped:
            expected[number] = slipped
    assert got == expected, f"{caller.name}: heard {heard}"
    assert spoken.end_reason == typed.end_reason == "completed"
    assert spoken.closing_line == typed.closing_line
    assert len(heard) == len(caller.replies), heard
    for turn in spoken.turns:  # heard, not typed: every reply has word timings and delivery figures
        assert turn.words and turn.delivery is not None and turn.delivery.words == len(turn.words)


def test_vosk_live_with_whisper_revising_scores_as_the_replies_typed(virtual_audio, ko_model_path,
                                                                     whisper_model_path, whisper_recognizer):
    """The second pass, end to end: the Korean Vosk model hears the call live (its words are
    nonsense for English, so the call branches on nonsense), Whisper hears each reply again in
    the background, and the revised scorecard has the marks of the same replies typed at the
    same turns. Two replies (already spoken for the call above, so cached), then hang up."""
    from rehearsal.judging.judge import Judge
    from rehearsal.practice.opening import open_call
    from rehearsal.scenario import catalog
    from rehearsal.services import Services
    from rehearsal.voice.microphone import create_microphone
    from rehearsal.voice.recognizer import load_recognizer
    from rehearsal.voice.speaker import create_speaker
    from rehearsal.voice.tts import create_synthesizer

    caller = next(c for c in callers() if c.name.startswith("follow-up-better-fit") and c.voice == "piper")
    texts = caller.replies[:2]
    replies = [spoken_pcm(text, caller.voice) for text in texts]
    scenario = catalog.find(caller.scenario)
    # Vosk's Korean words never do what a turn asks, so the "unmet" pause would end each reply;
    # shorter here, and no grace window: this test is about the words, not the turn-taking.
    settings = Settings(no_speech_prompt_s=20, end_silence_ms=END_SILENCE_MS, rate=MANAGER_WPM,
                        turn_unmet_ms=END_SILENCE_MS, turn_open_ms=END_SILENCE_MS, turn_resume_grace_ms=0,
                        turn_finish_wait_ms=3000,  # a busy machine: wait for Vosk's last words
                        recognizer="vosk", model_path=ko_model_path, revise_with="whisper")
    vosk = load_recognizer(ko_model_path)
    services = Services(
        settings=settings, judge_factory=Judge,
        synthesizer_factory=lambda: FastVoice(create_synthesizer(settings)),
        speaker_factory=lambda: create_speaker(settings), microphone_factory=lambda: create_microphone(settings),
        recognizer_factory=lambda path: whisper_recognizer if path == whisper_model_path else vosk,
        reviser_model=lambda s: whisper_model_path)
    voice = Mouth()
    scored: list[ev.TurnScored] = []
    revised = threading.Event()
    events: list[ev.Event] = []
    turn = [0]

    def sink(event) -> None:
        events.append(event)
        if isinstance(event, ev.Listening):
            if turn[0] < len(replies):
                threading.Timer(THINK_S, voice.say, (replies[turn[0]],)).start()
            else:
                opened.hang_up()  # two replies are enough
            turn[0] += 1
        elif isinstance(event, ev.TurnScored):
            scored.append(event)
        elif isinstance(event, ev.TurnRevised) and sum(isinstance(e, ev.TurnRevised) for e in events) == 2:
            revised.set()

    opened = open_call(scenario, services, sink, typed=False, recognizer=lambda: vosk)  # loaded, as the app's
    try:
        opened.start()
        assert opened.join(90), f"the call did not end; events {[getattr(e, 'message', type(e).__name__) for e in events if not isinstance(e, ev.Level | ev.Partial)]}"
        assert revised.wait(20), [type(e).__name__ for e in events]
        opened.close()
    finally:
        voice.close()
    result = opened.result()
    assert not [e for e in events if isinstance(e, ev.Notice) and e.level == "error"]
    assert len(scored) == 2 and len(result.turns) == 2
    assert [t.turn_id for t in result.turns] == [s.record.turn_id for s in scored]  # the live path stands
    for t, live in zip(result.turns, scored):
        assert t.revision is not None and t.revision.by.startswith("Whisper")
        assert t.revision.live_reply == live.record.reply  # Vosk's (Korean) words, kept beside
    # The same replies typed at the same turns (the path the live words took).
    typed = Call(scenario, Judge(scenario.phrases))
    for t, text in zip(result.turns, texts):
        typed.current_id = t.turn_id
        typed.reply(text)
    assert marks(result)[:2] == marks(typed.result()), [t.reply for t in result.turns]
