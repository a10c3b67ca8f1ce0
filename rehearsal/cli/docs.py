"""`rehearsal docs [TOPIC]`: the guides that ship with the command, readable without a checkout."""

from __future__ import annotations

import argparse
import sys

# topic -> (file in docs/, what it is); order is the order listed
TOPICS: dict[str, tuple[str, str]] = {
    "scenarios": ("scenarios.md", "writing a scenario: every key, branching, a full worked example"),
    "coaching": ("coaching.md", "the coach's loop: assign, collect bundles, review"),
    "judge": ("judge.md", "how replies are scored, and how well the judge agrees with people"),
    "models": ("speech-models.md", "speech models: install, offline install, languages"),
    "keys": ("keys.md", "the app's keys, and the keymap setting that changes them"),
    "schema": ("scenario.schema.json", "the JSON Schema of scenario files (for editors)"),
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "docs",
        help="read the guides (writing scenarios, coaching, the judge) in the terminal",
        description="Show a guide that comes with rehearsal. With no topic, list them. "
        "--path prints where the file is, to open it in an editor or copy it.",
    )
    p.add_argument("topic", nargs="?", choices=list(TOPICS), help="which guide")
    p.add_argument("--path", action="store_true", help="print the file's location instead of its text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rehearsal import paths

    if args.topic is None:
        return _list(paths.docs_dir())
    path = paths.docs_dir() / TOPICS[args.topic][0]
    if not path.is_file():
        print(f"The {args.topic} guide is missing from this installation ({path}); "
              "reinstall rehearsal (pipx reinstall rehearsal).", file=sys.stderr)
        return 1
    if args.path:
        print(path)
        return 0
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".md" or not sys.stdout.isatty():
        sys.stdout.write(text)  # piped: the plain file, for `> guide.md` or a pager
        return 0
    from rich.console import Console
    from rich.markdown import Markdown

    import os

    os.environ.setdefault("LESS", "-RFX")  # keep the colours; short text needs no paging
    console = Console()
    with console.pager(styles=True):
        console.print(Markdown(text, hyperlinks=False))
    return 0


def _list(folder) -> int:
    from rich.text import Text

    from rehearsal.cli.tables import console, table

    out = console()
    out.print("Guides that come with rehearsal (rehearsal docs TOPIC):")
    out.print(table(("topic", "what it is"), [(topic, about) for topic, (_, about) in TOPICS.items()]))
    out.print(Text(f"\nThey are files in {folder}; `rehearsal docs TOPIC --path` prints one's location."))
    return 0
