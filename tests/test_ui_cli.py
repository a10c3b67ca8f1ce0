"""`rehearsal tui`: options, a scenario opened directly, and a fast CLI that leaves Textual alone."""

from __future__ import annotations

import subprocess
import sys

from rehearsal.cli.main import main
from rehearsal.ui.screens.briefing import BriefingScreen
from rehearsal.ui.screens.home import HomeScreen
from ui_support import make_app, sync


def test_without_a_terminal_it_says_what_to_use_instead(capsys):
    assert main(["tui", "--typed"]) == 2
    assert "rehearsal practice SCENARIO --typed" in capsys.readouterr().err


def test_the_cli_parser_does_not_load_textual():
    code = ("import sys; from rehearsal.cli.main import build_parser; build_parser().parse_args(['tui', '--typed']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('rehearsal.ui')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@sync
async def test_scenario_option_opens_the_briefing():
    app = make_app(open_scenario="voicemail")
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, BriefingScreen) and app.screen.scenario.id == "voicemail"


@sync
async def test_unknown_scenario_option_stays_home_with_a_notice():
    from rehearsal.ui.screens.message import MessageScreen

    app = make_app(open_scenario="nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        assert "There is no scenario 'nope'" in app.screen.query_one("#message-text").text
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
