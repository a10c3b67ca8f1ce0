"""One practice call in the terminal: scenario, engines, recording, and the reply loop."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape

from rehearsal.call import events as ev
from rehearsal.call.engine import Call, CallResult
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
    typed: bool
    start_at: str | None = None
    scenario_path: str | None = None
    save: bool = True
    interrupted: bool = False
    _ended: bool = False
    _sinks: Fanout = field(init=False)

    def __post_init__(self) -> None:
        self._sinks = Fanout(on_failure=lambda text: self.console.print(f"[yellow]{escape(text)}[/yellow]"))

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> PracticeSession | None:
        from rehearsal.scenario.catalog import ScenarioNotFound, find, looks_like_path
        from rehearsal.scenario.loader import ScenarioError

        out = sys.stderr if args.json else sys.stdout
        # On a terminal rich wraps between words; piped, lines stay whole for the file they go to.
        console = Console(file=out, highlight=False, soft_wrap=not out.isatty())
        try:
            scenario = find(args.scenario)
        except ScenarioNotFound as exc:
            print(str(exc), file=sys.stderr)
            return None
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)  # each problem is printable already (Problem.__str__)
            return None
        if args.start_at:
            reply_turns = [t for t, turn in scenario.turns.items() if not turn.end]
            if args.start_at not in reply_turns:
                print(f"{scenario.id} has no turn {args.start_at!r} to answer; "
                      f"pick one of: {', '.join(reply_turns)}", file=sys.stderr)
                return None
        services = default_services()
        from rehearsal import settings as settings_module

        for problem in settings_module.problems():
            console.print(f"[yellow]{escape(problem)}[/yellow]")
        if args.model:
            services.settings = services.settings.model_copy(update={"model_path": args.model})
        is_path = looks_like_path(args.scenario)
        return cls(scenario, services, console, typed=args.typed, start_at=args.start_at,
                   scenario_path=args.scenario if is_path else None, save=not args.no_save)

    def run(self) -> CallResult:
        call = Call(self.scenario, self.services.judge_factory(self.scenario.phrases), start_at=self.start_at)
        report.print_situation(self.console, self.scenario)
        recorder = self._open_recorder()
        try:
            if self.typed:
                self._typed_call(call)
            else:
                from rehearsal.cli.practice_voice import voice_call

                voice_call(self, call)
        except KeyboardInterrupt:
            self.interrupted = True
            call.hang_up()
            self.console.print("\nCall ended.")
        result = call.result()
        if not self._ended:
            self.emit(ev.CallEnded(result))
        if recorder is not None:
            recorder.close()
        report.print_scorecard(self.console, result, self._previous_score())
        return result

    def emit(self, event: ev.Event) -> None:
        self._ended = self._ended or isinstance(event, ev.CallEnded)
        self._sinks(event)

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

    def _typed_call(self, call: Call) -> None:
        while not call.finished:
            self.emit(ev.ManagerSpeaking(call.current_id, call.manager_line))
            report.print_manager(self.console, self.scenario, call.current_id, call.manager_line)
            if call.time_limit and sys.stdin.isatty():
                self.console.print(f"[dim](aim to answer within {call.time_limit:.0f} s; ? for a hint)[/dim]")
            reply = self.read_reply(call.current.hint)
            if reply is None:
                call.hang_up()
                self.console.print("[dim]No more replies: the call ends here.[/dim]")
                return
            record = call.reply(reply)
            self.emit(ev.TurnScored(record))
            report.print_cue(self.console, record)
        self.emit(ev.ManagerSpeaking(call.current_id, call.manager_line))
        report.print_manager(self.console, self.scenario, call.current_id, call.manager_line)

    def _open_recorder(self):
        if not self.save or self.services.store_factory is None:
            return None
        try:
            self._store = self.services.store_factory()
            recorder = self._store.recorder(self.scenario, mode="typed" if self.typed else "voice",
                                            scenario_path=self.scenario_path, start_turn=self.start_at)
        except Exception as exc:  # noqa: BLE001 - the call matters more than its history
            self.console.print(f"[yellow]This call will not be saved: {exc}[/yellow]")
            self._store = None
            return None
        self._sinks.add(recorder)
        return recorder

    def _previous_score(self) -> float | None:
        store = getattr(self, "_store", None)
        # A one-turn retry is not comparable with a whole call.
        if store is None or self.start_at is not None:
            return None
        try:
            return store.scenario_stats(self.scenario.id).previous
        except Exception:  # noqa: BLE001
            return None
