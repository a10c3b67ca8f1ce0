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
    from rehearsal.store.review import review

    rows, failures = review([Path(b) for b in args.bundles])
    if args.json:
        json.dump({"rows": [r.to_dict() for r in rows],
                   "failures": [{"bundle": f.bundle, "error": f.message} for f in failures]},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif rows:
        from rehearsal.cli.tables import console

        console().print(grid(rows))
        print(legend())
    for f in failures:
        print(printable(f"rehearsal review: {f.bundle}: {f.message}", one_line=True), file=sys.stderr)
    return 1 if failures else 0


def grid(rows):
    """The rows as a rich table (like `rehearsal sessions list`): one line per learner's bundle."""
    from rehearsal.cli.tables import table
    from rehearsal.dimensions import NAMES, RATED

    head = ["learner", "scenario", "attempts", "best", "latest"] + [f"{NAMES[d].short} b/l" for d in RATED] + ["target"]
    body = []
    for r in rows:
        expected = f"/{r.expected_attempts}" if r.expected_attempts else ""
        dims = [f"{_num(r.best_dims.get(d))}/{_num(r.latest_dims.get(d))}" for d in RATED]
        target = "-" if r.met_target is None else ("met" if r.met_target else f"not yet ({r.target:.0f})")
        body.append([_clip(r.learner, 20), _clip(r.scenario_title, 28), f"{r.attempts}{expected}",
                     _num(r.best), _num(r.latest), *dims, target])
    return table(head, body, whole=range(len(head)))


def legend() -> str:
    from rehearsal.dimensions import NAMES, RATED

    return "b/l = best/latest per dimension (% of turns): " + ", ".join(
        f"{NAMES[d].short} = {NAMES[d].label}" for d in RATED)


def table(rows) -> str:
    """The table and its legend as plain text, for a file or an email."""
    import io

    from rehearsal.cli.tables import console

    out = io.StringIO()
    console(out).print(grid(rows))
    lines = [line.rstrip() for line in out.getvalue().splitlines()]  # no trailing padding to paste
    return "\n".join([*lines, legend()]) + "\n"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _clip(text: str, width: int) -> str:
    from rehearsal.printable import printable

    # Names come from bundles: keep control characters out of the coach's terminal.
    clean = printable(text, one_line=True)
    return clean if len(clean) <= width else clean[: width - 1] + "…"
