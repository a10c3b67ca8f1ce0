"""The `keymap` setting: binding ids remapped to other keys, and the problems said where they were written."""

from __future__ import annotations

import json

from textual.widgets._footer import FooterKey

from rehearsal import paths
from rehearsal import settings as settings_module
from rehearsal.settings import Settings
from rehearsal.ui.keymap import binding_ids, check_keymap, key_problem
from rehearsal.ui.screens.home import HomeScreen
from rehearsal.ui.screens.keys import KeysScreen
from rehearsal.ui.screens.message import MessageScreen
from rehearsal.ui.screens.settings import SettingsScreen
from ui_support import make_app, make_services, sync


def footer(app) -> dict[str, str]:
    """Description -> the key the footer shows for it."""
    return {key.description: key.key_display for key in app.screen.query(FooterKey)}


@sync
async def test_a_remapped_key_works_the_old_one_does_not_and_the_footer_and_key_list_show_it():
    app = make_app(make_services(Settings(input_mode="typed", keymap={"home.settings": "ctrl+o", "app.keys": "f2"})))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert footer(app)["Settings"] == "^o"
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # "s" is free now
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        rows = {name: key for key, name, _ in app.screen.rows}
        assert rows["Settings"] == "ctrl+o" and rows["Keys"] == "f2"
        await pilot.press("escape")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)


@sync
async def test_keymap_problems_open_in_the_settings_dialog_with_file_line_and_column():
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("theme: textual-dark\nkeymap:\n  home.serch: ctrl+f\n  call.talk: ctrl+tt\n"
                                   "  home.settings: ctrl+o\n", encoding="utf-8")
    services = make_services(settings_module.load())
    app = make_app(services)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        text = app.screen.query_one("#message-text").text
        assert f"{paths.config_file()}:3:3: keymap: 'home.serch' is not the id of a key binding (did you mean " \
               "'home.search'?)" in text
        assert f"{paths.config_file()}:4:14: keymap: call.talk: 'ctrl+tt' is not a key, so it keeps 'ctrl+t'." in text
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert footer(app)["Settings"] == "^o"  # the good line still applies


def test_the_keymap_comes_from_the_environment_too_and_says_so(monkeypatch):
    monkeypatch.setenv("REHEARSAL_KEYMAP", json.dumps({"call.hint": "f3", "call.skip": "ctrl+"}))
    settings = settings_module.load()
    assert settings.keymap == {"call.hint": "f3", "call.skip": "ctrl+"}
    usable, problems = check_keymap(settings.keymap)
    assert usable == {"call.hint": "f3"}
    assert problems == ["environment variable REHEARSAL_KEYMAP: keymap: call.skip: 'ctrl+' is not a key, so it keeps "
                        "'ctrl+n'. A key is a character (a, /, ?) or a name (enter, escape, space, tab, up, f5, slash), "
                        "after any modifiers (ctrl+t, alt+shift+s); separate several keys with commas (f5,ctrl+r)."]


def test_keys_are_checked_as_textual_names_them():
    for good in ("a", "A", "?", "/", "slash", "question_mark", "f5", "enter", "space", "ctrl+space", "alt+shift+up",
                 "f5, ctrl+r", "1"):
        assert key_problem(good) is None, good
    assert key_problem("ctrl+tt") == "'ctrl+tt' is not a key"
    assert key_problem("cmd+s") == "'cmd' in 'cmd+s' is not a modifier (ctrl, alt, shift, meta, super)"
    assert key_problem("") == "no key given" and key_problem("f5,") == "'' is not a key"


def test_a_number_in_yaml_is_that_digit_key():
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("keymap:\n  session.line: 1\n", encoding="utf-8")
    loaded = settings_module.load()
    assert loaded.keymap == {"session.line": "1"}
    assert loaded.problems == ()


def test_every_binding_id_is_documented():
    guide = (paths.docs_dir() / "keys.md").read_text(encoding="utf-8")
    missing = [binding_id for binding_id in binding_ids() if f"`{binding_id}`" not in guide]
    assert missing == []
