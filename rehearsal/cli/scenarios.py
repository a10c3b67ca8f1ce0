"""`rehearsal scenarios`: list the built-in scenarios and the user's own, with their ids."""

from __future__ import annotations

import argparse
import json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scenarios",
        help="list the scenarios you can practise (built-in and your own)",
        description="List the built-in scenarios and those in your scenarios folder. "
        "Use an id with 'rehearsal practice ID'.",
    )
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rehearsal import paths
    from rehearsal.printable import printable
    from rehearsal.scenario.catalog import entries

    listed = entries()
    if args.json:
        print(json.dumps([_as_dict(e) for e in listed], indent=2))
        return 0
    from rich.text import Text

    from rehearsal.cli.tables import console, table

    out = console()
    rows = [(e.id, e.title, "BROKEN" if e.broken else e.difficulty, str(e.path)) for e in listed]
    widths = [max(len(r[i]) for r in [("ID", "TITLE", "DIFFICULTY", "FILE"), *rows]) for i in range(4)]
    if sum(widths) + 6 <= out.width:
        out.print(table(("ID", "TITLE", "DIFFICULTY", "FILE"), rows, whole=(0, 3)))
    else:  # a narrow terminal: each file on its own line, whole, so it can be copied
        out.print(table(("ID", "DIFFICULTY", "TITLE"), [(r[0], r[2], r[1]) for r in rows]))
        out.print(Text("\nFiles:", style="bold"))
        for row in rows:
            out.print(Text(f"  {row[3]}"), soft_wrap=True)
    for entry in listed:
        if entry.problem:
            out.print(Text(f"{entry.id}: {entry.problem}"))
    out.print(Text(f"\nYour own scenarios go in {paths.user_scenarios_dir()}. "
                   "How to write one: rehearsal docs scenarios (the schema: rehearsal docs schema --path)."))
    return 0


def _as_dict(entry) -> dict:
    return {
        "id": entry.id,
        "title": entry.title,
        "description": entry.description,
        "difficulty": entry.difficulty,
        "file": str(entry.path),
        "builtin": entry.builtin,
        "problems": [str(p) for p in entry.problems],
    }
