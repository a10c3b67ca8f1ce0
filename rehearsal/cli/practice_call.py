"""The call in a plain terminal, typed or aloud: the opened call runs; we print, read replies, record.

The call itself is `rehearsal.practice.open_call`, as in the app: this module only shows its
events and feeds it replies. Without a microphone each reply is read from standard input when
the call listens for it (so piped replies land on their turns); with one, a line typed at any
time is a reply too (a fallback that always works).
"""

from __future__ import annotations

import queue
import sys
import threading
from typing import TYPE_CHECKING

from rich.markup import escape

from rehearsal.call import events as ev
from rehearsal.cli import report
from rehearsal.practice.opening import OpenCall
from rehearsal.printable import printable

if TYPE_CHECKING:
    from rehearsal.cli.practice_session import PracticeSession


def drive(session: PracticeSession, opened: OpenCall, printer: Printer) -> None:
    """Run the call until it ends. Ctrl-C hangs up, waits for the call to end, and is raised again."""
    if opened.has_microphone:
        session.console.print("[dim]Speak when the manager stops (you may interrupt). "
                              "You can also type a reply and press Enter.[/dim]")
    elif not session.typed:
        session.console.print("[dim]Type each reply and press Enter.[/dim]")
    printer.echo_replies = opened.has_microphone  # else the reply reader shows each reply
    opened.start()
    try:
        if opened.has_microphone:
            _feed_lines_as_typed(opened, printer.done)
            while not printer.done.wait(0.2):
                pass
        else:
            _answer_each_turn(session, opened, printer)
    except KeyboardInterrupt:
        opened.hang_up()
        opened.join(5)
        raise
    opened.join(5)


def _answer_each_turn(session: PracticeSession, opened: OpenCall, printer: Printer) -> None:
    """A reply read for each turn the call listens on; the end of input hangs up."""
    while True:
        listening = printer.next_listening()
        if listening is None:
            return  # the call ended
        if listening.time_limit and sys.stdin.isatty():
            session.console.print(f"[dim](aim to answer within {listening.time_limit:.0f} s; ? for a hint)[/dim]")
        reply = session.read_reply(session.scenario.turns[listening.turn_id].hint)
        if session.interrupted:  # Ctrl-C whose KeyboardInterrupt was swallowed (input() clears flush errors)
            raise KeyboardInterrupt
        if reply is None:
            session.console.print("[dim]No more replies: the call ends here.[/dim]")
            opened.hang_up()
        else:
            opened.submit_text(reply)


def _feed_lines_as_typed(opened: OpenCall, done: threading.Event) -> None:
    def read() -> None:
        for line in sys.stdin:
            if done.is_set():
                return
            if line.strip():
                opened.submit_text(line.strip())

    threading.Thread(target=read, name="typed-replies", daemon=True).start()


class Printer:
    """The call's sink in the terminal: every event goes to the session's sinks (the recorder),
    then is shown. Listening turns are queued for the reply reader."""

    def __init__(self, session: PracticeSession) -> None:
        self.session = session
        self.console = session.console
        self.done = threading.Event()
        self.echo_replies = True  # False when the reply reader shows each reply itself
        self._listening: queue.Queue[ev.Listening | None] = queue.Queue()
        self._partial = False
        self._lock = threading.Lock()

    def __call__(self, event: ev.Event) -> None:
        with self._lock:
            self.session.emit(event)
            self._show(event)
        if isinstance(event, ev.Listening):
            self._listening.put(event)
        elif isinstance(event, ev.CallEnded):
            self._listening.put(None)
            self.done.set()

    def next_listening(self) -> ev.Listening | None:
        """The next turn the call listens on; None once the call has ended."""
        while True:
            try:
                return self._listening.get(timeout=0.2)
            except queue.Empty:
                continue

    def _show(self, event: ev.Event) -> None:
        scenario = self.session.scenario
        match event:
            case ev.ManagerSpeaking(turn_id=turn_id, text=text) | ev.Prompted(turn_id=turn_id, text=text):
                report.print_manager(self.console, scenario, turn_id, text)
            case ev.Partial(text=text) if self.console.is_terminal:
                self.console.file.write(f"\r\x1b[2K… {printable(text[-70:])}")
                self.console.file.flush()
                self._partial = True
            case ev.ReplyHeard(transcript=transcript) if self.echo_replies:
                self._clear_partial()
                self.console.print(f"You: {printable(transcript.text) or '(silence)'}", markup=False)
            case ev.TurnScored(record=record):
                report.print_cue(self.console, record)
            case ev.TurnRevised(record=record):
                self._clear_partial()
                report.print_revised(self.console, record)
            case ev.Notice(level=level, message=message):
                self._clear_partial()
                style = {"info": "dim", "warning": "yellow", "error": "red"}[level]
                self.console.print(f"[{style}]{escape(message)}[/{style}]")

    def _clear_partial(self) -> None:
        if self._partial:
            self.console.file.write("\r\x1b[2K")
            self._partial = False
