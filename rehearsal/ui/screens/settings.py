"""Settings: devices (with a test), the manager's voice, end-of-reply silence, model, theme.

Changes apply to the running app as soon as they are saved. The engines' factories hold
the same Settings object, so it is updated in place rather than replaced.
"""

from __future__ import annotations

import time

from pydantic import ValidationError
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static

from rehearsal.ui.screens.settings_echo import ECHO_RUNNING, EchoTest, echo_fields
from rehearsal.ui.widgets.title_bar import TitleBar
from rehearsal import settings as settings_module
from rehearsal.settings import Settings
from rehearsal.ui.messages import MicLevel
from rehearsal.ui.widgets.meters import LevelMeter
from rehearsal.voice.interfaces import VoiceSpec

MIC_TEST_S = 4.0
TEST_LINE = "Hi, this is the hiring manager. Thanks for calling."
INSTALL_HELP = "Install one with `rehearsal models install` (or `--from FILE.zip` on an offline machine)."
DEFAULT = "default"
ENGINES = [("auto: Piper if a voice is installed", "auto"), ("Piper (natural)", "piper"), ("pyttsx3 / espeak-ng", "pyttsx3")]
VOICE_HELP = "More voices: `rehearsal voices list`, `rehearsal voices install NAME` (or `--from FILE.onnx`)."


def voice_summary(settings: Settings) -> Text:
    """Which engine and voices the manager speaks with, and how to add one."""
    try:
        from rehearsal.voice import voices
        from rehearsal.voice.tts import engine_choice

        engine = engine_choice(settings)
        installed = voices.list_installed()
    except Exception as exc:  # noqa: BLE001 - a broken voices folder must not stop the settings screen
        return Text(f"The voices could not be listed ({exc}).", style="yellow")
    names = ", ".join(v.name for v in installed) or "none"
    if engine == "piper":
        text = Text(f"Speaks with Piper {installed[0].name if installed else ''}"
                    f"{' through a phone line' if settings.phone_line else ''} (a scenario may name another). ")
    else:
        text = Text("Speaks with pyttsx3 / espeak-ng (no phone line: it would be too hard to understand). ")
    text.append(f"Piper voices installed: {names}. {VOICE_HELP}", style="dim")
    return text


def installed_models() -> list[tuple[str, str]]:
    try:
        from rehearsal.voice.model_store import list_installed
    except ImportError:
        return []
    models = [(m.name, str(m.path)) for m in list_installed()]
    try:
        from rehearsal.voice.whisper_models import list_whisper
    except ImportError:
        return models
    return models + [(f"Whisper: {m.name}", str(m.path)) for m in list_whisper()]  # picking one picks the engine


def audio_devices() -> tuple[list[str], list[str], str | None]:
    """Input and output device names for the two pickers, and why there are none if so."""
    try:
        from rehearsal.voice.devices import list_devices

        devices = list_devices()
    except Exception as exc:  # noqa: BLE001 - VoiceUnavailable says what to do; the pickers offer the default
        return [], [], str(exc)
    inputs = [d.name for d in devices if d.inputs > 0]
    outputs = [d.name for d in devices if d.outputs > 0]
    return inputs, outputs, None


def field(label: str, widget: Widget) -> Horizontal:
    return Horizontal(Label(label), widget, classes="field")


def apply_in_place(target: Settings, new: Settings) -> None:
    for name in Settings.model_fields:
        setattr(target, name, getattr(new, name))


