"""`rehearsal sessions list|show|replay|export|delete`: your past calls."""

from __future__ import annotations

import argparse
import sys

from rehearsal.printable import printable


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sessions",
        help="list, replay, export or delete your past calls",
        description="Your past calls, kept on this computer. IDs can be shortened to any unique prefix.",
    )
    acts = p.add_subparsers(dest="action", metavar="ACTION")
    ls = acts.add_parser("list", help="every call, oldest first")
    ls.add_argument("--scenario", metavar="ID", help="only calls of this scenario")
    show = acts.add_parser("show", help="a call's transcript, scores and tips")
    show.add_argument("id")
    rp = acts.add_parser("replay", help="play each manager line and reply in order, printing the transcript")
    rp.add_argument("id")
    rp.add_argument("--no-audio", action="store_true", help="print the transcript only")
    ex = acts.add_parser("export", help="a report: Markdown, a self-contained HTML page, or JSON")
    ex.add_argument("id")
    ex.add_argument("--format", choices=["md", "html", "json"], default="md")
    ex.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    rm = acts.add_parser("delete", help="delete a call and its recordings")
    rm.add_argument("id")
    p.set_defaults(run=run, _parser=p)


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
    from rehearsal.store.export import when

    sessions = store.list_sessions(args.scenario)
    if not sessions:
        print("No calls yet." if not args.scenario else f"No calls of {args.scenario!r} yet.")
        print("Take one with: rehearsal practice SCENARIO --typed")
        return 0
    rows = [["id", "date", "scenario", "score", "status", "turns"]]
    for s in sessions:
        status = s.status.replace("_", " ") + (f" (from {s.start_turn})" if s.start_turn else "")
        score = "-" if s.score is None else f"{s.score:.0f}"
        rows.append([s.id, when(s.started_at), printable(s.scenario_title[:36], one_line=True), score, status, str(s.turn_count)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


def _show(store, args) -> int:
    from rehearsal.store.export import to_markdown

    sys.stdout.write(to_markdown(store.get(args.id)))
    return 0


def _replay(store, args) -> int:
    from rehearsal.store.export import manager_name
    from rehearsal.store.replay import StoredAudio, replay

    detail = store.get(args.id)
    speaker = None if args.no_audio else _speaker()
    has_audio = any(t.manager_audio or t.reply_audio for t in detail.turns)
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

    detail = store.get(args.id)
    if args.format == "json":
        text = json.dumps(export.to_json(detail, _audio_paths(detail)), indent=2) + "\n"
    elif args.format == "html":
        text = export.to_html(detail, store.progress(detail.scenario_id))
    else:
        text = export.to_markdown(detail)
    if not args.output:
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"rehearsal sessions: cannot write {out} ({exc.strerror}); choose another -o FILE", file=sys.stderr)
        return 1
    print(f"Wrote {out}", file=sys.stderr)
    return 0


def _audio_paths(detail) -> dict[int, dict[str, str]]:
    """Where each turn's recordings are on this computer, for the JSON export."""
    paths: dict[int, dict[str, str]] = {}
    for turn in detail.turns:
        for role, path in (("manager", turn.manager_audio), ("reply", turn.reply_audio)):
            if path is not None:
                paths.setdefault(turn.index, {})[role] = str(path)
    return paths


def _delete(store, args) -> int:
    detail = store.get(args.id)
    store.delete(detail.id)
    print(f"Deleted {detail.id} ({detail.scenario_title}) and its recordings.")
    return 0


ACTIONS = {"list": _list, "show": _show, "replay": _replay, "export": _export, "delete": _delete}
