"""The `keymap` setting: binding id -> keys, as in Posting (and Textual's `App.set_keymap`).

Every key binding of the app has an id ("call.talk", "home.search"). The setting remaps those
ids to other keys; an id the app does not have, or a key that is not one, is left out and
said as a problem with where it was written (`config.yaml:12:3: ...`), so a typo never stops
the app and never leaves a key silently dead.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import pkgutil
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.keys import REPLACED_KEYS, Keys, key_to_character
from textual.screen import Screen

from rehearsal import paths

ENV = "REHEARSAL_KEYMAP"
MODIFIERS = frozenset({"ctrl", "alt", "shift", "meta", "super", "hyper"})
_NAMED = frozenset(k.value for k in Keys)
KEY_HELP = ("A key is a character (a, /, ?) or a name (enter, escape, space, tab, up, f5, slash), "
            "after any modifiers (ctrl+t, alt+shift+s); separate several keys with commas (f5,ctrl+r).")


def binding_ids() -> dict[str, Binding]:
    """Every binding with an id, in the app and on each of its screens, by id."""
    import rehearsal.ui.screens as screens
    from rehearsal.ui.app import RehearsalApp

    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"{screens.__name__}.{module.name}")
    classes: list[type] = [RehearsalApp, *_subclasses(Screen)]
    found: dict[str, Binding] = {}
    for cls in classes:
        if not cls.__module__.startswith("rehearsal."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, binding)
    return dict(sorted(found.items()))


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def key_problem(keys: object) -> str | None:
    """Why `keys` (one binding's keys, comma-separated) is not something Textual can bind, or None."""
    if not isinstance(keys, str) or not keys.strip():
        return "no key given"
    for key in (k.strip() for k in keys.split(",")):
        *modifiers, base = key.split("+") if key != "+" else ["+"]
        unknown = [m for m in modifiers if m not in MODIFIERS]
        if unknown:
            return f"{unknown[0]!r} in {key!r} is not a modifier (ctrl, alt, shift, meta, super)"
        if not _is_key(base):
            return f"{key!r} is not a key"
    return None


def _is_key(base: str) -> bool:
    if len(base) == 1:
        return base.isprintable() and not base.isspace() and unicodedata.category(base) != "Cn"
    return base in _NAMED or base in REPLACED_KEYS or key_to_character(base) is not None


def check_keymap(keymap: Mapping[str, object], known: Mapping[str, Binding] | None = None,
                 config_file: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The entries that can be applied, and a sentence for each that cannot (naming where it was written)."""
    known = binding_ids() if known is None else known
    where = _Where(config_file or paths.config_file())
    usable: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            close = difflib.get_close_matches(str(binding_id), list(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "`rehearsal docs keys` lists the ids"
            problems.append(f"{where.key(binding_id)}: keymap: {binding_id!r} is not the id of a key binding "
                            f"({hint}); that line is ignored.")
            continue
        why = key_problem(keys)
        if why is not None:
            problems.append(f"{where.value(binding_id)}: keymap: {binding_id}: {why}, so it keeps "
                            f"{known[binding_id].key!r}. {KEY_HELP}")
            continue
        usable[binding_id] = ",".join(k.strip() for k in str(keys).split(","))
    return usable, problems


class _Where:
    """Where a keymap entry was written: `file:line:col`, or the environment variable."""

    def __init__(self, config_file: Path) -> None:
        self.file = config_file
        self._env_ids = _env_ids()
        self._keys, self._values = _yaml_marks(config_file)

    def key(self, binding_id: str) -> str:
        return self._at(binding_id, self._keys)

    def value(self, binding_id: str) -> str:
        return self._at(binding_id, self._values)

    def _at(self, binding_id: str, marks: dict[str, tuple[int, int]]) -> str:
        if binding_id in self._env_ids:
            return f"environment variable {ENV}"
        if binding_id in marks:
            line, column = marks[binding_id]
            return f"{self.file}:{line}:{column}"
        return "the keymap setting"


def _env_ids() -> set[str]:
    try:
        data = json.loads(os.environ.get(ENV, "{}"))
    except ValueError:
        return set()
    return set(data) if isinstance(data, dict) else set()


def _yaml_marks(path: Path) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """(line, column) of each keymap id and of its keys in the settings file; empty when unreadable."""
    from rehearsal.scenario.yamltree import YamlProblem, parse

    try:
        located = parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlProblem):
        return {}, {}
    keys = {str(p[1]): mark for p, mark in located.keys.items() if len(p) == 2 and p[0] == "keymap"}
    values = {str(p[1]): mark for p, mark in located.values.items() if len(p) == 2 and p[0] == "keymap"}
    return keys, values


def apply_keymap(app: App, keymap: Mapping[str, object]) -> list[str]:
    """Remap the app's keys by `keymap`; returns the problems with the entries left out."""
    usable, problems = check_keymap(keymap)
    app.set_keymap(usable)
    return problems


def keys_of(app: App, binding: Binding) -> str:
    """The keys `binding` answers to in `app`, after the keymap (Textual keeps the keymap private)."""
    return app._keymap.get(binding.id or "", binding.key)  # noqa: SLF001 - no public getter
