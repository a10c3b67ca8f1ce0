"""The devices and voices one call runs on, built from the injected services in one place.

`build_engines` is the only place a call's synthesiser, speaker and microphone are created:
whatever must wrap them for every call (echo cancellation of the speaker in the microphone,
say) belongs here, and both front ends get it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rehearsal.call.events import Notice
from rehearsal.services import Services
from rehearsal.voice.interfaces import Microphone, Speaker, Synthesizer, VoiceUnavailable


@dataclass
class CallEngines:
    """What a call speaks and listens with; a missing one is None, with the reason in `problems`."""

    synthesizer: Synthesizer | None = None
    speaker: Speaker | None = None
    microphone: Microphone | None = None
    problems: list[str] = field(default_factory=list)  # sentences for a person

    def close(self) -> None:
        """Release the voice and the speaker (the call loop stops the microphone itself)."""
        for engine in (self.synthesizer, self.speaker):
            close = getattr(engine, "close", None)
            if close is None:
                continue
            try:
                close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def build_engines(services: Services, *, speak: bool, listen: bool) -> CallEngines:
    """The manager's voice and the speaker when `speak`, the microphone when `listen`.

    An engine that cannot be made is left out with a sentence saying why: the call still runs,
    its lines shown as text and its replies typed.
    """
    engines = CallEngines()
    if speak:
        engines.synthesizer = _create(services.synthesizer_factory, "manager's voice", engines.problems)
        if engines.synthesizer is not None:
            engines.speaker = _create(services.speaker_factory, "speaker", engines.problems)
    if listen:
        engines.microphone = _create(services.microphone_factory, "microphone", engines.problems)
    return engines


def engine_notice(engines: CallEngines, services: Services, *, speak: bool, typed: bool) -> Notice | None:
    """What the person is told before the call about engines that are missing, if anything.

    A voice call that lost an engine gets a warning (it switches to text); a typed call is only
    told its lines are shown as text when a voice was there to be had.
    """
    problems = list(engines.problems)
    silent = engines.synthesizer is None or engines.speaker is None
    if speak and silent and not any("shown as text" in p for p in problems):
        problems.append("The manager's lines are shown as text.")
    if not typed and engines.microphone is None:
        problems.append("Type your replies for this call.")
    if not problems or (typed and services.synthesizer_factory is None):
        return None
    return Notice("info" if typed else "warning", " ".join(problems))


def _create(factory: Callable[[], object] | None, what: str, problems: list[str]):
    if factory is None:
        return None
    try:
        return factory()
    except VoiceUnavailable as exc:
        problems.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - a missing engine falls back to text, with a reason
        problems.append(f"The {what} is not available ({exc}).")
    return None
