"""The rehearsal app: pick a scenario, take the call, read the scorecard.

The app holds the injected engines (`Services`), the session store when there is one,
and the speech model, which loads in a worker thread so the first screen never waits.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from rehearsal.services import Services
from rehearsal.ui.messages import ModelState, ModelStatus
from rehearsal.ui.sources import CatalogSource, RunnerFactory, ScenarioSource, voice_runner
from rehearsal.voice.interfaces import Recognizer, VoiceUnavailable


def screen_available(name: str) -> bool:
    """The history and session screens are written separately; offer them once they exist."""
    return importlib.util.find_spec(f"rehearsal.ui.screens.{name}") is not None


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
        runner_factory: RunnerFactory | None = None,
        typed: bool = False,
        open_scenario: str | None = None,
        store: object | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.scenarios = scenarios or CatalogSource()
        self.runner_factory = runner_factory or voice_runner
        self.force_typed = typed
        self.open_scenario = open_scenario
        self.store_error: str | None = None
        self.store = store if store is not None else self._open_store()
        self.recognizer: Recognizer | None = None
        if services.settings.theme in self.available_themes:
            self.theme = services.settings.theme

    @property
    def typed_default(self) -> bool:
        return self.force_typed or self.services.settings.input_mode == "typed"

    def on_mount(self) -> None:
        from rehearsal.ui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.open_scenario:
            self.screen.open_scenario(self.open_scenario)
        if not self.typed_default:
            self.load_model()
        from rehearsal import settings as settings_module

        problems = settings_module.problems()
        if problems:  # whole, in a dialog to read and copy from: each names the file and line to fix
            self.show_problem("Some settings were not used (the defaults apply)", "\n".join(problems))

    def on_unmount(self) -> None:
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    def _open_store(self) -> object | None:
        if self.services.store_factory is None:
            return None
        try:
            return self.services.store_factory()
        except ModuleNotFoundError:
            return None  # the store is not part of this build yet
        except Exception as exc:  # noqa: BLE001 - history is optional; practice still works
            self.store_error = f"Your call history cannot be opened ({exc}); calls will not be saved."
            return None

    def load_model(self) -> None:
        """(Re)load the speech model in the background."""
        if self.services.recognizer_factory is None:
            self.post_message(ModelState("missing", "No speech recogniser is available; replies will be typed."))
            return
        self.model_status = "loading"
        self._load_model_worker(self.services.settings.model_path)

    @work(thread=True, exclusive=True, group="model", exit_on_error=False)
    def _load_model_worker(self, model_path: Path | None) -> None:
        try:
            recognizer = self.services.recognizer_factory(model_path)
        except VoiceUnavailable as exc:
            self.post_message(ModelState("missing", str(exc)))
        except Exception as exc:  # noqa: BLE001 - a broken model must not take the app down
            self.post_message(ModelState("missing", f"The speech model could not be loaded: {exc}"))
        else:
            self.recognizer = recognizer
            self.post_message(ModelState("ready", getattr(recognizer, "name", "")))

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
        if screen_available("history") and "History" not in seen:
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
        if not screen_available("history"):
            self.notify("Call history is not available in this version.", severity="warning")
            return
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
        self.push_screen(CallScreen(scenario, typed=self.typed_default or self.recognizer is None,
                                    start_at=turn.turn_id, retry_score=turn.score.score))
