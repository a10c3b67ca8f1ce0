"""One past call, turn by turn: play each line and reply, the evidence, delivery, retry a turn.

Opens a call from the local store, or an attempt inside a learner's results bundle
(read-only: a coach replays it but cannot retry or change it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from rehearsal.call.ending import label as ending_label
from rehearsal.call.turn import TurnRecord
from rehearsal.printable import printable
from rehearsal.store import SessionDetail, SessionStore
from rehearsal.store.export import headline, manager_name
from rehearsal.store.replay import AudioSource, BundleAudio, StoredAudio
from rehearsal.ui.widgets.turn_card import card_text, legend
from rehearsal.voice.interfaces import Playback, Speaker

RetryCallback = Callable[[SessionDetail, TurnRecord], None]


class TurnView(Static, can_focus=True):
    """Focusable, so the keys act on the turn that has focus."""

    def __init__(self, who: str, turn: TurnRecord, has_audio: bool) -> None:
        text = card_text(who, turn)  # as the scorecard showed it when the call was played
        if not has_audio:
            text.append("\n(no recording)", style="dim")
        super().__init__(text, classes="session-turn")
        self.turn = turn


class SessionScreen(Screen[None]):
    DEFAULT_CSS = """
    SessionScreen #session-summary { padding: 0 1; background: $boost; }
    SessionScreen #session-turns { height: 1fr; padding: 0 1; }
    SessionScreen .session-turn { margin-bottom: 1; padding: 0 1; }
    SessionScreen .session-turn:focus { background: $boost; border-left: thick $accent; }
    """
    BINDINGS = [
        Binding("m", "play('manager')", "Play line", tooltip="Play the manager's line of this turn", id="session.line"),
        Binding("y", "play('reply')", "Play reply", tooltip="Play your reply in this turn", id="session.reply"),
        Binding("s", "stop", "Stop", tooltip="Stop playback", id="session.stop"),
        Binding("r", "retry", "Retry turn", tooltip="Practise this turn again", id="session.retry"),
        Binding("e", "export", "Save report", tooltip="Save this call as an HTML, Markdown or JSON report",
                id="session.export"),
        Binding("d", "delete", "Delete", tooltip="Delete this call and its recordings (asks first)",
                id="session.delete"),
        # Priority: otherwise the scrolling container takes up/down before the turn sees them.
        Binding("down,j", "move(1)", "Next turn", show=False, priority=True, id="session.next"),
        Binding("up,k", "move(-1)", "Previous turn", show=False, priority=True, id="session.prev"),
        Binding("escape", "back", "Back", tooltip="Back to the list", id="session.back"),
    ]

    def __init__(
        self,
        *,
        store: SessionStore | None = None,
        session_id: str | None = None,
        bundle_path: Path | str | None = None,
        attempt: int | None = None,
        speaker: Speaker | None = None,
        on_retry: RetryCallback | None = None,
    ) -> None:
        """Either `store` + `session_id`, or `bundle_path` (+ `attempt`, default the latest)."""
        super().__init__()
        self.speaker = speaker
        self.on_retry = on_retry
        self.read_only = bundle_path is not None
        self.store = store
        self._playback: Playback | None = None
        self.detail, self.audio, self.learner = self._load(store, session_id, bundle_path, attempt)

    @staticmethod
    def _load(store, session_id, bundle_path, attempt) -> tuple[SessionDetail, AudioSource, str | None]:
        if bundle_path is not None:
            from rehearsal.store.bundle import read_bundle

            bundle = read_bundle(Path(bundle_path))  # BundleError: the caller shows it
            attempts = bundle.attempts()
            if not attempts:
                from rehearsal.store.bundle import BundleError

                raise BundleError("holds no attempts")
            index = len(attempts) - 1 if attempt is None else attempt
            return attempts[index], BundleAudio(bundle, index), bundle.learner
        if store is None or session_id is None:
            raise ValueError("SessionScreen needs a store and a session id, or a bundle path")
        detail = store.get(session_id)
        return detail, StoredAudio(detail), None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._summary(), id="session-summary")
        who = manager_name(self.detail)
        with VerticalScroll(id="session-turns"):
            for turn in self.detail.turns:
                has_audio = self.audio.has(turn, "manager") or self.audio.has(turn, "reply")
                yield TurnView(who, turn, has_audio)
            if self.detail.closing_line:
                yield Static(Text.assemble((f"{printable(who)}: ", "bold"), printable(self.detail.closing_line)), classes="session-turn")
            if not self.detail.turns:
                yield Static("This call has no finished turns.", classes="session-turn")
        yield Footer()

    def _summary(self) -> Text:
        d = self.detail
        text = Text()
        if self.read_only:
            text.append(f"{self.learner} · ", style="bold")
        text.append(d.scenario_title, style="bold")
        text.append(f" · {d.started_at.astimezone().strftime('%Y-%m-%d %H:%M')} · {ending_label(d.status)}\n")
        text.append(f"Call score {headline(d)}", style="bold")
        if self.read_only:
            text.append("   (from a results bundle: read-only)", style="italic")
        text.append("\n")
        text.append_text(legend())
        return text

    def on_mount(self) -> None:
        self.title = "Replay"
        views = self.query(TurnView)
        if views:
            views.first().focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry" and (self.read_only or self.on_retry is None):
            return None  # shown disabled: a bundle is read-only; no callback, nothing to retry into
        if action in ("play", "stop") and self.speaker is None:
            return None
        if action == "delete" and (self.read_only or self.store is None):
            return None  # someone else's results: not ours to delete
        return True

    def focused_turn(self) -> TurnRecord | None:
        focused = self.focused
        if isinstance(focused, TurnView):
            return focused.turn
        return self.detail.turns[0] if self.detail.turns else None

    def action_move(self, step: int) -> None:
        views = list(self.query(TurnView))
        if not views:
            return
        current = views.index(self.focused) if self.focused in views else -1
        target = views[max(0, min(len(views) - 1, current + step))]
        target.focus()
        target.scroll_visible()

    def action_play(self, role: str) -> None:
        turn = self.focused_turn()
        if turn is None or self.speaker is None:
            return
        self.action_stop()
        self._play(turn, role)

    @work(thread=True, exclusive=True, group="playback", exit_on_error=False)
    def _play(self, turn: TurnRecord, role: str) -> None:
        # Reading a WAV (maybe from a zip) and starting the device can take a moment: off the UI thread.
        audio = self.audio.audio(turn, role)
        if audio is None:
            what = "manager's line" if role == "manager" else "reply"
            self.app.call_from_thread(self.notify, f"There is no recording of this {what}.", severity="warning")
            return
        try:
            self._playback = self.speaker.play(audio)
        except Exception as exc:  # noqa: BLE001 - a lost device must not end the replay
            self.app.call_from_thread(self.notify, f"Cannot play: {exc}", severity="error")

    def action_stop(self) -> None:
        if self._playback is not None:
            self._playback.stop()
            self._playback = None

    def action_retry(self) -> None:
        turn = self.focused_turn()
        if turn is not None and self.on_retry is not None and not self.read_only:
            self.action_stop()
            self.on_retry(self.detail, turn)

    def action_export(self) -> None:
        from rehearsal.ui.screens.export import ExportScreen

        history = None
        if self.store is not None:
            try:
                history = self.store.progress(self.detail.scenario_id)
            except Exception:  # noqa: BLE001 - the report is still worth having without the chart
                history = None

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved {path}", title="Report", timeout=6)

        self.app.push_screen(ExportScreen(self.detail, history), saved)

    def action_delete(self) -> None:
        from rehearsal.ui.screens.confirm import ConfirmScreen

        if self.store is None or self.read_only:
            return
        d = self.detail

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.action_stop()
            try:
                self.store.delete(d.id)
            except Exception as exc:  # noqa: BLE001
                self.notify(f"The call could not be deleted: {exc}", severity="error")
                return
            self.app.pop_screen()
            self.app.notify(f"Deleted the call of {d.started_at.astimezone():%Y-%m-%d %H:%M}.", timeout=5)

        when = d.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.app.push_screen(ConfirmScreen(f"Delete this call ({d.scenario_title}, {when}) and its recordings? "
                                           "This cannot be undone.", yes="Delete", no="Keep it"), answered)

    def action_back(self) -> None:
        self.action_stop()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self.action_stop()
