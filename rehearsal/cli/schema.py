"""`rehearsal schema`: print the scenario format's JSON Schema, for editors that check YAML."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files (for editor autocomplete)",
        description="Print the JSON Schema of the scenario format. Point your editor at it with a "
        "first line like '# yaml-language-server: $schema=scenario.schema.json'.",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write the schema to FILE instead of printing it")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rehearsal.scenario.schema import json_schema_text

    text = json_schema_text()
    if not args.output:
        sys.stdout.write(text)
        return 0
    path = Path(args.output).expanduser()
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"Could not write {path}: {exc.strerror or exc}. Check the folder exists and you may write there.",
              file=sys.stderr)
        return 1
    print(f"Wrote the scenario schema to {path}.")
    return 0
