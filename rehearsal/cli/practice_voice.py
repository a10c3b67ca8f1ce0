"""The spoken call in a plain terminal: the CallRunner speaks and listens; we print and record.

Whatever voice engine is missing, the call still runs: lines typed on stdin are replies.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

from rich.markup import escape

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.cli import report
from rehearsal.voice.interfaces import Recognizer, VoiceUnavailable

if TYPE_CHECKING:
    from rehearsal.cli.practice_session import PracticeSession


def voice_call(session: PracticeSession, call: Call) -> None:
    from rehearsal.conversation.loop import CallRunner

    engines = _open_engines(session)
    done = threading.Event()
    printer = _Printer(session, done)
    runner = CallRunner(
        call,
        printer,
        synthesizer=engines.get("synthesizer"),
        speaker=engines.get("speaker"),
        microphone=engines.get("microphone"),
        recognizer=engines.get("recognizer"),
        endpointer_factory=session.services.endpointer_factory,
        settings=session.services.settings,
    )
    if engines.get("microphone") is None:
        session.console.print("[dim]Type each reply and press Enter.[/dim]")
    else:
        session.console.print("[dim]Speak when the manager stops (you may interrupt). "
                              "You can also type a reply and press Enter.[/dim]")
    runner.start()
    _feed_typed_replies(runner, done, hang_up_at_eof=engines.get("microphone") is None)
    try:
        while not done.wait(0.2):
            pass
    except KeyboardInterrupt:
        runner.hang_up()
        runner.join(5)
        raise
    runner.join(5)


def _open_engines(session: PracticeSession) -> dict:
    services, console = session.services, session.console
    engines: dict = {}
    for name, factory in (("synthesizer", services.synthesizer_factory), ("speaker", services.speaker_factory),
                          ("microphone", services.microphone_factory)):
        if factory is None:
            continue
        try:
            engines[name] = factory()
        except VoiceUnavailable as exc:
            console.print(f"[yellow]{escape(str(exc))}[/yellow]")
    if "microphone" in engines and services.recognizer_factory is not None:
        engines["recognizer"] = _background_recognizer(session)
    return engines


def _background_recognizer(session: PracticeSession):
    """A provider for the runner: None while the model loads, the recognizer once it has."""
    from rehearsal.voice.recognizer import RecognizerLoader

    loader = RecognizerLoader(session.services.settings.model_path, load=session.services.recognizer_factory)

    def provide() -> Recognizer | None:
        if loader.error:
            raise VoiceUnavailable(loader.error)
        return loader.get()

    return provide


def _feed_typed_replies(runner, done: threading.Event, hang_up_at_eof: bool) -> None:
    """Lines on stdin are typed replies, in voice mode too (a fallback that always works).

    When typing is the only way to answer, the end of piped input ends the call.
    """

    def read() -> None:
        for line in sys.stdin:
            if done.is_set():
                return
            if line.strip():
                runner.submit_text(line.strip())
        if hang_up_at_eof and not done.is_set():
            runner.hang_up()

    threading.Thread(target=read, name="typed-replies", daemon=True).start()


class _Printer:
    """Shows the call as it happens and passes every event on to the session's recorder."""

    def __init__(self, session: PracticeSession, done: threading.Event) -> None:
        self.session = session
        self.console = session.console
        self.done = done
        self._partial = False
        self._lock = threading.Lock()

    def __call__(self, event: ev.Event) -> None:
        with self._lock:
            self.session.emit(event)
            self._show(event)

    def _show(self, event: ev.Event) -> None:
        scenario = self.session.scenario
        match event:
            case ev.ManagerSpeaking(turn_id=turn_id, text=text) | ev.Prompted(turn_id=turn_id, text=text):
                report.print_manager(self.console, scenario, turn_id, text)
            case ev.Partial(text=text) if self.console.is_terminal:
                self.console.file.write(f"\r\x1b[2K… {text[-70:]}")
                self.console.file.flush()
                self._partial = True
            case ev.ReplyHeard(transcript=transcript):
                self._clear_partial()
                self.console.print(f"You: {transcript.text or '(silence)'}", markup=False)
            case ev.TurnScored(record=record):
                report.print_cue(self.console, record)
            case ev.Notice(level=level, message=message):
                self._clear_partial()
                style = {"info": "dim", "warning": "yellow", "error": "red"}[level]
                self.console.print(f"[{style}]{escape(message)}[/{style}]")
            case ev.CallEnded():
                self.done.set()

    def _clear_partial(self) -> None:
        if self._partial:
            self.console.file.write("\r\x1b[2K")
            self._partial = False
