"""The core never imports Textual (the CLI, the voice path and the TUI share one engine), and the
layers hold: media at the bottom, the conversation loop above the engines, UI and CLI on top."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import rehearsal

CORE = ["scenario", "judging", "call", "voice", "conversation", "store", "practice"]
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


def shipped_fakes(package: Path) -> list[str]:
    """Where the package holds or imports a stand-in: a module or class named fake/stub/dummy."""
    words = ("fake", "stub", "dummy")
    found = []
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package.parent)
        if any(w in path.stem.lower() for w in words):
            found.append(f"{where}: a module of stand-ins")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.lower().startswith(words):
                found.append(f"{where}:{node.lineno}: class {node.name}")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(w in part.lower() for n in names for part in n.split(".") for w in words):
                    found.append(f"{where}:{node.lineno}: imports {', '.join(n for n in names if n)}")
    return found


def test_the_package_ships_no_fakes():
    """Stand-ins live in tests/fakes.py: nothing a user installs holds or imports one."""
    assert shipped_fakes(Path(rehearsal.__file__).parent) == []


def test_a_shipped_fake_is_found(tmp_path):
    package = tmp_path / "pkg"
    (package / "voice").mkdir(parents=True)
    (package / "voice" / "fakes.py").write_text("class Mic: pass\n")
    (package / "app.py").write_text("from pkg.voice.fakes import Mic\n\n\nclass FakeJudge: pass\n")
    assert shipped_fakes(package) == [
        "pkg/app.py:1: imports Mic, pkg.voice.fakes", "pkg/app.py:4: class FakeJudge", "pkg/voice/fakes.py: a module of stand-ins",
    ]
