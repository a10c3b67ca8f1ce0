"""`rehearsal sessions list|show|replay|export|delete`: your past calls."""

from __future__ import annotations

import argparse
import sys

from rehearsal.printable import printable


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sessions",
        help="list, replay, export or delete your past calls",
        description="Your past calls, kept on this computer. " + ID_HELP,
    )
    acts = p.add_subparsers(dest="action", metavar="ACTION")
    ls = acts.add_parser("list", help="every call, oldest first")
    ls.add_argument("--scenario", metavar="ID", help="only calls of this scenario")
    ls.add_argument("--json", action="store_true", help="print the list as JSON")
    show = acts.add_parser("show", help="a call's transcript, scores and tips")
    show.add_argument("id", help=ID_HELP)
    rp = acts.add_parser("replay", help="play each manager line and reply in order, printing the transcript")
    rp.add_argument("id", help=ID_HELP)
    rp.add_argument("--no-audio", action="store_true", help="print the transcript only")
    ex = acts.add_parser("export", help="a report: Markdown, a self-contained HTML page, or JSON")
    ex.add_argument("id", help=ID_HELP)
    ex.add_argument("--format", choices=list(FORMATS), help="md, html or json (default: from the -o FILE's "
                    "extension, else md)")
    ex.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    rm = acts.add_parser("delete", help="delete a call and its recordings (asks first)")
    rm.add_argument("id", help=ID_HELP)
    rm.add_argument("-y", "--yes", action="store_true", help="do not ask (for scripts)")
    p.set_defaults(run=run, _parser=p)


ID_HELP = ("A call is named by its id, any unique part of its start (20261201-0930), its last six "
           "characters, or `latest`.")
FORMATS = {"md": "Markdown", "html": "HTML", "json": "JSON"}
EXTENSIONS = {".md": "md", ".markdown": "md", ".txt": "md", ".html": "html", ".htm": "html", ".json": "json"}


def run(args: argparse.Namespace) -> int:
    from rehearsal.store import StoreError, open_store

    if not args.action:
        args._parser.print_help()
        return 2
    try:
        with open_store() as store:
            return ACTIONS[args.action](store, args)
    except (StoreError, KeyError) as exc:
        print(f"rehearsal sessions: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1


def _list(store, args) -> int:
    import json

    from rehearsal.cli.tables import console, table
    from rehearsal.store.export import when

    sessions = store.list_sessions(args.scenario)
    if args.json:
        print(json.dumps([_summary_dict(s) for s in sessions], indent=2))
        return 0
    if not sessions:
        print("No calls yet." if not args.scenario else f"No calls of {args.scenario!r} yet.")
        print("Take one with: rehearsal practice SCENARIO --typed")
        return 0
    rows = []
    for s in sessions:
        score = "-" if s.score is None else f"{s.score:.0f}"
        rows.append([s.id, when(s.started_at), printable(s.scenario_title[:36], one_line=True), score, status_words(s), str(s.turn_count)])
    console().print(table(["id", "date", "scenario", "score", "status", "turns"], rows))
    return 0


def status_words(s) -> str:
    """How the list names a call's state; calls that are not attempts say so."""
    if s.turn_count == 0:
        return "no reply (not counted)"
    from rehearsal.call.ending import label

    words = label(s.status)
    if s.start_turn:
        words += f" (retry from {s.start_turn})"
    return words


def _summary_dict(s) -> dict:
    from rehearsal.store.models import counts_as_attempt

    return {"id": s.id, "scenario_id": s.scenario_id, "scenario_title": s.scenario_title,
            "started_at": s.started_at.isoformat(), "mode": s.mode, "status": s.status, "score": s.score,
            "turns": s.turn_count, "start_turn": s.start_turn, "target": s.target,
            "counts_as_attempt": counts_as_attempt(s)}


def _show(store, args) -> int:
    from rehearsal.store.export import to_markdown

    text = to_markdown(store.get(args.id))
    if not sys.stdout.isatty():
        sys.stdout.write(text)  # piped or redirected: the Markdown itself
        return 0
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(text, hyperlinks=False))
    return 0


def _replay(store, args) -> int:
    from rehearsal.store.export import manager_name
    from rehearsal.store.replay import StoredAudio, replay

    detail = store.get(args.id)
    speaker = None if args.no_audio else _speaker()
    has_audio = any(detail.recording(t, "manager") or detail.recording(t, "reply") for t in detail.turns)
    if speaker is not None and not has_audio:
        print("This call has no recordings (typed, or keep_audio was off): printing the transcript only.", file=sys.stderr)
    try:
        replay(detail, StoredAudio(detail), speaker if has_audio else None,
               say=lambda line: print(line, flush=True), manager_name=manager_name(detail))
    finally:
        if speaker is not None:
            speaker.close()
    return 0


def _speaker():
    """The speaker, or None with a notice: replay still prints the transcript without one."""
    from rehearsal import settings as settings_module
    from rehearsal.voice.interfaces import VoiceUnavailable

    try:
        from rehearsal.voice.speaker import create_speaker

        return create_speaker(settings_module.load())
    except (VoiceUnavailable, ImportError, OSError) as exc:
        if isinstance(exc, VoiceUnavailable):
            # Its message is whole sentences already; add a full stop only when it has none.
            reason = str(exc).rstrip()
            notice = f"Printing the transcript only. {reason}{'' if reason.endswith(('.', '!', '?')) else '.'}"
        else:
            notice = "Printing the transcript only: no audio output is available."
        print(notice, file=sys.stderr)
        return None


def _export(store, args) -> int:
    import json
    from pathlib import Path

    from rehearsal.store import export

    fmt = args.format or (EXTENSIONS.get(Path(args.output).suffix.lower(), "md") if args.output else "md")
    detail = store.get(args.id)
    if fmt == "json":
        text = json.dumps(export.to_json(detail, _audio_paths(detail)), indent=2) + "\n"
    elif fmt == "html":
        text = export.to_html(detail, store.progress(detail.scenario_id))
    else:
        text = export.to_markdown(detail)
    if not args.output:
        sys.stdout.write(text)
        return 0
    out = Path(args.output).expanduser()
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"rehearsal sessions: cannot write {out} ({exc.strerror}); choose another -o FILE", file=sys.stderr)
        return 1
    print(f"Wrote {out} ({FORMATS[fmt]})", file=sys.stderr)
    return 0


def _audio_paths(detail) -> dict[int, dict[str, str]]:
    """Where each turn's recordings are on this computer, for the JSON export."""
    paths: dict[int, dict[str, str]] = {}
    for turn in detail.turns:
        for role in ("manager", "reply"):
            path = detail.recording(turn, role)
            if path is not None:
                paths.setdefault(turn.index, {})[role] = str(path)
    return paths


def _delete(store, args) -> int:
    from rehearsal.store.export import when

    detail = store.get(args.id)
    what = f"{detail.id} ({detail.scenario_title}, {when(detail.started_at)}) and its recordings"
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"rehearsal sessions: not deleting {what} without a yes; add --yes to delete from a script",
                  file=sys.stderr)
            return 1
        try:
            answer = input(f"Delete {what}? This cannot be undone. [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    store.delete(detail.id)
    print(f"Deleted {detail.id} ({detail.scenario_title}) and its recordings.")
    return 0


ACTIONS = {"list": _list, "show": _show, "replay": _replay, "export": _export, "delete": _delete}
