"""`rehearsal validate FILE...`: check scenario files and name every problem by file:line:column."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check scenario files and list every problem as FILE:LINE:COLUMN",
        description="Check scenario files. Prints 'FILE: ok' for a good file, or each problem as "
        "FILE:LINE:COLUMN: what is wrong, and how to fix it. Exits 1 if any file has a problem.",
    )
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="scenario .yaml files (default: the built-in scenarios and your own)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rehearsal.scenario.catalog import entries
    from rehearsal.scenario.loader import load_file
    from rehearsal.scenario.problems import ScenarioError

    from rehearsal.printable import printable

    files = [Path(f) for f in args.files] or [e.path for e in entries()]
    failed = 0
    for path in files:
        try:
            load_file(path)
        except ScenarioError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem)
            continue
        except Exception as exc:  # noqa: BLE001 - one file's surprise must not stop the others
            failed += 1
            print(printable(f"{path}:1:1: could not be checked ({type(exc).__name__}: {exc}); "
                            "this is a bug in rehearsal, please report it", one_line=True))
            continue
        print(printable(f"{path}: ok", one_line=True))
    if failed and len(files) > 1:
        print(f"{failed} of {len(files)} files have problems.", file=sys.stderr)
    return 1 if failed else 0
