"""`rehearsal practice SCENARIO`: take the call in the terminal, aloud or typed."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "practice",
        help="take a call in the terminal (aloud, or --typed)",
        description="Take a practice call in the terminal. Replies are spoken (microphone + speech model) "
        "or, with --typed, read line by line from standard input, so a file of replies can be piped in.",
    )
    p.add_argument("scenario", help="a built-in scenario id or a path to a scenario file")
    p.add_argument("--typed", action="store_true", help="type replies instead of speaking them")
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout (the call goes to stderr)")
    p.add_argument("--start-at", metavar="TURN", help="start the call at this turn (retry one turn)")
    p.add_argument("--model", metavar="PATH", help="Vosk model folder (default: the installed one)")
    p.add_argument("--no-save", action="store_true", help="do not keep this call in your session history")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rehearsal.cli.practice_session import PracticeSession

    session = PracticeSession.from_args(args)
    if session is None:
        return 2
    result = session.run()
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 130 if session.interrupted else 0
