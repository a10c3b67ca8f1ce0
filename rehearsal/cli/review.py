"""`rehearsal review BUNDLE...`: a coach's table across learners' results bundles."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review",
        help="coaches: a table of learners' results bundles",
        description="Read learners' results bundles (made with rehearsal bundle) and print one row per bundle: "
        "attempts, best and latest call score, best/latest per dimension, and whether the target was met. "
        "Bundles are checked as untrusted files; a bad one is reported and the rest still reviewed.",
    )
    p.add_argument("bundles", nargs="+", metavar="BUNDLE", help="results .zip files")
    p.add_argument("--json", action="store_true", help="print rows (and failures) as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from rehearsal.printable import printable
    from rehearsal.store.review import review, table

    rows, failures = review([Path(b) for b in args.bundles])
    if args.json:
        json.dump({"rows": [r.to_dict() for r in rows],
                   "failures": [{"bundle": f.bundle, "error": f.message} for f in failures]},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif rows:
        sys.stdout.write(table(rows))
    for f in failures:
        print(printable(f"rehearsal review: {f.bundle}: {f.message}", one_line=True), file=sys.stderr)
    return 1 if failures else 0
