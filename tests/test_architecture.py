"""The core never imports Textual (the CLI, the voice path and the TUI share one engine), and the
layers hold: media at the bottom, the conversation loop above the engines, UI and CLI on top."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import rehearsal

CORE = ["scenario", "judging", "call", "voice", "conversation", "store"]
REPO = Path(__file__).resolve().parents[1]


def _core_modules() -> list[str]:
    names = ["rehearsal.media", "rehearsal.dimensions", "rehearsal.settings", "rehearsal.paths", "rehearsal.services"]
    for package in CORE:
        path = Path(rehearsal.__file__).parent / package
        names.append(f"rehearsal.{package}")
        names += [f"rehearsal.{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]
    return names


def test_importing_the_core_loads_no_textual():
    modules = _core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'rehearsal.ui')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"core modules pulled in: {out.stdout.strip()}"


def test_import_linter_contract_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout
