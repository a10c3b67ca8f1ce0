"""Open a call: the call engine, its engines and the loop that drives it, typed or aloud.

The app's call screen and `rehearsal practice` both call `open_call` and then only send
controls and read events, so the same scenario and the same replies give the same events in
either (tests/test_one_driver.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearsal.call.engine import Call, CallResult
from rehearsal.call.events import EventSink, Notice
from rehearsal.conversation.loop import CallRunner, RecognizerProvider
from rehearsal.conversation.revision import Reviser
from rehearsal.practice.engines import CallEngines, build_engines, engine_notice
from rehearsal.practice.speech_model import SpeechModel
from rehearsal.scenario.model import Scenario
from rehearsal.services import Services
from rehearsal.voice.interfaces import VoiceUnavailable

REVISION_WAIT_S = 8.0  # at the end of a call, the longest wait for the second pass's last replies


@dataclass
class OpenCall:
    """A call ready to start. Controls may be sent from any thread; events go to the sink."""

    call: Call
    runner: CallRunner
    engines: CallEngines
    reviser: Reviser | None = None  # the second pass, when one hears the replies again

    @property
    def has_microphone(self) -> bool:
        return self.engines.microphone is not None

    def start(self) -> None:
        self.runner.start()

    def submit_text(self, text: str) -> None:
        self.runner.submit_text(text)

    def talk(self) -> None:
        self.runner.talk()

    def stop_talking(self) -> None:
        self.runner.stop_talking()

    def skip(self) -> None:
        self.runner.skip()

    def retry(self) -> None:
        self.runner.retry()

    def hang_up(self) -> None:
        self.runner.hang_up()

    def join(self, timeout: float | None = None) -> bool:
        return self.runner.join(timeout)

    def close(self, revision_wait_s: float = REVISION_WAIT_S) -> None:
        """Once the call has ended: wait (briefly) for the second pass, then release the engines."""
        if self.reviser is not None:
            self.reviser.close(revision_wait_s)
        self.engines.close()

    def result(self) -> CallResult:
        """How the call went, each turn as the second pass revised it (where it did)."""
        result = self.call.result()
        return self.reviser.result(result) if self.reviser is not None else result


def open_call(
    scenario: Scenario,
    services: Services,
    sink: EventSink,
    *,
    typed: bool,
    speak: bool = True,
    start_at: str | None = None,
    recognizer: RecognizerProvider | None = None,
) -> OpenCall:
    """A call of `scenario` reporting to `sink`, not yet started.

    `typed`: replies are typed (no microphone); `speak`: the manager's lines are spoken.
    `recognizer` is asked for when a reply starts (the app passes the model it loads at
    launch); without one, a voice call loads the model itself while the call begins.
    Engines that are missing are reported to the sink as one Notice before anything else.
    """
    call = Call(scenario, services.judge_factory(scenario.phrases), start_at=start_at)
    engines = build_engines(services, speak=speak, listen=not typed)
    if recognizer is None and engines.microphone is not None and services.recognizer_factory is not None:
        recognizer = SpeechModel(services.recognizer_factory, services.settings.model_path).start().provide
    settings = services.settings.model_copy(update={"input_mode": "typed" if typed else "voice"})
    reviser = _second_pass(call, sink, services) if engines.microphone is not None else None
    sink = reviser or sink
    runner = CallRunner(call, sink, synthesizer=engines.synthesizer, speaker=engines.speaker,
                        microphone=engines.microphone, recognizer=recognizer,
                        endpointer_factory=services.endpointer_factory, settings=settings)
    notice = engine_notice(engines, services, speak=speak, typed=typed)
    if notice is not None:
        sink(notice)
    return OpenCall(call, runner, engines, reviser)


def _second_pass(call: Call, sink: EventSink, services: Services) -> Reviser | None:
    """The reviser in front of `sink`, its model loading in the background, when the settings ask for one."""
    if services.reviser_model is None or services.recognizer_factory is None:
        return None
    try:
        path = services.reviser_model(services.settings)
    except VoiceUnavailable as exc:
        sink(Notice("info", str(exc)))
        return None
    if path is None:
        return None
    return Reviser(call, sink, SpeechModel(services.recognizer_factory, path).start().provide)
