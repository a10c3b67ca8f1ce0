"""Where the app gets its scenarios and call runners, behind two small seams.

The shipped app lists scenarios with `rehearsal.scenario.catalog` and runs calls with
`rehearsal.conversation.loop.CallRunner`; tests hand the app fixed scenarios and their own
runner so screens can be driven and snapshotted deterministically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rehearsal.call.engine import Call
from rehearsal.call.events import EventSink
from rehearsal.scenario.model import Scenario
from rehearsal.services import Services
from rehearsal.voice.interfaces import Recognizer, VoiceUnavailable


class ScenarioUnavailable(Exception):
    """A scenario could not be found or loaded; the message says what is wrong and what to do."""


@dataclass(frozen=True, slots=True)
class ScenarioEntry:
    id: str
    title: str
    description: str
    difficulty: str
    path: Path | None = None
    problem: str | None = None  # FILE:LINE:COL lines when the file is broken


class ScenarioSource(Protocol):
    def entries(self) -> list[ScenarioEntry]: ...

    def load(self, id_or_path: str) -> Scenario:
        """Raises ScenarioUnavailable with a message for a person."""
        ...


class Runner(Protocol):
    """What the call screen needs from rehearsal.conversation.loop.CallRunner."""

    def start(self) -> None: ...
    def submit_text(self, text: str) -> None: ...
    def talk(self) -> None: ...
    def stop_talking(self) -> None: ...
    def skip(self) -> None: ...
    def retry(self) -> None: ...
    def hang_up(self) -> None: ...
    def join(self, timeout: float | None = None) -> object: ...


@dataclass(frozen=True, slots=True)
class RunRequest:
    """Everything a runner needs to drive one call."""

    call: Call
    sink: EventSink
    services: Services
    typed: bool
    # Asked for when a reply starts, so a call can begin while the model is still loading.
    recognizer: Callable[[], Recognizer | None]


RunnerFactory = Callable[[RunRequest], Runner]


class CatalogSource:
    """The built-in scenarios plus the user's scenario folder, via rehearsal.scenario.catalog."""

    def __init__(self) -> None:
        self._listed: dict[str, object] = {}

    def entries(self) -> list[ScenarioEntry]:
        from rehearsal.scenario import catalog

        listed = catalog.entries()
        self._listed = {e.id: e for e in listed}
        return [
            ScenarioEntry(e.id, e.title, e.description, e.difficulty, e.path,
                          "\n".join(str(p) for p in e.problems) or None)
            for e in listed
        ]

    def load(self, id_or_path: str) -> Scenario:
        from rehearsal.scenario import catalog

        listed = self._listed.get(id_or_path)
        if listed is not None and listed.scenario is not None:
            return listed.scenario
        try:
            return catalog.find(listed.path if listed is not None else id_or_path)
        except Exception as exc:  # noqa: BLE001 - the catalog's errors are written for people
            raise ScenarioUnavailable(str(exc)) from exc


class StaticSource:
    """A fixed list of scenarios (tests, snapshots, a single file opened with --scenario)."""

    def __init__(self, scenarios: list[Scenario]) -> None:
        self._by_id = {s.id: s for s in scenarios}

    def entries(self) -> list[ScenarioEntry]:
        return [ScenarioEntry(s.id, s.title, s.description, s.difficulty) for s in self._by_id.values()]

    def load(self, id_or_path: str) -> Scenario:
        try:
            return self._by_id[id_or_path]
        except KeyError:
            raise ScenarioUnavailable(f"There is no scenario {id_or_path!r}.") from None


class EngineRunner:
    """The real CallRunner together with the engines it was given, closed when the call is over."""

    def __init__(self, runner: Runner, engines: list[object]) -> None:
        self.runner = runner
        self.engines = engines

    def __getattr__(self, name: str):
        return getattr(self.runner, name)

    def close(self) -> None:
        for engine in self.engines:
            try:
                engine.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def _create(factory: Callable[[], object] | None, what: str, problems: list[str]) -> object | None:
    if factory is None:
        return None
    try:
        return factory()
    except VoiceUnavailable as exc:
        problems.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - a missing engine falls back to text, with a reason
        problems.append(f"The {what} is not available ({exc}).")
    return None


def voice_runner(request: RunRequest) -> Runner:
    """The real call loop from the voice package, with engines from the app's services."""
    from rehearsal.call.events import Notice
    from rehearsal.conversation.loop import CallRunner

    services = request.services
    problems: list[str] = []
    synthesizer = _create(services.synthesizer_factory, "manager's voice", problems)
    speaker = _create(services.speaker_factory, "speaker", problems) if synthesizer is not None else None
    microphone = None if request.typed else _create(services.microphone_factory, "microphone", problems)
    settings = services.settings
    if request.typed:
        settings = settings.model_copy(update={"input_mode": "typed"})
    runner = CallRunner(
        request.call,
        request.sink,
        synthesizer=synthesizer,
        speaker=speaker,
        microphone=microphone,
        recognizer=request.recognizer,
        endpointer_factory=services.endpointer_factory,
        settings=settings,
    )
    if (synthesizer is None or speaker is None) and not any("shown as text" in p for p in problems):
        problems.append("The manager's lines are shown as text.")
    if not request.typed and microphone is None:
        problems.append("Type your replies for this call.")
    if problems and not (request.typed and services.synthesizer_factory is None):
        # Voice mode: anything missing is a warning that switches the call to typing.
        request.sink(Notice("info" if request.typed else "warning", " ".join(problems)))
    return EngineRunner(runner, [e for e in (synthesizer, speaker) if e is not None])
