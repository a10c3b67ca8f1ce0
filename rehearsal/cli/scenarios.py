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
    rows = [(e.id, e.title, "BROKEN" if e.broken else e.difficulty, str(e.path)) for e in listed]
    widths = [max(len(r[i]) for r in [("ID", "TITLE", "DIFFICULTY", "FILE"), *rows]) for i in range(3)]
    print(_row(("ID", "TITLE", "DIFFICULTY", "FILE"), widths))
    for entry, row in zip(listed, rows, strict=True):
        print(printable(_row(row, widths), one_line=True))
        if entry.problem:
            print(printable(f"    {entry.problem}"))
    print(f"\nYour own scenarios go in {paths.user_scenarios_dir()} (see docs/scenarios.md).")
    return 0


def _row(cells: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=False)) + "  " + cells[-1]


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
