"""Entry point: `rehearsal` with no arguments opens the TUI; subcommands do the rest.

Each subcommand lives in its own module exposing `add_parser(subparsers)` and
`run(args) -> int`. Modules import their heavy dependencies inside `run` so that
`rehearsal score` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from rehearsal import __version__

# subcommand -> module; order is the order shown in --help
COMMANDS: dict[str, str] = {
    "practice": "rehearsal.cli.practice",
    "score": "rehearsal.cli.score",
    "validate": "rehearsal.cli.validate",
    "schema": "rehearsal.cli.schema",
    "docs": "rehearsal.cli.docs",
    "scenarios": "rehearsal.cli.scenarios",
    "transcribe": "rehearsal.cli.transcribe",
    "models": "rehearsal.cli.models",
    "voices": "rehearsal.cli.voices",
    "devices": "rehearsal.cli.devices",
    "sessions": "rehearsal.cli.sessions",
    "bundle": "rehearsal.cli.bundle",
    "review": "rehearsal.cli.review",
    "tui": "rehearsal.cli.tui",
    "completion": "rehearsal.cli.completion",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rehearsal",
        description="Practise a hard phone call out loud, offline. Run with no command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"rehearsal {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMANDS.values():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # a command still being built is simply not offered
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):
        # Text from files can hold characters the terminal's encoding lacks: show them, never crash.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")  # typed replies in another encoding: U+FFFD, not a crash
    parser = build_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["tui", *argv]  # `rehearsal --typed` opens the app in typed mode
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
