"""One practice call in the terminal: scenario, engines, recording, and the scorecard.

The call is opened with `rehearsal.practice.open_call`, as the app opens it;
`rehearsal.cli.practice_call` shows it and feeds it the replies.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape

from rehearsal.call import events as ev
from rehearsal.call.engine import CallResult
from rehearsal.call.fanout import Fanout
from rehearsal.cli import report
from rehearsal.printable import printable
from rehearsal.scenario.model import Scenario
from rehearsal.services import Services, default_services


@dataclass
class PracticeSession:
    scenario: Scenario
    services: Services
    console: Console
    typed: bool  # replies are typed (--typed, or the input_mode setting)
    speak: bool = True  # the manager's lines are spoken (not with --typed)
    start_at: str | None = None
    scenario_path: str | None = None
    save: bool = True
    interrupted: bool = False
    sinks: Fanout = field(init=False)  # where the call's events go besides the screen (the recorder)

    def __post_init__(self) -> None:
        self.sinks = Fanout(on_failure=lambda text: self.console.print(f"[yellow]{escape(text)}[/yellow]"))
        self._store = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> PracticeSession | None:
        from rehearsal.scenario.catalog import ScenarioNotFound, find, looks_like_path
        from rehearsal.scenario.loader import ScenarioError

        out = sys.stderr if args.json else sys.stdout
        # On a terminal rich wraps between words; piped, lines stay whole for the file they go to.
        console = Console(file=out, highlight=False, soft_wrap=not out.isatty())
        try:
            scenario = find(args.scenario)
        except (ScenarioNotFound, ScenarioError) as exc:
            print(str(exc), file=sys.stderr)  # written for people (a ScenarioError's problems are printable)
            return None
        if args.start_at:
            reply_turns = [t for t, turn in scenario.turns.items() if not turn.end]
            if args.start_at not in reply_turns:
                print(f"{scenario.id} has no turn {args.start_at!r} to answer; "
                      f"pick one of: {', '.join(reply_turns)}", file=sys.stderr)
                return None
        services = default_services()
        for problem in services.settings.problems:
            console.print(f"[yellow]{escape(problem)}[/yellow]")
        if args.model:
            services.settings = services.settings.model_copy(update={"model_path": args.model})
        typed = args.typed or services.settings.input_mode == "typed"
        return cls(scenario, services, console, typed=typed, speak=not args.typed, start_at=args.start_at,
                   scenario_path=args.scenario if looks_like_path(args.scenario) else None, save=not args.no_save)

    def run(self) -> CallResult:
        from rehearsal.cli.practice_call import Printer, drive
        from rehearsal.practice.opening import open_call

        report.print_situation(self.console, self.scenario)
        recorder = self._open_recorder()
        printer = Printer(self)
        opened = open_call(self.scenario, self.services, printer, typed=self.typed, speak=self.speak,
                           start_at=self.start_at)
        on_main_thread = threading.current_thread() is threading.main_thread()
        previous_handler = signal.signal(signal.SIGINT, self._interrupt) if on_main_thread else None
        try:
            drive(self, opened, printer)
        except KeyboardInterrupt:
            self.interrupted = True
        finally:
            if on_main_thread:
                signal.signal(signal.SIGINT, previous_handler)
        if self.interrupted:
            self.console.print("\nCall ended.")
        if not printer.done.is_set():  # the call thread did not get to end it
            opened.call.hang_up()
            printer(ev.CallEnded(opened.call.result()))
        opened.close()  # waits briefly for the second pass's last revisions (they reach the recorder)
        if recorder is not None:
            recorder.close()
        result = opened.result()
        report.print_scorecard(self.console, result, self._previous_score())
        return result

    def _interrupt(self, signum, frame) -> None:  # noqa: ANN001 - a signal handler
        # The flag first: Python can lose the KeyboardInterrupt (input() clears errors raised
        # while it flushes), and the call must still end as interrupted (exit code 130).
        self.interrupted = True
        raise KeyboardInterrupt

    def emit(self, event: ev.Event) -> None:
        self.sinks(event)

    def read_reply(self, hint: str | None = None) -> str | None:
        """One typed reply; None when input has ended. A lone "?" shows the turn's hint and is
        never a reply, typed or piped."""
        interactive = sys.stdin.isatty()
        while True:
            try:
                line = input("You: " if interactive else "")
            except EOFError:
                return None
            # A replies file in another encoding must not end the call: keep what can be read.
            line = line.encode("utf-8", "replace").decode("utf-8").strip()
            if line == "?":
                self.console.print(f"[dim]Hint: {escape(hint or 'Thank them, ask for feedback, stay upbeat.')}[/dim]")
                continue
            if not interactive:
                self.console.print(f"You: {printable(line)}", markup=False)
            return line

    def _open_recorder(self):
        if not self.save or self.services.store_factory is None:
            return None
        try:
            self._store = self.services.store_factory()
            recorder = self._store.recorder(self.scenario, mode="typed" if self.typed else "voice",
                                            scenario_path=self.scenario_path, start_turn=self.start_at,
                                            keep_audio=self.services.settings.keep_audio)
        except Exception as exc:  # noqa: BLE001 - the call matters more than its history
            self.console.print(f"[yellow]This call will not be saved: {exc}[/yellow]")
            self._store = None
            return None
        self.sinks.add(recorder)
        return recorder

    def _previous_score(self) -> float | None:
        # A one-turn retry is not comparable with a whole call.
        if self._store is None or self.start_at is not None:
            return None
        try:
            return self._store.scenario_stats(self.scenario.id).previous
        except Exception:  # noqa: BLE001
            return None
