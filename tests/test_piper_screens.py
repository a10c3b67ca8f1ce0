"""The pre-call and settings screens: who speaks with which voice, a sample, the engine and phone-line settings."""

from __future__ import annotations

import pytest
import yaml

from rehearsal import paths
from rehearsal.scenario.model import Scenario
from rehearsal.settings import Settings
from rehearsal.ui.screens.briefing import BriefingScreen
from rehearsal.ui.screens.settings import SettingsScreen
from fakes import FakeSpeaker, FakeSynthesizer
from ui_support import make_app, make_services, sync, wait_for

TWO_VOICES = Scenario.model_validate({
    "id": "two-voices", "title": "Two voices", "description": "An assistant, then the manager.",
    "situation": "You call the manager's office.", "start": "desk",
    "persona": {"name": "Dylan Marsh", "role": "Manager", "voice": {"voice": "en-us", "rate": 165, "pitch": 40}},
    "cast": {"assistant": {"name": "Jordan Lee", "role": "Assistant",
                           "voice": {"voice": ["en_US-amy-medium", "en-us"], "rate": 180, "pitch": 70}}},
    "turns": {"desk": {"speaker": "assistant", "say": "Dylan Marsh's office. How can I help?", "next": [{"goto": "boss"}]},
              "boss": {"say": "Hi, this is Dylan. What can I do for you?", "end": True}},
})


class DescribedSynth(FakeSynthesizer):
    def describe(self, spec) -> str:
        return f"fake {spec.voice} at {spec.rate} wpm, pitch {spec.pitch}"


@pytest.fixture(autouse=True)
def no_real_devices(monkeypatch):
    from rehearsal.ui.screens import settings

    monkeypatch.setattr(settings, "audio_devices", lambda: (["Test mic"], ["Test speaker"], None))


@sync
async def test_the_briefing_shows_each_persons_voice_and_plays_a_sample_of_each():
    synth, speaker = DescribedSynth(), FakeSpeaker(speed=50)
    services = make_services(synthesizer_factory=lambda: synth, speaker_factory=lambda: speaker)
    app = make_app(services, scenarios=(TWO_VOICES,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, BriefingScreen)
        await wait_for(pilot, lambda: "Jordan Lee" in str(app.screen.query_one("#voices").render()))
        shown = str(app.screen.query_one("#voices").render())
        assert "Dylan Marsh: fake en-us at 165 wpm, pitch 40" in shown
        assert "Jordan Lee: fake en_US-amy-medium, en-us at 180 wpm, pitch 70" in shown
        await pilot.press("p")
        await wait_for(pilot, lambda: len(speaker.played) == 2)
        assert [text for text, _ in synth.renders] == ["Hi, this is Dylan.", "Dylan Marsh's office."]
        assert [spec.pitch for _, spec in synth.renders] == [40, 70]


@sync
async def test_without_a_voice_engine_the_briefing_says_the_lines_are_text():
    app = make_app(make_services(), scenarios=(TWO_VOICES,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: "shown as text" in str(app.screen.query_one("#voices").render()))
        await pilot.press("p")
        await wait_for(pilot, lambda: any("No voice to play" in n.message for n in app._notifications))


@sync
async def test_settings_choose_the_engine_and_the_phone_line():
    app = make_app(make_services(Settings(input_mode="typed")))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, SettingsScreen)
        help_text = str(app.screen.query_one("#voice-help").render())
        assert "rehearsal voices install NAME" in help_text
        app.screen.query_one("#voice_engine").value = "pyttsx3"
        app.screen.query_one("#phone_line").value = "off"
        await pilot.press("ctrl+s")
        saved = yaml.safe_load(paths.config_file().read_text())
        assert saved["voice_engine"] == "pyttsx3" and saved["phone_line"] is False
        assert app.services.settings.voice_engine == "pyttsx3" and not app.services.settings.phone_line
        assert "Speaks with pyttsx3" in str(app.screen.query_one("#voice-help").render())
