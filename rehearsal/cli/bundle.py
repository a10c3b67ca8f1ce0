"""`rehearsal bundle SCENARIO -o results.zip`: your attempts at an assignment, for your coach."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bundle",
        help="pack your attempts at a scenario into a results bundle for your coach",
        description="Pack every finished attempt at a scenario (transcripts, scores, tips) into one zip "
        "to send to your coach. Audio is left out unless you add --audio.",
    )
    p.add_argument("scenario", help="the scenario's id, or the scenario file your coach gave you")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the zip to write, e.g. results.zip")
    p.add_argument("--audio", action="store_true", help="include the recordings of your calls")
    p.add_argument("--learner", metavar="NAME", help="your name as the coach should see it (default: your user name)")
    p.add_argument("--all-versions", action="store_true",
                   help="also include attempts at older versions of the scenario (left out by default, "
                   "since they were scored against a different script)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rehearsal.store import StoreError, open_store
    from rehearsal.store.bundle import default_learner, split_by_version, write_bundle
    from rehearsal.store.models import counts_as_attempt
    from rehearsal.scenario.catalog import looks_like_path
    from rehearsal.store.store import scenario_hash, snapshot_hash

    try:
        scenario = _scenario_from_file(Path(args.scenario)) if looks_like_path(args.scenario) else None
    except ValueError as exc:
        print(f"rehearsal bundle: {exc}", file=sys.stderr)
        return 1
    known = scenario is not None
    if scenario is None:
        scenario, known = _scenario_by_id(args.scenario)
    scenario_id = scenario.id if scenario else args.scenario
    try:
        with open_store() as store:
            stored = store.list_sessions(scenario_id)
            # Interrupted calls and calls with no reply are not results (docs/coaching.md).
            summaries = [s for s in stored if s.status != "incomplete" and s.turn_count > 0]
            details = [store.get(s.id) for s in summaries]
    except StoreError as exc:
        print(f"rehearsal bundle: {exc}", file=sys.stderr)
        return 1
    if not known and not stored:
        from rehearsal.scenario.catalog import ScenarioNotFound, entries

        available = [e.id for e in entries() if not e.broken]
        print(f"rehearsal bundle: {ScenarioNotFound(args.scenario, available)}", file=sys.stderr)
        return 1
    if not details:
        print(f"rehearsal bundle: no finished calls of {scenario_id!r} yet; practise it first with "
              f"rehearsal practice {args.scenario}", file=sys.stderr)
        return 1
    if scenario is not None:
        snapshot, digest = scenario.model_dump(mode="json"), scenario_hash(scenario)
    else:
        snapshot = details[-1].scenario or {"id": scenario_id, "title": details[-1].scenario_title}
        digest = snapshot_hash(snapshot)
    current, older = split_by_version(details, digest)
    if not args.all_versions:
        if not current:
            print(f"rehearsal bundle: your {len(older)} finished call(s) of {scenario_id!r} were at an older "
                  f"version of the scenario; practise this version with rehearsal practice {args.scenario}, "
                  "or add --all-versions to send them anyway", file=sys.stderr)
            return 1
        details = current
    out = Path(args.output)
    try:
        write_bundle(out, details, learner=default_learner(args.learner), scenario=snapshot,
                     scenario_hash=digest, include_audio=args.audio)
    except OSError as exc:
        print(f"rehearsal bundle: cannot write {out} ({exc.strerror or exc}); choose another -o FILE", file=sys.stderr)
        return 1
    audio = " with audio" if args.audio else ""
    attempts = sum(1 for d in details if counts_as_attempt(d.summary))
    others = _others(details, attempts)
    print(f"Wrote {out}: {attempts} attempt(s) at {snapshot.get('title', scenario_id)}{others}{audio}. "
          "Send it to your coach.")
    if older and not args.all_versions:
        print(f"Left out {len(older)} attempt(s) at an older version of this scenario "
              "(add --all-versions to include them).")
    return 0


def _others(details, attempts: int) -> str:
    """What else is in the zip besides the attempts the coach's review counts."""
    retries = sum(1 for d in details if d.summary.start_turn is not None)
    hung_up = len(details) - attempts - retries
    parts = [f"{retries} single-turn retr{'y' if retries == 1 else 'ies'}"] if retries else []
    if hung_up:
        parts.append(f"{hung_up} call(s) hung up before the end")
    return f" (and {', '.join(parts)}, which do not count)" if parts else ""


def _scenario_by_id(scenario_id: str):
    """(the catalog's scenario with this id or None, whether the id is in the catalog at all)."""
    from rehearsal.scenario.catalog import entries

    for entry in entries():
        if entry.id == scenario_id:
            return entry.scenario, True  # a broken file: fall back to the stored attempts' own copy
    return None, False


def _scenario_from_file(path: Path):
    """A coach's scenario file (untrusted), read and checked by the scenario loader."""
    from rehearsal.scenario.loader import load_file
    from rehearsal.scenario.problems import ScenarioError

    if not path.is_file():
        raise ValueError(f"no scenario file at {path}; give the file your coach sent, or a scenario id")
    try:
        return load_file(path)
    except ScenarioError as exc:
        first = str(exc.problems[0]) if exc.problems else f"{path}: this scenario file has problems"
        raise ValueError(f"{first} (run rehearsal validate {path} to see every problem)") from None
