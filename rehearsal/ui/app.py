"""The rehearsal app: pick a scenario, take the call, read the scorecard.

The app holds the injected engines (`Services`), the session store when there is one,
and the speech model (`rehearsal.practice.SpeechModel`), which loads in a background thread so
the first screen never waits.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from rehearsal.practice.speech_model import SpeechModel
from rehearsal.services import Services
from rehearsal.store.store import SessionStore
from rehearsal.ui.messages import ModelState, ModelStatus
from rehearsal.ui.sources import CatalogSource, ScenarioSource
from rehearsal.voice.interfaces import Recognizer


class RehearsalApp(App[None]):
    TITLE = "rehearsal"
    SUB_TITLE = "practise the follow-up call"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", tooltip="Leave rehearsal", id="app.quit", priority=True, show=False),
        Binding("f1", "keys", "Keys", tooltip="The keys of this screen and what they do", id="app.keys", show=False),
    ]

    model_status: reactive[ModelStatus] = reactive("off")
    model_detail: reactive[str] = reactive("")

    def __init__(
        self,
        services: Services,
        *,
        scenarios: ScenarioSource | None = None,
        typed: bool = False,
        open_scenario: str | None = None,
        store: SessionStore | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.scenarios = scenarios or CatalogSource()
        self.force_typed = typed
        self.open_scenario = open_scenario
        self.store_error: str | None = None
        self.store = store if store is not None else self._open_store()
        self.speech: SpeechModel | None = None
        if services.settings.theme in self.available_themes:
            self.theme = services.settings.theme
        from rehearsal.ui.keymap import apply_keymap

        self.keymap_problems = apply_keymap(self, services.settings.keymap)

    @property
    def recognizer(self) -> Recognizer | None:
        """The speech model once it has loaded; None while it loads or when there is none."""
        return self.speech.get() if self.speech is not None else None

    @property
    def typed_default(self) -> bool:
        return self.force_typed or self.services.settings.input_mode == "typed"

    def call_mode(self, typed: bool) -> tuple[bool, str | None]:
        """Whether a call for which the user chose `typed` takes typed replies, and, when voice was
        chosen but no speech model is loaded, why (the call's notice line says it)."""
        from rehearsal.ui.screens.call import NO_MODEL

        if typed or self.recognizer is not None:
            return typed, None
        return True, self.model_detail or NO_MODEL

    def on_mount(self) -> None:
        from rehearsal.ui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.open_scenario:
            self.screen.open_scenario(self.open_scenario)
        if not self.typed_default:
            self.load_model()
        problems = self.services.settings.problems + tuple(self.keymap_problems)
        if problems:  # whole, in a dialog to read and copy from: each names the file and line to fix
            self.show_problem("Some settings were not used (the defaults apply)", "\n".join(problems))

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    def _open_store(self) -> SessionStore | None:
        if self.services.store_factory is None:
            return None
        try:
            return self.services.store_factory()
        except Exception as exc:  # noqa: BLE001 - history is optional; practice still works
            self.store_error = f"Your call history cannot be opened ({exc}); calls will not be saved."
            return None

    def load_model(self) -> None:
        """(Re)load the speech model in the background."""
        if self.services.recognizer_factory is None:
            self.post_message(ModelState("missing", "No speech recogniser is available; replies will be typed."))
            return
        self.model_status = "loading"
        # Set before it starts: a model that loads at once must find itself the current one.
        self.speech = SpeechModel(self.services.recognizer_factory, self.services.settings.model_path,
                                  on_done=self._model_loaded)
        self.speech.start()

    def _model_loaded(self, model: SpeechModel) -> None:
        """On the loader's thread. A model replaced by a newer load (the settings changed) says nothing."""
        if model is not self.speech:
            return
        if model.error:
            self.post_message(ModelState("missing", model.error))
        else:
            self.post_message(ModelState("ready", getattr(model.get(), "name", "")))

    def on_model_state(self, message: ModelState) -> None:
        self.model_detail = message.detail
        self.model_status = message.status
        if message.status == "missing":
            self.notify(message.detail, title="Speech model", severity="warning", timeout=8)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Keys":  # Textual's lists the focused widget's keys; ours lists the screen's
                yield command
        yield SystemCommand("Keys", "The keys of this screen and what they do (F1)", self.action_keys)
        # Every key shown in the footer is also a command in the palette.
        seen = {"Quit", "Theme"}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            yield SystemCommand(
                binding.description,
                binding.tooltip or binding.description,
                lambda node=active.node, action=binding.action: self.run_action(action, node),
            )
        if "History" not in seen:
            yield SystemCommand("History", "Your past calls and how your scores changed", self.action_history)
        if "Settings" not in seen:
            yield SystemCommand("Settings", "Devices, voice, speech model and theme", self.action_settings)

    def action_keys(self) -> None:
        from rehearsal.ui.screens.keys import KeysScreen

        screen = self.screen
        if isinstance(screen, KeysScreen):
            screen.dismiss(None)
            return
        name = type(screen).__name__.removesuffix("Screen") or "this screen"
        self.push_screen(KeysScreen(screen, name))

    def show_problem(self, title: str, text: str) -> None:
        """A problem too long for a toast, in a dialog the person can scroll and copy from."""
        from rehearsal.ui.screens.message import MessageScreen

        self.push_screen(MessageScreen(title, text))

    def action_settings(self) -> None:
        from rehearsal.ui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_history(self) -> None:
        if self.store is None:
            self.notify(self.store_error or "There is no call history yet.", severity="warning")
            return
        from rehearsal.ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(self.store, speaker_factory=self.services.speaker_factory,
                                       on_retry=self.retry_past_turn))

    def retry_past_turn(self, detail, turn) -> None:
        """From a past session: take that turn again, in the scenario as it was then."""
        from rehearsal.scenario.model import Scenario
        from rehearsal.ui.screens.call import CallScreen
        from rehearsal.ui.sources import ScenarioUnavailable

        try:
            scenario = Scenario.model_validate(detail.scenario) if detail.scenario else self.scenarios.load(detail.scenario_id)
        except (ScenarioUnavailable, ValueError) as exc:
            self.notify(f"That scenario cannot be opened any more: {exc}", severity="error")
            return
        if turn.turn_id not in scenario.turns:
            self.notify(f"The scenario no longer has the turn {turn.turn_id!r}.", severity="error")
            return
        typed, why = self.call_mode(self.typed_default)
        self.push_screen(CallScreen(scenario, typed=typed, start_at=turn.turn_id, retry_score=turn.score.score,
                                    why_typed=why))
