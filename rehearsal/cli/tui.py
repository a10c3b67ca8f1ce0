"""`rehearsal tui` (and plain `rehearsal`): the full-screen app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tui",
        help="open the app (the default when no command is given)",
        description="Open the full-screen app: pick a scenario, take the call aloud or typed, read the scorecard.",
    )
    p.add_argument("--typed", action="store_true", help="type replies instead of speaking them")
    p.add_argument("--scenario", metavar="ID_OR_PATH", help="open this scenario (a built-in id or a file) directly")
    p.add_argument("--model", metavar="PATH", help="Vosk model folder (default: the installed one)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        print("The app needs a terminal. For scripted practice use `rehearsal practice SCENARIO --typed`.",
              file=sys.stderr)
        return 2
    from rehearsal import paths
    from rehearsal.services import default_services
    from rehearsal.ui.app import RehearsalApp
    from rehearsal.ui.terminal import app_log_to, native_stderr_to

    services = default_services()
    if args.model:
        model = Path(args.model).expanduser()
        if not model.is_dir():
            print(f"There is no speech model folder at {model}. Check the path, or leave out --model "
                  "to use the installed one.", file=sys.stderr)
            return 2
        services.settings.model_path = model
    app = RehearsalApp(services, typed=args.typed, open_scenario=args.scenario)
    logs = paths.data_dir() / "logs"
    with native_stderr_to(logs / "audio-warnings.log"), app_log_to(logs / "rehearsal.log"):
        app.run()
    return app.return_code or 0
