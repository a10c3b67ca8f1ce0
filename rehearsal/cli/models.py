"""`rehearsal models`: install speech models and see which one is used."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rehearsal.cli.progress import install_with_progress


def add_parser(sub) -> None:
    p = sub.add_parser(
        "models",
        help="install and list speech models",
        description="Install speech models - Vosk, or Whisper (whisper-tiny.en, whisper-base.en) - online, or from a "
                    "local zip or folder on offline machines, and list them.",
    )
    p.set_defaults(run=_usage(p))
    actions = p.add_subparsers(dest="models_command", metavar="ACTION")

    install = actions.add_parser("install", help="download and install a model (default: the small English one)")
    install.add_argument("name", nargs="?", metavar="NAME", help="model name from `rehearsal models list`")
    install.add_argument("--from", dest="from_path", type=Path, metavar="ZIP_OR_DIR", help="install from a local zip or folder")
    install.add_argument("--url", help=argparse.SUPPRESS)  # testing against a local server
    install.add_argument("--sha256", metavar="HASH", help="the zip's SHA-256 from the Vosk models page")
    install.add_argument("--unverified", action="store_true", help="install a model no checksum is known for")
    install.add_argument("--force", action="store_true", help="replace the model if it is installed")
    install.set_defaults(run=run_install)

    listing = actions.add_parser("list", help="installed models, which one is used, and what can be installed")
    listing.set_defaults(run=run_list)


def _usage(parser: argparse.ArgumentParser):
    def run(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return run


def run_install(args: argparse.Namespace) -> int:
    from rehearsal.voice import model_store

    if _wants_whisper(args):
        return _install_whisper(args)
    path = install_with_progress("rehearsal models install", lambda progress: model_store.install(
        args.name, from_path=args.from_path, url=args.url, sha256=args.sha256, unverified=args.unverified,
        force=args.force, progress=progress))
    if isinstance(path, int):
        return path
    checked = args.sha256 or (not args.unverified and model_store.pinned_hash(path.name) and not _is_dir(args.from_path))
    note = "" if checked else " (not checked against a known SHA-256)"
    print(f"Installed {path.name} in {path}{note}")
    language = language_note(path.name)
    if language:
        print(language, file=sys.stderr)
    return 0


def _wants_whisper(args: argparse.Namespace) -> bool:
    from rehearsal.voice.whisper import looks_like_whisper_model
    from rehearsal.voice.whisper_models import is_whisper_name

    return is_whisper_name(args.name) or (args.from_path is not None and args.from_path.is_dir()
                                          and looks_like_whisper_model(args.from_path))


def _install_whisper(args: argparse.Namespace) -> int:
    from rehearsal.voice import whisper_models
    from rehearsal.voice.whisper import whisper_available

    if args.sha256 or args.unverified:
        print("rehearsal models install: Whisper models are checked file by file against the SHA-256s this "
              "program knows; --sha256 and --unverified are for Vosk zips.", file=sys.stderr)
        return 1
    name = args.name or "whisper-tiny.en"
    path = install_with_progress("rehearsal models install", lambda progress: whisper_models.install(
        name, from_path=args.from_path, base_url=args.url, force=args.force, progress=progress))
    if isinstance(path, int):
        return path
    checked = name in whisper_models.CATALOG
    print(f"Installed {path.name} in {path}" + ("" if checked else " (not checked against a known SHA-256)"))
    if not whisper_available():
        print("It needs the Whisper engine too: pip install 'rehearsal[whisper]' (or faster-whisper).")
    return 0


def _is_dir(path: Path | None) -> bool:
    return path is not None and path.is_dir()


def run_list(args: argparse.Namespace) -> int:
    from rehearsal import settings
    from rehearsal.voice import model_store

    used = model_store.find_model(settings.load())
    installed = model_store.list_installed()
    print(f"Models folder: {model_store.paths.models_dir()}")
    if installed:
        print("Installed:")
        for model in installed:
            mark = "*" if used is not None and model.path == used else " "
            print(f" {mark} {model.name:<34} {model.size_bytes / 1e6:7.0f} MB")
    else:
        print("Installed: none. Voice replies need one: run `rehearsal models install`.")
    from rehearsal.voice.engine_choice import choose_engine

    engine, engine_path = choose_engine(settings.load())
    if engine == "whisper" and engine_path is not None:
        print("In use: the Whisper model marked * below (Vosk models are not used).")
    elif used is None:
        print("In use: none (typed replies only).")
    elif not any(m.path == used for m in installed):
        state = "" if used.is_dir() else " - not found: fix model_path in the settings"
        print(f"In use: {used} (from the model_path setting){state}")
    else:
        print("In use: the one marked *.")
    _list_whisper()
    print("Can be installed (rehearsal models install NAME):")
    for entry in model_store.CATALOG.values():
        default = " (default)" if entry.name == model_store.DEFAULT_MODEL else ""
        print(f"   {entry.name:<34} {entry.size_mb:4d} MB  {entry.language}{default}; {entry.note}")
    from rehearsal.voice.whisper_models import CATALOG as WHISPER

    for entry in WHISPER.values():
        print(f"   {entry.name:<34} {entry.size_mb:4d} MB  {entry.language} (Whisper); {entry.note}")
    from rehearsal.voice.engine_choice import describe_engines

    print(describe_engines(settings.load()))
    return 0


def _list_whisper() -> None:
    from rehearsal import settings
    from rehearsal.voice.whisper import whisper_available
    from rehearsal.voice.whisper_models import find_whisper_model, list_whisper

    found = list_whisper()
    if not found:
        return
    used = find_whisper_model(settings.load())
    print("Whisper models:" + ("" if whisper_available() else " (the engine is missing: pip install 'rehearsal[whisper]')"))
    for model in found:
        mark = "*" if model.path == used else " "
        print(f" {mark} {model.name:<34} {model.path}")


# Vosk model names carry a language code: vosk-model-small-ko-0.22, vosk-model-de-0.21.
LANGUAGES = {"ko": "Korean", "de": "German", "fr": "French", "es": "Spanish", "ru": "Russian", "cn": "Chinese",
             "ja": "Japanese", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "tr": "Turkish", "uk": "Ukrainian",
             "hi": "Hindi", "fa": "Persian", "pl": "Polish", "vn": "Vietnamese", "ar": "Arabic", "sv": "Swedish"}


def language_note(name: str) -> str | None:
    """A sentence when the model is not English: the judge scores English replies only."""
    from rehearsal.voice import model_store

    entry = model_store.CATALOG.get(name)
    if entry is not None:
        return None if entry.language.startswith("English") else _not_english(name, entry.language)
    parts = name.lower().removeprefix("vosk-model-").removeprefix("small-").split("-")
    code = parts[0] if parts and parts[0] else ""
    if code == "en":
        return None
    if code in LANGUAGES:
        return _not_english(name, LANGUAGES[code])
    return (f"Note: the name {name!r} does not say which language this model is for. rehearsal judges English "
            "replies, so use an English model (rehearsal models install installs one).")


def _not_english(name: str, language: str) -> str:
    return (f"Note: {name} is a {language} model. rehearsal judges English replies, so spoken practice needs an "
            "English model: rehearsal models install (then pick it in Settings, or set model_path).")