class SettingsScreen(EchoTest, Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save and apply these settings", id="settings.save"),
        Binding("escape", "back", "Back", tooltip="Leave without saving", id="settings.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sub_title = "settings"  # shown by the TitleBar

    def compose(self) -> ComposeResult:
        s = self.app.services.settings
        yield TitleBar()
        with VerticalScroll(id="settings-form"):
            yield Static("Replies", classes="group")
            yield field("Answer by", Select([("voice (speak)", "voice"), ("typed", "typed")], value=s.input_mode,
                                            allow_blank=False, compact=True, id="input_mode"))
            yield field("A spoken reply ends", Select([("after a pause", "auto"), ("push-to-talk (ctrl+t)", "push-to-talk")],
                                                      value=s.end_mode, allow_blank=False, compact=True, id="end_mode"))
            yield field("Pause that ends it (ms)", Input(str(s.end_silence_ms), type="integer", compact=True,
                                                         placeholder="200-5000", id="end_silence_ms"))
            yield Static("Devices", classes="group")
            yield field("Microphone", Select([("system default", DEFAULT)], value=DEFAULT, allow_blank=False,
                                             compact=True, id="input_device"))
            with Horizontal(classes="field"):
                yield Button("Test microphone", compact=True, id="test-mic")
                yield LevelMeter(id="settings-meter")
            yield field("Speaker", Select([("system default", DEFAULT)], value=DEFAULT, allow_blank=False,
                                          compact=True, id="output_device"))
            yield from echo_fields(s)
            yield Static("The manager", classes="group")
            yield field("Voice engine", Select(ENGINES, value=s.voice_engine, allow_blank=False, compact=True,
                                               id="voice_engine"))
            yield field("Phone line", Select([("on: sounds like a call", "on"), ("off: full band", "off")],
                                             value="on" if s.phone_line else "off", allow_blank=False, compact=True,
                                             id="phone_line"))
            yield field("Voice (e.g. en-us)", Input(s.voice or "", placeholder="the scenario's", compact=True, id="voice"))
            yield field("Rate (words/min)", Input("" if s.rate is None else str(s.rate), type="integer",
                                                  placeholder="the scenario's (80-400)", compact=True, id="rate"))
            yield Static(id="voice-help")
            with Horizontal(classes="field"):
                yield Button("Play a sample", compact=True, id="test-speaker")
            yield Static("Speech model and look", classes="group")
            yield field("Speech model", Select([("the installed default", DEFAULT)], value=DEFAULT, allow_blank=False,
                                               compact=True, id="model_path"))
            yield Static(Text(INSTALL_HELP, style="dim"), id="model-help")
            yield field("Theme", Select([(name, name) for name in sorted(self.app.available_themes)],
                                        value=self.app.theme, allow_blank=False, compact=True, id="theme"))
            yield Static(id="settings-error", classes="error")
            yield Button("Save", variant="primary", compact=True, id="save")
        yield Footer()

    def on_mount(self) -> None:
        self.original = self.app.services.settings.model_copy()
        self._fill_choices()

    def _fill_choices(self) -> None:
        s = self.app.services.settings
        models = installed_models()
        if s.model_path is not None and str(s.model_path) not in {p for _, p in models}:
            models.append((str(s.model_path), str(s.model_path)))
        self._set_options("model_path", [("the installed default", DEFAULT), *models], s.model_path)
        self.query_one("#voice-help", Static).update(voice_summary(s))
        if not models:
            self.query_one("#model-help", Static).update(Text("No speech model is installed. " + INSTALL_HELP, style="yellow"))
        else:
            from rehearsal.voice.engine_choice import describe_engines

            self.query_one("#model-help", Static).update(Text(describe_engines(s) + " " + INSTALL_HELP, style="dim"))
        self._list_devices()

    def _set_options(self, select_id: str, options: list[tuple[str, str]], current: object) -> None:
        select = self.query_one(f"#{select_id}", Select)
        select.set_options(options)
        values = {v for _, v in options}
        select.value = str(current) if current is not None and str(current) in values else DEFAULT

    @work(thread=True, group="devices", exit_on_error=False)
    def _list_devices(self) -> None:
        inputs, outputs, problem = audio_devices()
        self.app.call_from_thread(self._show_devices, inputs, outputs, problem)

    def _show_devices(self, inputs: list[str], outputs: list[str], problem: str | None) -> None:
        if problem:
            self.notify(problem, title="Audio devices", severity="warning", timeout=10)
        s = self.app.services.settings
        for select_id, names, current in (("input_device", inputs, s.input_device), ("output_device", outputs, s.output_device)):
            options = [("system default", DEFAULT), *((n, n) for n in names)]
            if current is not None and str(current) not in names:
                options.append((str(current), str(current)))
            self._set_options(select_id, options, current)

    def form_values(self) -> dict:
        def text(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", Input).value.strip()

        def choice(widget_id: str) -> str | None:
            value = self.query_one(f"#{widget_id}", Select).value
            return None if value in (DEFAULT, Select.BLANK) else str(value)

        return {
            "input_mode": choice("input_mode"),
            "end_mode": choice("end_mode"),
            "end_silence_ms": text("end_silence_ms") or None,
            "input_device": choice("input_device"),
            "output_device": choice("output_device"),
            "echo_cancellation": choice("echo_cancellation"),
            "voice_engine": choice("voice_engine"),
            "phone_line": {"on": True, "off": False}.get(choice("phone_line") or ""),
            "voice": text("voice") or None,
            "rate": text("rate") or None,
            "model_path": choice("model_path"),
            "theme": choice("theme") or self.app.theme,
        }

    def _validated(self) -> Settings | None:
        base = self.app.services.settings.model_dump()
        values = {k: v for k, v in self.form_values().items() if v is not None or k in ("input_device", "output_device", "voice", "rate", "model_path")}
        try:
            new = Settings(**{**base, **values})
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            self.query_one("#settings-error", Static).update(Text(f"Not saved: {problems}. Fix it and save again.", style="red"))
            return None
        self.query_one("#settings-error", Static).update("")
        return new

    def action_save(self) -> None:
        new = self._validated()
        if new is None:
            return
        current = self.app.services.settings
        model_changed = new.model_path != current.model_path
        apply_in_place(current, new)
        self.query_one("#voice-help", Static).update(voice_summary(current))
        try:
            path = settings_module.save(current)
        except OSError as exc:
            self.notify(f"The settings could not be written ({exc}). They apply until you quit.", severity="error")
        else:
            self.notify(f"Saved to {path}.", title="Settings")
        self.original = current.model_copy()
        self.app.theme = current.theme
        if model_changed and self.app.model_status != "off":
            self.app.load_model()

    def action_back(self) -> None:
        apply_in_place(self.app.services.settings, self.original)  # undo what a device test applied
        self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "test-echo":
            new = self._validated()
            if new is not None:
                apply_in_place(self.app.services.settings, new)  # test the devices on the form, unsaved
                self._show_echo(Text(ECHO_RUNNING, style="dim"))
                self._test_echo()
        elif event.button.id in ("test-mic", "test-speaker"):
            new = self._validated()
            if new is None:
                return
            apply_in_place(self.app.services.settings, new)  # test what is on the form, unsaved
            if event.button.id == "test-mic":
                self._test_microphone()
            else:
                self._test_speaker()

    def on_mic_level(self, message: MicLevel) -> None:
        self.query_one("#settings-meter", LevelMeter).level = message.rms

    @work(thread=True, exclusive=True, group="device-test", exit_on_error=False)
    def _test_microphone(self) -> None:
        factory = self.app.services.microphone_factory
        try:
            if factory is None:
                raise RuntimeError("no microphone engine in this build")
            mic = factory()
            mic.start()
        except Exception as exc:  # noqa: BLE001 - shown to the person with the fix
            self.app.call_from_thread(self.notify, f"{exc}", title="Microphone", severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"Speak now: the meter shows what the microphone hears ({MIC_TEST_S:.0f} s).")
        try:
            ends = time.monotonic() + MIC_TEST_S
            while time.monotonic() < ends:
                chunk = mic.read(0.1)
                if chunk is not None:
                    self.post_message(MicLevel(chunk.level))
                elif mic.error:
                    self.app.call_from_thread(self.notify, mic.error, title="Microphone", severity="error")
                    return
        finally:
            mic.stop()
            self.post_message(MicLevel(0.0))

    @work(thread=True, exclusive=True, group="device-test", exit_on_error=False)
    def _test_speaker(self) -> None:
        services = self.app.services
        s = services.settings
        try:
            if services.synthesizer_factory is None or services.speaker_factory is None:
                raise RuntimeError("no voice engine in this build")
            synth = services.synthesizer_factory()
            speaker = services.speaker_factory()
            audio = synth.render(TEST_LINE, VoiceSpec(voice=s.voice, rate=s.rate))
            speaker.play(audio).wait(audio.seconds + 5)
            speaker.close()
            synth.close()
        except Exception as exc:  # noqa: BLE001 - shown to the person with the fix
            self.app.call_from_thread(self.notify, f"{exc}", title="Speaker", severity="error", timeout=10)
